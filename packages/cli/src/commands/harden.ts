/** `s3enc harden s3://bucket [--apply]`: plans (or makes) the changes; never weakens a setting. */
import { formatPlannedChange, hardenBucket, type PlannedChange } from '@s3enc/node';
import { boolOpt, stringOpt } from '../args.js';
import { UsageError } from '../cli-errors.js';
import { makeS3Client } from '../clients.js';
import type { CommandContext } from '../command.js';
import { settingsOf } from '../common.js';
import { ExitCode } from '../exit-codes.js';
import { parseS3Url } from '../s3-url.js';

export async function run(ctx: CommandContext): Promise<number | undefined> {
  const { bucket, key } = parseS3Url(ctx.positionals[0]!, { requireKey: false });
  if (key !== '') throw new UsageError('harden takes a bucket: s3enc harden s3://bucket');
  const v = ctx.values;
  const apply = boolOpt(v, 'apply');
  const kmsKeyId = stringOpt(v, 'kms-key');
  const s3 = makeS3Client(settingsOf(ctx));
  const style = ctx.out.style;
  const colour = (c: PlannedChange) => {
    const line = formatPlannedChange(c);
    if (c.status === 'failed') return style.red(line);
    if (c.status === 'planned' || c.status === 'applied') return style.yellow(line);
    return style.dim(line);
  };
  let changes: readonly PlannedChange[];
  try {
    const r = await hardenBucket(s3, bucket, {
      apply,
      ...(kmsKeyId !== undefined ? { kmsKeyId } : {}),
      ...(boolOpt(v, 'no-bucket-key') ? { bucketKey: false } : {}),
      ...(boolOpt(v, 'no-service-carve-outs') ? { policy: { serviceCarveOuts: false } } : {}),
      onChange: (c) => {
        if (!ctx.global.json && !ctx.global.quiet) ctx.io.stdout.write(`${colour(c)}\n`);
      },
    });
    changes = r.changes;
  } finally {
    s3.destroy();
  }
  const failed = changes.some((c) => c.status === 'failed');
  const planned = changes.filter((c) => c.status === 'planned').length;
  if (ctx.global.json) {
    ctx.io.stdout.write(`${JSON.stringify({ ok: !failed, bucket, applied: apply, changes })}\n`);
  } else if (!apply && planned > 0) {
    ctx.out.note(
      `dry run: ${planned} change${planned === 1 ? '' : 's'} planned; add --apply to make ${planned === 1 ? 'it' : 'them'}`,
    );
  }
  return failed ? ExitCode.FINDINGS : undefined;
}
