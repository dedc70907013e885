/** `s3enc rm s3://bucket/key [--version-id ID] [--mfa "SERIAL CODE"] [--bypass-governance-retention]` */
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { deleteVersion } from '@s3enc/node';
import { boolOpt, stringOpt } from '../args.js';
import { UsageError } from '../cli-errors.js';
import { makeS3Client } from '../clients.js';
import type { CommandContext } from '../command.js';
import { mfaOf, settingsOf } from '../common.js';
import { parseS3Url } from '../s3-url.js';

export async function run(ctx: CommandContext): Promise<number | undefined> {
  const { bucket, key } = parseS3Url(ctx.positionals[0]!);
  const versionId = stringOpt(ctx.values, 'version-id');
  const mfa = mfaOf(ctx.values);
  const bypass = boolOpt(ctx.values, 'bypass-governance-retention');
  if (versionId === undefined && (mfa !== undefined || bypass)) {
    throw new UsageError(
      '--mfa and --bypass-governance-retention apply to deleting a version: add --version-id ID',
    );
  }
  const s3 = makeS3Client(settingsOf(ctx));
  try {
    if (versionId !== undefined) {
      const r = await deleteVersion(s3, {
        bucket,
        key,
        versionId,
        ...(bypass ? { bypassGovernanceRetention: true } : {}),
        ...(mfa ? { mfa } : {}),
      });
      ctx.out.result(
        {
          ok: true,
          bucket,
          key,
          versionId: r.versionId,
          deleted: 'version',
          wasDeleteMarker: r.wasDeleteMarker,
        },
        () =>
          `deleted version ${r.versionId} of s3://${bucket}/${key}${r.wasDeleteMarker ? ' (a delete marker: the previous version is current again)' : ' permanently'}`,
      );
    } else {
      const r = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }), {
        abortSignal: ctx.signal,
      });
      const marker = r.DeleteMarker === true;
      ctx.out.result(
        {
          ok: true,
          bucket,
          key,
          deleted: marker ? 'delete-marker' : 'object',
          versionId: r.VersionId ?? null,
        },
        () =>
          marker
            ? `deleted s3://${bucket}/${key}: a delete marker (${r.VersionId ?? '?'}) hides it; earlier versions remain (remove one with --version-id)`
            : `deleted s3://${bucket}/${key}`,
      );
    }
  } finally {
    s3.destroy();
  }
  return undefined;
}
