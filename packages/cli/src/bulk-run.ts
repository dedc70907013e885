/**
 * What `cp --recursive` and `sync` share: the two locations, the filters in command-line order,
 * a progress line for the whole run on a TTY, one record per object (a line, or with --json
 * one JSON object per line), a summary, and the exit code (1 when any object failed).
 */
import { S3EncError } from '@s3enc/core';
import {
  transferTree,
  type ObjectResult,
  type PathFilter,
  type TransferTreeOptions,
  type TreeLocation,
} from '@s3enc/node';
import { boolOpt, parsePositiveInt, parseContext, stringOpt, stringsOpt } from './args.js';
import { UsageError } from './cli-errors.js';
import { openClient, selectKeys } from './clients.js';
import type { CommandContext } from './command.js';
import { allowSharedKeyFile, settingsOf } from './common.js';
import { defaultKmsKeyId } from './config.js';
import { reportFor } from './error-report.js';
import { ExitCode } from './exit-codes.js';
import { formatBytes } from './output.js';
import { createBulkProgress } from './bulk-progress.js';
import { trackBulkUploads } from './bulk-uploads.js';
import { isS3Url, parseS3Url } from './s3-url.js';
import { terminalSafe } from './terminal-text.js';

/** Default budget of parallel requests (objects and parts together). */
const DEFAULT_BULK_CONCURRENCY = 8;

function locationOf(text: string): TreeLocation {
  if (isS3Url(text)) {
    const { bucket, key } = parseS3Url(text, { requireKey: false });
    return { type: 's3', bucket, prefix: key };
  }
  return { type: 'local', path: text };
}

/** `--exclude` / `--include` in the order given (the last match wins, as in the AWS CLI). */
export function filtersOf(argv: readonly string[]): PathFilter[] {
  const out: PathFilter[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    for (const type of ['exclude', 'include'] as const) {
      if (a === `--${type}`) {
        const pattern = argv[i + 1];
        if (pattern === undefined) throw new UsageError(`--${type} needs a pattern`);
        out.push({ type, pattern });
        i++;
      } else if (a.startsWith(`--${type}=`)) out.push({ type, pattern: a.slice(type.length + 3) });
    }
  }
  return out;
}

function describe(r: ObjectResult): string {
  const verb = { upload: 'upload', download: 'download', copy: 'copy', delete: 'delete' }[
    r.operation
  ];
  const what = r.operation === 'delete' ? r.destination : `${r.source} → ${r.destination}`;
  switch (r.status) {
    case 'done':
      return `${verb}: ${what}`;
    case 'dry-run':
      return `(dryrun) ${verb}: ${what}`;
    case 'skipped':
      return `skip (up to date): ${what}`;
    case 'ignored':
      return `ignored ${r.source}: ${r.reason ?? ''}`;
    case 'failed':
      return `FAILED ${verb}: ${what}: ${r.error instanceof S3EncError ? `${r.error.code} ` : ''}${r.reason ?? ''}`;
  }
}

function record(r: ObjectResult): Record<string, unknown> {
  const { error, ...rest } = r;
  const rep = error === undefined ? undefined : reportFor(error);
  return { type: 'object', ...rest, ...(rep ? { code: rep.code, reason: rep.message } : {}) };
}

/** Runs `cp --recursive` (`mode: 'copy'`) or `sync`. */
export async function runBulk(
  ctx: CommandContext,
  mode: 'copy' | 'sync',
): Promise<number | undefined> {
  const v = ctx.values;
  const source = locationOf(ctx.positionals[0]!);
  const destination = locationOf(ctx.positionals[1]!);
  if (source.type === 'local' && destination.type === 'local')
    throw new UsageError('one side must be an s3:// prefix');
  const concurrencyText = stringOpt(v, 'concurrency');
  const concurrency =
    concurrencyText === undefined
      ? DEFAULT_BULK_CONCURRENCY
      : parsePositiveInt('concurrency', concurrencyText);
  const keys = {
    ...selectKeys(
      stringsOpt(v, 'kms-key-id'),
      stringOpt(v, 'key-file'),
      defaultKmsKeyId(ctx.io.env),
    ),
    allowSharedKeyFile: allowSharedKeyFile(v),
  };
  const encryptionContext = parseContext(stringsOpt(v, 'context'));
  const filters = filtersOf(ctx.argv ?? []);
  const { client, close } = await openClient(settingsOf(ctx), { keys, concurrency });
  const uploads = trackBulkUploads(ctx.io.env);
  const progress = createBulkProgress(ctx.out, mode === 'copy' ? 'cp' : 'sync');
  const json = ctx.global.json;
  const options: TransferTreeOptions = {
    source,
    destination,
    mode,
    delete: boolOpt(v, 'delete'),
    dryRun: boolOpt(v, 'dryrun'),
    filters,
    sizeOnly: boolOpt(v, 'size-only'),
    exactTimestamps: boolOpt(v, 'exact-timestamps'),
    failFast: boolOpt(v, 'fail-fast'),
    concurrency,
    signal: ctx.signal,
    putOptions: {
      ...(encryptionContext ? { encryptionContext } : {}),
      onMultipartUpload: (u) => {
        uploads.opened(u);
      },
    },
    ...(encryptionContext ? { getOptions: { encryptionContext } } : {}),
    onObject: (r) => {
      uploads.settled(r);
      if (json) ctx.io.stdout.write(`${JSON.stringify(record(r))}\n`);
      else if (r.status === 'failed') {
        progress.finish();
        ctx.io.stderr.write(`${terminalSafe(describe(r))}\n`);
      } else if (r.status !== 'skipped' || ctx.global.debug) {
        progress.finish();
        ctx.out.note(terminalSafe(describe(r)));
      }
    },
    onProgress: (p) => {
      progress.tree(p);
    },
  };
  let summary;
  try {
    summary = await transferTree(client, options);
  } finally {
    progress.finish();
    // Uploads an interrupted run could not abort are named, with the command that aborts them.
    ctx.io.stderr.write(await uploads.finish(client.s3));
    close();
  }
  const line =
    `${summary.done} transferred, ${summary.skipped} up to date, ${summary.deleted} deleted, ` +
    `${summary.failed} failed${summary.dryRun > 0 ? `, ${summary.dryRun} in dry run` : ''}` +
    `${summary.ignored > 0 ? `, ${summary.ignored} ignored` : ''} (${formatBytes(summary.bytes)})`;
  if (json) ctx.io.stdout.write(`${JSON.stringify({ type: 'summary', ...summary })}\n`);
  else if (!ctx.global.quiet) ctx.io.stderr.write(`${line}\n`);
  return summary.failed > 0 ? ExitCode.FAILURE : undefined;
}
