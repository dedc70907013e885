/**
 * `getToFile`: plaintext written under a private temporary name (mode 0600) in the target's
 * directory and renamed only after every piece verified — for a whole-body format, after the
 * whole object authenticated; on any failure the temporary file is removed and the target
 * left untouched. Write batches are wiped once written.
 * @internal
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InvalidArgumentError } from '@s3enc/core';
import { checkProgressListener, type ClientContext, type TransferProgress } from '../../context.js';
import { getRangesOnWorkers, workersForRead } from '../workers/get-file.js';
import type { Piece } from '../formats/object-format.js';
import { writeAllAt } from './file-write.js';
import { prepareRead } from './prepare-read.js';
import { ReadEvents } from './read-events.js';
import type { GetOptions, ObjectFacts, PreparedRead } from './read-options.js';
import type { ByteRange } from '@s3enc/core';

/** Bytes getToFile gathers before one writev. */
const WRITE_BATCH = 8 * 1024 * 1024;

/** What `getToFile` returns. */
export interface GetToFileResult extends ObjectFacts {
  readonly encrypted: boolean;
  /** The format read: `aws-encryption-sdk` (s3enc), `s3ec-v1`/`-v2`/`-v3`; undefined for plaintext. */
  readonly format: string | undefined;
  readonly path: string;
  readonly plaintextSize: number;
  readonly range: ByteRange;
  readonly bytesWritten: number;
  /** Worker threads that fetched, verified and wrote the ranges (absent: the calling thread did). */
  readonly workers?: number | undefined;
}

/** @throws as `get`, plus file-system errors. */
export async function getObjectToFile(
  ctx: ClientContext,
  bucket: string,
  key: string,
  path: string,
  options: GetOptions,
): Promise<GetToFileResult> {
  if (typeof path !== 'string' || path === '')
    throw new InvalidArgumentError('path must be a non-empty string');
  const onProgress = checkProgressListener(options.onProgress); // before any request
  const ev = new ReadEvents(bucket, key, options, 'file');
  let read: PreparedRead;
  try {
    read = await prepareRead(ctx, bucket, key, options, 'file');
  } catch (err) {
    ev.finish(err, false);
    throw err;
  }
  ev.opened(read);
  const tmp = join(dirname(path), `.${basename(path)}.s3enc-${randomBytes(6).toString('hex')}.tmp`);
  let written: number;
  let delivered = 0;
  const progress = (p: TransferProgress) => {
    ev.delivered(p.bytes - delivered);
    delivered = p.bytes;
    onProgress?.(p);
  };
  let ranOn: number | undefined;
  try {
    const onWorkers = workersForRead(ctx, read, options);
    const fh = await open(tmp, 'wx', 0o600);
    try {
      if (onWorkers === undefined) {
        written = await writePieces(fh, read.chunks(), read.range, progress);
      } else {
        const r = await getRangesOnWorkers({
          ...onWorkers,
          bucket,
          key,
          tmpPath: tmp,
          concurrency: options.concurrency ?? ctx.defaults.concurrency,
          signal: options.signal,
          onProgress: progress,
        });
        written = r.bytes;
        ranOn = r.workers;
        read.close(); // the chunks() path closes it itself
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    read.close();
    await unlink(tmp).catch(() => undefined);
    ev.finish(err, false);
    throw err;
  }
  ev.finish(undefined, true);
  return {
    ...read.facts,
    encrypted: read.encrypted,
    format: read.format,
    path,
    plaintextSize: read.plaintextSize,
    range: read.range,
    bytesWritten: written,
    ...(ranOn !== undefined ? { workers: ranOn } : {}),
  };
}

/**
 * Writes plaintext pieces at their offsets (relative to `range.start`) in batches of up to
 * 8 MiB, one writev each, reporting progress per batch written. Every piece is wiped once
 * written, or when the write fails.
 * @returns the bytes written.
 */
export async function writePieces(
  fh: Pick<FileHandle, 'writev'>,
  pieces: AsyncIterable<Piece>,
  range: ByteRange,
  onProgress: ((p: TransferProgress) => void) | undefined,
): Promise<number> {
  const total = range.end - range.start;
  let written = 0;
  let batch: Buffer[] = [];
  let batchAt = 0;
  let batchBytes = 0;
  const flush = async () => {
    await writeAllAt(fh, batch, batchAt);
    written += batchBytes;
    wipe(batch);
    batch = [];
    batchBytes = 0;
    onProgress?.({ bytes: written, total });
  };
  try {
    for await (const c of pieces) {
      const at = c.offset - range.start;
      if (batchBytes > 0 && at !== batchAt + batchBytes) await flush();
      if (batchBytes === 0) batchAt = at;
      batch.push(c.data);
      batchBytes += c.data.length;
      if (batchBytes >= WRITE_BATCH) await flush();
    }
    if (batchBytes > 0) await flush();
  } catch (err) {
    wipe(batch);
    throw err;
  }
  return written;
}

function wipe(buffers: readonly Buffer[]): void {
  for (const b of buffers) b.fill(0);
}
