/**
 * `s3enc convert s3://bucket/key` (or a prefix with --recursive): rewrites Amazon S3 Encryption
 * Client objects in the s3enc format as new versions (library `convertObject`), one report line
 * per object. With --dryrun nothing is written. Exits non-zero if any object failed.
 */
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { S3EncError } from '@s3enc/core';
import type { ConvertResult } from '@s3enc/node';
import { boolOpt, stringOpt, stringsOpt } from '../args.js';
import { UsageError } from '../cli-errors.js';
import { openClient, selectKeys } from '../clients.js';
import type { CommandContext } from '../command.js';
import { settingsOf, sseCKeyOf } from '../common.js';
import { defaultKmsKeyId } from '../config.js';
import { reportFor } from '../error-report.js';
import { ExitCode } from '../exit-codes.js';
import { s3ecOptionsOf } from '../s3ec-options.js';
import { parseS3Url } from '../s3-url.js';

/** Bounds the listing: 1,000 keys a page, at most this many pages. */
const MAX_PAGES = 100_000;

interface Row {
  key: string;
  status: ConvertResult['status'] | 'failed';
  sourceFormat?: string;
  sourceVersionId?: string | null;
  newVersionId?: string | null;
  reason?: string;
  code?: string;
}

export async function run(ctx: CommandContext): Promise<number | undefined> {
  const { bucket, key } = parseS3Url(ctx.positionals[0]!);
  const v = ctx.values;
  const recursive = boolOpt(v, 'recursive');
  const dryRun = boolOpt(v, 'dryrun');
  if (!recursive && (key === '' || key.endsWith('/')))
    throw new UsageError('give an object key, or a prefix with --recursive');
  const keys = selectKeys(
    stringsOpt(v, 'kms-key-id'),
    stringOpt(v, 'key-file'),
    defaultKmsKeyId(ctx.io.env),
    stringsOpt(v, 'kms-discovery-account'),
  );
  const s3ec = await s3ecOptionsOf(v);
  const suffix = s3ec.instructionFileSuffix ?? '.instruction';
  const sseCustomerKey = (await sseCKeyOf(v))?.key;
  const { client, close } = await openClient(settingsOf(ctx), { keys, s3ec });
  const rows: Row[] = [];
  try {
    const targets = recursive ? await listKeys(ctx, client.s3, bucket, key, suffix) : [key];
    for (const k of targets) {
      if (ctx.signal.aborted) break;
      try {
        const r = await client.convertObject(bucket, k, {
          dryRun,
          signal: ctx.signal,
          ...(sseCustomerKey ? { sseCustomerKey } : {}),
        });
        rows.push({
          key: k,
          status: r.status,
          sourceFormat: r.sourceFormat,
          sourceVersionId: r.sourceVersionId ?? null,
          newVersionId: r.newVersionId ?? null,
          ...(r.reason !== undefined ? { reason: r.reason } : {}),
        });
      } catch (err) {
        // One object's failure is reported and the rest go on; interruption stops everything.
        if (ctx.signal.aborted || !(err instanceof S3EncError)) throw err;
        const rep = reportFor(err);
        rows.push({ key: k, status: 'failed', code: rep.code, reason: rep.message });
      }
      ctx.out.note(line(bucket, rows.at(-1)!));
    }
  } finally {
    close();
  }
  const failed = rows.filter((r) => r.status === 'failed').length;
  ctx.out.result(
    { ok: failed === 0, bucket, dryRun, objects: rows },
    () =>
      `${rows.filter((r) => r.status === 'converted' || r.status === 'would-convert').length} ${dryRun ? 'to convert' : 'converted'}, ` +
      `${rows.filter((r) => r.status === 'skipped').length} skipped, ${failed} failed`,
  );
  return failed > 0 ? ExitCode.FAILURE : undefined;
}

function line(bucket: string, r: Row): string {
  const url = `s3://${bucket}/${r.key}`;
  switch (r.status) {
    case 'converted':
      return `converted ${url} (${r.sourceFormat} → s3enc, new version ${r.newVersionId ?? '-'}, source version ${r.sourceVersionId ?? '-'} kept)`;
    case 'would-convert':
      return `would convert ${url} (${r.sourceFormat})`;
    case 'skipped':
      return `skipped ${url}: ${r.reason ?? ''}`;
    case 'failed':
      return `FAILED ${url}: ${r.code ?? ''} ${r.reason ?? ''}`;
  }
}

/** Keys under `prefix`, without instruction files of keys also listed. */
async function listKeys(
  ctx: CommandContext,
  s3: S3Client,
  bucket: string,
  prefix: string,
  suffix: string,
): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const r = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      { abortSignal: ctx.signal },
    );
    for (const o of r.Contents ?? []) if (o.Key !== undefined) out.push(o.Key);
    if (r.IsTruncated !== true || r.NextContinuationToken === undefined) break;
    // A server that repeats its token would loop forever: progress is required.
    if (r.NextContinuationToken === token) throw new UsageError('the listing did not advance');
    token = r.NextContinuationToken;
  }
  const all = new Set(out);
  return out.filter((k) => !(k.endsWith(suffix) && all.has(k.slice(0, -suffix.length))));
}
