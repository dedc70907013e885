/**
 * A worker's side of a multipart upload: for each part number it is given, read the part's
 * plaintext from its own handle on the file (positional reads), seal the frames into its own
 * part buffer with the handed-off frame key, checksum and upload the part over its own
 * connections. @internal
 */
import { open, type FileHandle } from 'node:fs/promises';
import {
  FINAL_FRAME_OVERHEAD,
  FRAME_OVERHEAD,
  InvalidArgumentError,
  type FrameKeySession,
} from '@s3enc/core';
import type { S3Client } from '@aws-sdk/client-s3';
import { sourceFailed, uploadPart } from '../upload/part-worker.js';
import type { PartDone, PutJobSpec } from './messages.js';
import { now, since } from '../diagnostics.js';

/** One slot's buffers: the part's plaintext and its sealed bytes, reused part after part. */
interface Slot {
  readonly plain: Buffer;
  readonly sealed: Buffer;
}

/** A worker's put state; `close()` wipes the plaintext buffers and closes the file. */
export interface PutRunner {
  run(partNumber: number): Promise<PartDone>;
  close(): Promise<void>;
}

function changed(): InvalidArgumentError {
  return new InvalidArgumentError('the file changed size during the upload', {
    code: 'ERR_S3ENC_SIZE_MISMATCH',
  });
}

/**
 * Opens the job's file (it must be the one the coordinator measured: same device and inode).
 * @throws S3EncError ERR_S3ENC_SOURCE_FAILED when it cannot be opened or is another file.
 */
export async function openPutRunner(
  job: PutJobSpec,
  frames: FrameKeySession,
  s3: S3Client,
  signal: AbortSignal,
): Promise<PutRunner> {
  let fh: FileHandle;
  try {
    fh = await open(job.file.path, 'r');
    const st = await fh.stat();
    if (st.dev !== job.file.dev || st.ino !== job.file.ino) {
      await fh.close();
      throw new Error('the path now names another file');
    }
  } catch (err) {
    return sourceFailed(err);
  }
  const F = frames.frameLength;
  const piece = job.framesPerPart * F;
  const partBytes =
    job.header.length + job.framesPerPart * (F + FRAME_OVERHEAD) + FINAL_FRAME_OVERHEAD;
  const free: Slot[] = [];
  const all: Slot[] = [];
  const target = {
    ctx: { s3, defaults: { signPayload: job.signPayload } },
    settings: {
      bucket: job.bucket,
      key: job.key,
      algorithm: job.algorithm,
      sse: { perRequest: { ...job.perRequest } },
    },
    signal,
  };
  const slot = (): Slot => {
    let s = free.pop();
    if (s === undefined) {
      s = { plain: Buffer.allocUnsafe(piece), sealed: Buffer.allocUnsafe(partBytes) };
      all.push(s);
    }
    return s;
  };
  return {
    async run(partNumber) {
      const t0 = now();
      const offset = (partNumber - 1) * piece;
      const last = partNumber === job.partCount;
      const want = last ? job.file.size - offset : piece;
      const s = slot();
      try {
        const plain = s.plain.subarray(0, want);
        await readFully(fh, plain, offset);
        if (last && (await fh.read(Buffer.alloc(1), 0, 1, offset + want)).bytesRead !== 0)
          throw changed();
        let len = 0;
        if (partNumber === 1) len += Buffer.from(job.header).copy(s.sealed, 0);
        len += frames.sealFramesInto(
          s.sealed,
          len,
          (partNumber - 1) * job.framesPerPart + 1,
          plain,
          last,
        );
        const r = await uploadPart(
          target,
          job.uploadId,
          partNumber,
          s.sealed.subarray(0, len),
          want,
        );
        return {
          partNumber,
          etag: r.part.ETag,
          digest: r.digest.digest,
          size: r.digest.size,
          plain: want,
          durationMs: since(t0),
        };
      } finally {
        free.push(s);
      }
    },
    async close() {
      for (const s of all) s.plain.fill(0);
      await fh.close();
    },
  };
}

/** Fills `buf` from `position`; a file that ends early changed under the upload. */
async function readFully(fh: FileHandle, buf: Buffer, position: number): Promise<void> {
  let got = 0;
  while (got < buf.length) {
    const { bytesRead } = await fh
      .read(buf, got, buf.length - got, position + got)
      .catch(sourceFailed);
    if (bytesRead === 0) throw changed();
    got += bytesRead;
  }
}
