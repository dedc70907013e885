/** `s3enc policy s3://bucket`: builds the enforcing bucket policy, merged with the current one; --apply writes it. */
import { GetBucketPolicyCommand, PutBucketPolicyCommand, type S3Client } from '@aws-sdk/client-s3';
import { buildBucketPolicy, type BucketPolicyOptions } from '@s3enc/node';
import { boolOpt, stringOpt, stringsOpt } from '../args.js';
import { UsageError } from '../cli-errors.js';
import { makeS3Client } from '../clients.js';
import type { CommandContext } from '../command.js';
import { settingsOf } from '../common.js';
import { parseS3Url } from '../s3-url.js';

async function currentPolicy(
  s3: S3Client,
  bucket: string,
  signal: AbortSignal,
): Promise<string | undefined> {
  try {
    const r = await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }), {
      abortSignal: signal,
    });
    return r.Policy;
  } catch (e) {
    if ((e as { name?: string }).name === 'NoSuchBucketPolicy') return undefined;
    throw e;
  }
}

export async function run(ctx: CommandContext): Promise<number | undefined> {
  const { bucket, key } = parseS3Url(ctx.positionals[0]!, { requireKey: false });
  if (key !== '') throw new UsageError('policy takes a bucket: s3enc policy s3://bucket');
  const v = ctx.values;
  const requireSse = stringOpt(v, 'require-sse');
  if (requireSse !== undefined && requireSse !== 'aws:kms' && requireSse !== 'AES256')
    throw new UsageError('--require-sse must be aws:kms or AES256');
  const minTls = stringOpt(v, 'min-tls');
  if (minTls !== undefined && !/^1\.[0-3]$/.test(minTls))
    throw new UsageError('--min-tls expects 1.0 … 1.3');
  const list = (name: string) => {
    const l = stringsOpt(v, name);
    return l.length > 0 ? l : undefined;
  };
  const kmsKeyIds = list('kms-key');
  const vpceIds = list('vpce');
  const sourceIpRanges = list('source-ip');
  const allowedPrincipalArns = list('principal');
  const exemptPrincipalArns = list('exempt-principal');
  const s3 = makeS3Client(settingsOf(ctx));
  try {
    const existingPolicy = await currentPolicy(s3, bucket, ctx.signal);
    const options: BucketPolicyOptions = {
      bucket,
      existingPolicy,
      ...(requireSse !== undefined ? { requireSse } : {}),
      ...(kmsKeyIds ? { kmsKeyIds } : {}),
      ...(vpceIds ? { vpceIds } : {}),
      ...(sourceIpRanges ? { sourceIpRanges } : {}),
      ...(allowedPrincipalArns ? { allowedPrincipalArns } : {}),
      ...(exemptPrincipalArns ? { exemptPrincipalArns } : {}),
      ...(minTls !== undefined ? { minimumTlsVersion: Number(minTls) } : {}),
      ...(boolOpt(v, 'no-service-carve-outs') ? { serviceCarveOuts: false } : {}),
      ...(boolOpt(v, 'drop-stale') ? { dropStaleStatements: true } : {}),
    };
    const built = buildBucketPolicy(options);
    const apply = boolOpt(v, 'apply');
    let applied = false;
    if (apply && built.changed) {
      await s3.send(
        new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(built.document) }),
        { abortSignal: ctx.signal },
      );
      applied = true;
    }
    const c = built.changes;
    if (ctx.global.json) {
      ctx.io.stdout.write(
        `${JSON.stringify({ ok: true, bucket, changed: built.changed, applied, changes: c, policy: built.document })}\n`,
      );
    } else {
      // The policy itself on stdout (so it can be redirected to a file); the summary on stderr.
      if (!ctx.global.quiet) ctx.io.stdout.write(`${built.json}\n`);
      const summary = [
        c.added.length > 0 ? `added ${c.added.join(', ')}` : '',
        c.updated.length > 0 ? `updated ${c.updated.join(', ')}` : '',
        c.stale.length > 0 ? `stale (kept) ${c.stale.join(', ')}` : '',
        `${c.foreignKept} other statement${c.foreignKept === 1 ? '' : 's'} kept`,
      ].filter((x) => x !== '');
      ctx.out.note(
        `${built.changed ? 'policy changes' : 'no change'}: ${summary.join('; ')}` +
          (applied
            ? `\napplied to s3://${bucket}`
            : built.changed && !apply
              ? `\ndry run: add --apply to write it to s3://${bucket}`
              : ''),
      );
    }
  } finally {
    s3.destroy();
  }
  return undefined;
}
