/**
 * `s3enc get s3://bucket/key [file|-]`: download, authenticate and decrypt. A file target is
 * written by the library under a temporary name and renamed only once every frame verified,
 * so a failure never leaves a partial file; stdout receives only authenticated plaintext.
 */
import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { InvalidArgumentError, type ByteRange } from '@s3enc/core';
import type { GetOptions } from '@s3enc/node';
import {
  boolOpt,
  parseContext,
  parsePositiveInt,
  parseWorkers,
  parseSize,
  stringOpt,
  stringsOpt,
} from '../args.js';
import { LocalFileError, UsageError } from '../cli-errors.js';
import { openClient, selectKeys } from '../clients.js';
import type { CommandContext } from '../command.js';
import { allowSharedKeyFile, settingsOf, sseCKeyOf } from '../common.js';
import { defaultKmsKeyId } from '../config.js';
import { applyUmaskMode, FOLLOW_UMASK } from '../file-mode.js';
import { formatBytes } from '../output.js';
import { createProgress } from '../progress.js';
import { parseRange, resolveRange } from '../range.js';
import { s3ecOptionsOf } from '../s3ec-options.js';
import { getToNewFile } from '../new-file.js';
import { parseS3Url } from '../s3-url.js';
import { terminalSafe } from '../terminal-text.js';

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/** Where to write: '-' = stdout; a directory gets the key's last segment. */
async function resolveTarget(target: string, key: string): Promise<string> {
  if (target === '-') return target;
  const st = await stat(target).catch(() => undefined);
  if (st?.isDirectory() === true || target.endsWith('/')) {
    const name = basename(key);
    if (name === '' || name === '.' || name === '..')
      throw new UsageError(
        `cannot name a file after the key ${JSON.stringify(key)}; give a file name`,
      );
    return join(target, name);
  }
  return target;
}

export async function run(ctx: CommandContext): Promise<number | undefined> {
  const { bucket, key } = parseS3Url(ctx.positionals[0]!);
  const v = ctx.values;
  const explicitTarget = ctx.positionals[1];
  if (explicitTarget === undefined && ctx.io.stdout.isTTY === true) {
    throw new UsageError(
      'refusing to write the object to a terminal: give a file name, or - to really write to stdout',
    );
  }
  const target = await resolveTarget(explicitTarget ?? '-', key);
  const keys = {
    ...selectKeys(
      stringsOpt(v, 'kms-key-id'),
      stringOpt(v, 'key-file'),
      defaultKmsKeyId(ctx.io.env),
      stringsOpt(v, 'kms-discovery-account'),
    ),
    allowSharedKeyFile: allowSharedKeyFile(v),
  };
  const encryptionContext = parseContext(stringsOpt(v, 'context'));
  const rangeText = stringOpt(v, 'range');
  const rangeSpec = rangeText === undefined ? undefined : parseRange(rangeText);
  const concurrency = stringOpt(v, 'concurrency');
  const partSize = stringOpt(v, 'part-size');
  const sseCustomerKey = (await sseCKeyOf(v))?.key;
  let versionId = stringOpt(v, 'version-id');
  const noOverwrite = target !== '-' && boolOpt(v, 'no-overwrite');
  // An early check spares a download whose result could not be kept; getToNewFile decides.
  if (noOverwrite && (await exists(target))) {
    throw new LocalFileError(
      'ERR_S3ENC_CLI_FILE_EXISTS',
      `${target} exists and --no-overwrite was given`,
    );
  }
  if (target === '-') ctx.out.dataOnStdout = true;

  const s3ec = await s3ecOptionsOf(v);
  const { client, close } = await openClient(settingsOf(ctx), {
    keys,
    s3ec,
    concurrency:
      concurrency === undefined ? undefined : parsePositiveInt('concurrency', concurrency),
    workers: parseWorkers(stringOpt(v, 'workers')),
  });
  try {
    // A range needs the plaintext size (HTTP clamps `bytes=a-b` to the object; `bytes=-n` is
    // the last n bytes), and a progress bar wants the total. HEAD reads the envelope only;
    // the version it saw is then pinned for the download.
    let range: ByteRange | undefined;
    let total: number | undefined;
    if (rangeSpec !== undefined || ctx.out.interactive) {
      const h = await client.head(bucket, key, {
        signal: ctx.signal,
        ...(versionId !== undefined ? { versionId } : {}),
        ...(sseCustomerKey ? { sseCustomerKey } : {}),
      });
      if (!h.encrypted) {
        throw new UsageError(
          `s3://${bucket}/${key} is not encrypted (neither s3enc nor an S3 Encryption Client object); download it with an ordinary S3 client`,
        );
      }
      versionId = h.versionId ?? versionId;
      total = h.envelope.plaintextSize;
      if (rangeSpec !== undefined && h.envelope.format !== 'aws-encryption-sdk') {
        throw new InvalidArgumentError(
          `s3://${bucket}/${key} is an Amazon S3 Encryption Client object (${h.envelope.format}): one GCM tag covers the whole object, so a range of it cannot be authenticated. Read it whole, or run \`s3enc convert s3://${bucket}/${key}\` to rewrite it in the s3enc format, whose ranges are authenticated.`,
          { code: 'ERR_S3ENC_RANGE_UNSUPPORTED' },
        );
      }
      if (rangeSpec !== undefined && total !== undefined) {
        range = resolveRange(rangeSpec, total);
        total = range.end - range.start;
      }
    }
    const progress = createProgress(ctx.out, `get ${key}`, total);
    let done = 0;
    const options: GetOptions = {
      signal: ctx.signal,
      onProgress: (p) => {
        done = p.bytes;
        progress.update(p.bytes);
      },
      ...(versionId !== undefined ? { versionId } : {}),
      ...(range !== undefined ? { range } : {}),
      ...(encryptionContext ? { encryptionContext } : {}),
      ...(sseCustomerKey ? { sseCustomerKey } : {}),
      ...(partSize !== undefined ? { chunkSize: parseSize('part-size', partSize) } : {}),
    };
    let summary: {
      versionId: string | undefined;
      plaintextSize: number;
      range: ByteRange;
      bytes: number;
      path: string | null;
      /** Read by a whole-body format (S3 Encryption Client): authenticated as a whole. */
      whole: boolean;
      /** Worker threads that read the ranges (0: this thread). */
      workers: number;
    };
    try {
      if (target === '-') {
        const r = await client.get(bucket, key, options);
        await pipeline(r.body, ctx.io.stdout, { end: false });
        summary = {
          versionId: r.versionId,
          plaintextSize: r.plaintextSize,
          range: r.range,
          bytes: done,
          path: null,
          whole: r.format?.startsWith('s3ec') === true,
          workers: 0,
        };
      } else {
        const r = noOverwrite
          ? await getToNewFile(target, (to) => client.getToFile(bucket, key, to, options))
          : await client.getToFile(bucket, key, target, options);
        if (boolOpt(v, FOLLOW_UMASK)) await applyUmaskMode(target);
        summary = {
          versionId: r.versionId,
          plaintextSize: r.plaintextSize,
          range: r.range,
          bytes: r.bytesWritten,
          path: target,
          whole: r.format?.startsWith('s3ec') === true,
          workers: r.workers ?? 0,
        };
      }
    } finally {
      progress.finish();
    }
    ctx.out.result(
      {
        ok: true,
        bucket,
        key,
        versionId: summary.versionId ?? null,
        path: summary.path,
        plaintextSize: summary.plaintextSize,
        range: summary.range,
        bytesWritten: summary.bytes,
        workers: summary.workers,
      },
      () =>
        summary.path === null
          ? ''
          : terminalSafe(
              `decrypted s3://${bucket}/${key}${summary.versionId !== undefined ? ` version ${summary.versionId}` : ''} → ${summary.path} (${formatBytes(summary.bytes)}${range ? `, bytes ${summary.range.start}-${summary.range.end - 1}` : ''}, ${summary.whole ? 'authenticated whole before release' : 'every frame authenticated'})`,
            ),
    );
  } finally {
    close();
  }
  return undefined;
}
