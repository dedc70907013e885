/**
 * `s3enc ls s3://bucket/prefix` as `aws s3 ls` (`--recursive`, `--human-readable`,
 * `--summarize`), with per-object columns from a ranged read of each header (no key
 * unwrapped): encrypted?, format, plaintext size, wrapping key ids. Headers are read with
 * bounded concurrency; rows keep the listing's order.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { S3EncError } from '@s3enc/core';
import { describeObject, isListedObject, listPrefix, type ListedObject } from '@s3enc/node';
import { boolOpt, parsePositiveInt, stringOpt } from '../args.js';
import { makeS3Client } from '../clients.js';
import type { CommandContext } from '../command.js';
import { settingsOf } from '../common.js';
import { formatBytes } from '../output.js';
import { parseS3Url } from '../s3-url.js';
import { terminalSafe } from '../terminal-text.js';

/** Rows described at once (each a ranged GET). */
const DEFAULT_LS_CONCURRENCY = 8;

interface Row {
  type: 'object';
  key: string;
  lastModified: string | null;
  storedSize: number;
  encrypted: boolean | null;
  format: string | null;
  plaintextSize: number | null;
  keyIds: readonly string[];
  error?: string;
}

async function describeRow(
  s3: S3Client,
  bucket: string,
  o: ListedObject,
  signal: AbortSignal,
): Promise<Row> {
  const base = {
    type: 'object' as const,
    key: o.key,
    lastModified: o.lastModified?.toISOString() ?? null,
    storedSize: o.size,
  };
  try {
    const h = await describeObject(s3, bucket, o.key, { signal });
    if (!h.encrypted)
      return { ...base, encrypted: false, format: null, plaintextSize: h.storedSize, keyIds: [] };
    return {
      ...base,
      encrypted: true,
      format: h.format,
      plaintextSize: h.envelope.plaintextSize ?? null,
      keyIds: h.envelope.keyIds,
    };
  } catch (err) {
    if (signal.aborted || !(err instanceof S3EncError)) throw err;
    return {
      ...base,
      encrypted: null,
      format: null,
      plaintextSize: null,
      keyIds: [],
      error: err.code,
    };
  }
}

function dateText(iso: string | null): string {
  return iso === null ? ''.padEnd(19) : iso.slice(0, 19).replace('T', ' ');
}

export async function run(ctx: CommandContext): Promise<number | undefined> {
  const { bucket, key: prefix } = parseS3Url(ctx.positionals[0]!, { requireKey: false });
  const v = ctx.values;
  const recursive = boolOpt(v, 'recursive');
  const human = boolOpt(v, 'human-readable');
  const summarize = boolOpt(v, 'summarize');
  const c = stringOpt(v, 'concurrency');
  const concurrency = c === undefined ? DEFAULT_LS_CONCURRENCY : parsePositiveInt('concurrency', c);
  const s3 = makeS3Client(settingsOf(ctx), concurrency);
  const json = ctx.global.json;
  const size = (n: number | null) => (n === null ? '?' : human ? formatBytes(n) : String(n));
  let objects = 0;
  let plaintextTotal = 0;
  let storedTotal = 0;
  const print = (r: Row) => {
    objects++;
    storedTotal += r.storedSize;
    plaintextTotal += r.plaintextSize ?? r.storedSize;
    if (json) {
      ctx.io.stdout.write(`${JSON.stringify(r)}\n`);
      return;
    }
    const enc =
      r.encrypted === null ? `error ${r.error ?? ''}` : r.encrypted ? 'encrypted' : 'plaintext';
    ctx.io.stdout.write(
      terminalSafe(
        `${dateText(r.lastModified)} ${size(r.plaintextSize).padStart(human ? 10 : 12)} ${enc.padEnd(9)} ${(r.format ?? '-').padEnd(7)} ${r.key.slice(prefix.lastIndexOf('/') + 1)}${r.keyIds.length > 0 ? `  [${r.keyIds.join(', ')}]` : ''}`,
      ) + '\n',
    );
  };
  try {
    // A batch is described in parallel (bounded), then printed in listing order.
    let batch: ListedObject[] = [];
    const flush = async () => {
      const rows: Row[] = new Array<Row>(batch.length);
      let next = 0;
      const worker = async () => {
        while (next < batch.length) {
          const i = next++;
          rows[i] = await describeRow(s3, bucket, batch[i]!, ctx.signal);
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, batch.length) }, worker));
      for (const r of rows) print(r);
      batch = [];
    };
    for await (const e of listPrefix(s3, bucket, prefix, {
      signal: ctx.signal,
      ...(recursive ? {} : { delimiter: '/' }),
    })) {
      if (!isListedObject(e)) {
        if (json) ctx.io.stdout.write(`${JSON.stringify({ type: 'prefix', prefix: e.prefix })}\n`);
        else
          ctx.io.stdout.write(
            terminalSafe(
              `${''.padStart(human ? 30 : 32)}PRE ${e.prefix.slice(prefix.lastIndexOf('/') + 1)}`,
            ) + '\n',
          );
        continue;
      }
      batch.push(e);
      if (batch.length >= 100) await flush();
    }
    await flush();
  } finally {
    s3.destroy();
  }
  if (summarize) {
    if (json)
      ctx.io.stdout.write(
        `${JSON.stringify({ type: 'summary', objects, plaintextSize: plaintextTotal, storedSize: storedTotal })}\n`,
      );
    else
      ctx.io.stdout.write(
        `\nTotal Objects: ${objects}\n   Total Size: ${human ? formatBytes(plaintextTotal) : plaintextTotal} (stored ${human ? formatBytes(storedTotal) : storedTotal})\n`,
      );
  }
  return undefined;
}
