/**
 * `deleteSourceVersionAfterVerify` once the new version is written: verify it
 * (verify-rewrapped.ts), then delete exactly the source version. Any failure keeps the source
 * version and says so. @internal
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { InvalidArgumentError, S3EncError, multiKeyring, type Keyring } from '@s3enc/core';
import type { RewrapPlan } from './copy-plan.js';
import { deleteSourceVersion, requireSourceVersion } from './delete-source.js';
import type { SourceVersion } from './source-attributes.js';
import { verifyRewrapped } from './verify-rewrapped.js';
import type { WriteOutcome } from './write-rewrapped.js';

/** What {@link verifyThenDelete} needs. */
export interface VerifyThenDeleteJob {
  readonly s3: S3Client;
  readonly source: SourceVersion;
  /** The header written, the size written and how (part boundaries). */
  readonly header: Buffer;
  readonly sizeAfter: number;
  readonly plan: RewrapPlan;
  readonly written: WriteOutcome;
  readonly addKeyring: Keyring | undefined;
  readonly decryptKeyring: Keyring;
  readonly maxEncryptedDataKeys: number;
  readonly signal: AbortSignal | undefined;
}

/**
 * Verifies the new version, then deletes the source version.
 * @returns the bytes downloaded by the verification.
 * @throws InvalidArgumentError ERR_S3ENC_REWRAP_DELETE_UNVERSIONED (S3 gave the new version no
 *   version id of its own); IntegrityError ERR_S3ENC_REWRAP_VERIFY_FAILED; S3RequestError
 *   ERR_S3ENC_REWRAP_DELETE_REFUSED; read errors — each with the source version kept.
 */
export async function verifyThenDelete(job: VerifyThenDeleteJob): Promise<number> {
  const v = job.source;
  const sourceVersionId = requireSourceVersion(v);
  const newVersionId = job.written.versionId;
  if (newVersionId === undefined || newVersionId === 'null' || newVersionId === sourceVersionId) {
    throw new InvalidArgumentError(
      `S3 gave the rewrapped s3://${v.bucket}/${v.key} no version of its own (is versioning suspended?); the source version ${sourceVersionId} was kept`,
      { code: 'ERR_S3ENC_REWRAP_DELETE_UNVERSIONED' },
    );
  }
  // Any key the caller holds that the new header lists proves the object stays readable.
  const keyring =
    job.addKeyring === undefined
      ? job.decryptKeyring
      : multiKeyring({ children: [job.addKeyring, job.decryptKeyring] });
  const H = job.header.length;
  let downloaded: number;
  try {
    downloaded = await verifyRewrapped({
      target: {
        s3: job.s3,
        bucket: v.bucket,
        key: v.key,
        pin: {
          VersionId: newVersionId,
          ...(job.written.etag === undefined ? {} : { IfMatch: job.written.etag }),
        },
        ssec: v.ssec,
      },
      header: job.header,
      storedSize: job.sizeAfter,
      partStarts: job.plan.copied.map((r) => r.start - job.plan.uploaded.start + H),
      keyring,
      maxEncryptedDataKeys: job.maxEncryptedDataKeys,
      signal: job.signal,
    });
  } catch (err) {
    if (err instanceof S3EncError)
      err.message += `; the new version ${newVersionId} is in place, the source version ${sourceVersionId} was kept`;
    throw err;
  }
  await deleteSourceVersion(job.s3, v, sourceVersionId, newVersionId, job.signal);
  return downloaded;
}
