/**
 * `s3enc uploads ls|abort s3://bucket[/prefix]`: the incomplete multipart uploads under a
 * prefix, and aborting the stale ones (docs/cli.md, "uploads"). S3 cannot say which uploads
 * s3enc opened, so every upload is listed and the ones this machine's journal knows
 * (upload-journal.ts) are marked as s3enc's. `abort` aborts only s3enc's own unless
 * `--include-unknown` (other tools' uploads may still be running), only those older than
 * `--older-than` (default 24h) or created before `--before`, or exactly `--upload-id`.
 */
import { abortIncompleteUploads, listIncompleteUploads, type IncompleteUpload } from '@s3enc/node';
import { boolOpt, stringOpt } from '../args.js';
import { UsageError } from '../cli-errors.js';
import { makeS3Client } from '../clients.js';
import type { CommandContext } from '../command.js';
import { settingsOf } from '../common.js';
import { ExitCode } from '../exit-codes.js';
import { parseS3Url } from '../s3-url.js';
import { terminalSafe } from '../terminal-text.js';
import {
  forgetUpload,
  knownUploads,
  uploadIdentity,
  type JournalEntry,
} from '../upload-journal.js';

const SUBCOMMANDS = ['ls', 'abort'] as const;
const DEFAULT_ABORT_AGE = '24h';
const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** `90s`, `30m`, `24h`, `7d` → milliseconds. */
export function parseAge(text: string): number {
  const m = /^(\d{1,9})([smhd])$/.exec(text);
  if (m === null)
    throw new UsageError(
      `--older-than takes a number and a unit (s, m, h, d), e.g. 24h; got ${JSON.stringify(text)}`,
    );
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

/** The cut-off time from --older-than / --before (at most one), or `fallbackAge`. */
function cutoffOf(ctx: CommandContext, fallbackAge: string | undefined): Date | undefined {
  const age = stringOpt(ctx.values, 'older-than');
  const before = stringOpt(ctx.values, 'before');
  if (age !== undefined && before !== undefined)
    throw new UsageError('give --older-than or --before, not both');
  if (before !== undefined) {
    const d = new Date(before);
    if (Number.isNaN(d.getTime()))
      throw new UsageError(`--before expects an ISO 8601 date/time, got ${JSON.stringify(before)}`);
    return d;
  }
  const text = age ?? fallbackAge;
  return text === undefined ? undefined : new Date(Date.now() - parseAge(text));
}

function record(u: IncompleteUpload, known: ReadonlyMap<string, JournalEntry>) {
  const entry = known.get(uploadIdentity(u));
  return {
    bucket: u.bucket,
    key: u.key,
    uploadId: u.uploadId,
    initiated: u.initiated?.toISOString() ?? null,
    storageClass: u.storageClass ?? null,
    s3enc: entry !== undefined,
    ...(entry?.resumeStatePath !== undefined ? { resumeStatePath: entry.resumeStatePath } : {}),
  };
}

function line(r: ReturnType<typeof record>, status?: string): string {
  return terminalSafe(
    [
      ...(status !== undefined ? [status] : []),
      r.initiated ?? '-',
      r.s3enc ? 's3enc' : '?',
      `s3://${r.bucket}/${r.key}`,
      r.uploadId,
      ...(r.resumeStatePath !== undefined ? [`(resume state ${r.resumeStatePath})`] : []),
    ].join('  '),
  );
}

async function forgetVanished(
  env: NodeJS.ProcessEnv,
  known: ReadonlyMap<string, JournalEntry>,
  bucket: string,
  prefix: string,
  listed: readonly IncompleteUpload[],
): Promise<void> {
  const present = new Set(listed.map(uploadIdentity));
  for (const [id, e] of known) {
    if (e.bucket === bucket && e.key.startsWith(prefix) && !present.has(id))
      await forgetUpload(env, e);
  }
}

export async function run(ctx: CommandContext): Promise<number | undefined> {
  const sub = ctx.positionals[0]!;
  if (!(SUBCOMMANDS as readonly string[]).includes(sub))
    throw new UsageError(`unknown uploads subcommand ${JSON.stringify(sub)}; expected ls or abort`);
  const target = ctx.positionals[1];
  if (target === undefined)
    throw new UsageError(`usage: s3enc uploads ${sub} s3://bucket[/prefix]`);
  const { bucket, key: prefix } = parseS3Url(target, { requireKey: false });
  const uploadId = stringOpt(ctx.values, 'upload-id');
  const known = await knownUploads(ctx.io.env);
  const s3 = makeS3Client(settingsOf(ctx));
  try {
    if (sub === 'ls') {
      if (boolOpt(ctx.values, 'dryrun') || boolOpt(ctx.values, 'include-unknown'))
        throw new UsageError('--dryrun and --include-unknown apply to uploads abort');
      const initiatedBefore = cutoffOf(ctx, undefined);
      const found = await listIncompleteUploads(s3, bucket, {
        prefix,
        initiatedBefore,
        uploadId,
        signal: ctx.signal,
      });
      // A whole listing shows which journal entries S3 no longer knows (completed or aborted
      // elsewhere): they are dropped, so the journal does not grow.
      if (initiatedBefore === undefined && uploadId === undefined)
        await forgetVanished(ctx.io.env, known, bucket, prefix, found);
      const rows = found.map((u) => record(u, known));
      ctx.out.result({ uploads: rows }, () =>
        rows.length === 0 ? 'no incomplete uploads' : rows.map((r) => line(r)).join('\n'),
      );
      return undefined;
    }
    const includeUnknown = boolOpt(ctx.values, 'include-unknown');
    // An upload named by id is aborted whatever its age or origin: the caller chose it.
    const outcomes = await abortIncompleteUploads(s3, bucket, {
      prefix,
      uploadId,
      initiatedBefore:
        uploadId !== undefined ? cutoffOf(ctx, undefined) : cutoffOf(ctx, DEFAULT_ABORT_AGE),
      dryRun: boolOpt(ctx.values, 'dryrun'),
      filter: (u) => uploadId !== undefined || includeUnknown || known.has(uploadIdentity(u)),
      signal: ctx.signal,
    });
    for (const o of outcomes)
      if (o.status === 'aborted') await forgetUpload(ctx.io.env, known.get(uploadIdentity(o)) ?? o);
    const rows = outcomes.map((o) => ({ ...record(o, known), status: o.status }));
    const failed = rows.filter((r) => r.status === 'failed').length;
    ctx.out.result({ uploads: rows, failed }, () =>
      rows.length === 0
        ? 'no incomplete uploads to abort'
        : rows.map((r) => line(r, r.status === 'dry-run' ? '(dryrun) abort' : r.status)).join('\n'),
    );
    return failed > 0 ? ExitCode.FAILURE : undefined;
  } finally {
    s3.destroy();
  }
}
