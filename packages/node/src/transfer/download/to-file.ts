/**
 * `getToFile`: plaintext written under a private temporary name (mode 0600) in the target's
 * directory and renamed only after every piece verified — for a whole-body format, after the
 * whole object authenticated; on any failure the temporary file is removed and the target
 * left untouched. Write batches are wiped once written.
 * @internal
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InvalidArgumentError } from '@s3enc/core';
import { checkProgressListener, type ClientContext } from '../../context.js';
import { writeAllAt } from './file-write.js';
import { prepareRead } from './prepare-read.js';
import type { GetOptions, ObjectFacts } from './read-options.js';
import type { ByteRange } from '@s3enc/core';

/** Bytes getToFile gathers before one writev. */
const WRITE_BATCH = 8 * 1024 * 1024;

/** What `getToFile` returns. */
export interface GetToFileResult extends ObjectFacts {
  readonly encrypted: boolean;
  readonly path: string;
  readonly plaintextSize: number;
  readonly range: ByteRange;
  readonly bytesWritten: number;
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
  const read = await prepareRead(ctx, bucket, key, options, 'file');
  const tmp = join(dirname(path), `.${basename(path)}.s3enc-${randomBytes(6).toString('hex')}.tmp`);
  let written = 0;
  // Plaintext arrives in pieces of a frame or less; it goes to the file in batches of up to
  // 8 MiB, one writev each, reporting progress per batch written.
  let batch: Buffer[] = [];
  try {
    const fh = await open(tmp, 'wx', 0o600);
    try {
      const total = read.range.end - read.range.start;
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
      for await (const c of read.chunks()) {
        const at = c.offset - read.range.start;
        if (batchBytes > 0 && at !== batchAt + batchBytes) await flush();
        if (batchBytes === 0) batchAt = at;
        batch.push(c.data);
        batchBytes += c.data.length;
        if (batchBytes >= WRITE_BATCH) await flush();
      }
      if (batchBytes > 0) await flush();
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    wipe(batch);
    read.close();
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  return {
    ...read.facts,
    encrypted: read.encrypted,
    path,
    plaintextSize: read.plaintextSize,
    range: read.range,
    bytesWritten: written,
  };
}

function wipe(buffers: readonly Buffer[]): void {
  for (const b of buffers) b.fill(0);
}
