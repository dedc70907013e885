/**
 * One generator that turns every upload source into plaintext pieces of whole frames
 * (DESIGN.md "Upload"). Memory stays bounded: at most one piece is assembled at a time, file
 * sources are read straight into the piece buffer, and in-memory sources are sliced without
 * copying. Plaintext buffers the source owns (file and stream staging buffers, the UTF-8 copy
 * of a string) are wiped when the generator ends, whatever the path; the caller's own bytes
 * are left alone.
 */
import { open, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { AbortError, InvalidArgumentError } from '@s3enc/core';

/** A file to upload, named by path. */
export interface FileSource {
  readonly path: string;
}

/**
 * What `put` accepts: bytes, a string (encoded as UTF-8 — it is content, not a path), a file
 * (`{ path }`), a Node Readable, a Web ReadableStream or any async iterable of bytes.
 */
export type PutSource =
  | Uint8Array
  | string
  | FileSource
  | Readable
  | WebReadableStream<Uint8Array>
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>;

/** A normalised source: its size when known up front, and a way to read it in pieces. */
export interface ResolvedSource {
  /** Plaintext size in bytes, or undefined for a stream of unknown length. */
  readonly size: number | undefined;
  /**
   * Yields pieces of exactly `pieceSize` bytes, then one last piece of 0..pieceSize−1 bytes
   * (flagged `last`). A piece's `data` stays valid until the generator is resumed twice more
   * (stream and file sources recycle two buffers), and owned buffers are wiped when the
   * generator ends: consume or copy it before then. Throws AbortError when `signal` fires, and
   * InvalidArgumentError (`ERR_S3ENC_SIZE_MISMATCH`) when a source announced a size and
   * delivered another.
   */
  pieces(pieceSize: number, signal?: AbortSignal): AsyncGenerator<SourcePiece, void, undefined>;
  /**
   * Called when put is done with the source, read or not: destroys a stream source that was
   * never read, wipes a copy the source owns. Idempotent.
   */
  release(): void;
}

/** One piece of plaintext; `data` may be a view into the caller's buffer. */
export interface SourcePiece {
  readonly index: number;
  readonly offset: number;
  readonly data: Buffer;
  readonly last: boolean;
}

/** Whether `s` names a file (`{ path }`), not a stream. */
export function isFileSource(s: unknown): s is FileSource {
  return (
    typeof s === 'object' &&
    s !== null &&
    typeof (s as FileSource).path === 'string' &&
    !(s instanceof Readable)
  );
}

function isWebStream(s: unknown): s is ReadableStream<Uint8Array> {
  return (
    typeof s === 'object' && s !== null && typeof (s as ReadableStream).getReader === 'function'
  );
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true)
    throw new AbortError('The upload was aborted', { cause: signal.reason });
}

/**
 * Normalises a source. Stats a file source (so its size is known).
 *
 * @param o.size a size the caller vouches for (streams); checked against what is read.
 * @throws InvalidArgumentError (`ERR_S3ENC_INVALID_SOURCE`) for an unsupported source;
 *   file-system errors for an unreadable file.
 */
export async function resolveSource(
  source: PutSource,
  o: { size?: number | undefined } = {},
): Promise<ResolvedSource> {
  if (o.size !== undefined && (!Number.isSafeInteger(o.size) || o.size < 0)) {
    throw new InvalidArgumentError('size must be a non-negative safe integer');
  }
  if (typeof source === 'string') return bufferSource(Buffer.from(source, 'utf8'), o.size, true);
  if (source instanceof Uint8Array) {
    const view = Buffer.from(source.buffer, source.byteOffset, source.byteLength);
    return bufferSource(view, o.size, false);
  }
  if (isFileSource(source)) {
    const st = await stat(source.path);
    if (!st.isFile())
      throw new InvalidArgumentError('source path is not a regular file', {
        code: 'ERR_S3ENC_INVALID_SOURCE',
      });
    return fileSource(source.path, st.size);
  }
  if (isWebStream(source)) {
    const wrapped = Readable.fromWeb(source as WebReadableStream<Uint8Array>);
    return iterableSource(wrapped, o.size, wrapped);
  }
  if (typeof source === 'object' && source !== null && Symbol.asyncIterator in source) {
    return iterableSource(source, o.size, source instanceof Readable ? source : undefined);
  }
  throw new InvalidArgumentError(
    'unsupported source: pass bytes, a string, { path }, a Node Readable, a Web ReadableStream or an async iterable',
    { code: 'ERR_S3ENC_INVALID_SOURCE' },
  );
}

function sizeMismatch(expected: number, actual: number): InvalidArgumentError {
  return new InvalidArgumentError(
    `the source delivered ${actual} bytes, not the announced ${expected}`,
    {
      code: 'ERR_S3ENC_SIZE_MISMATCH',
    },
  );
}

/** @param owned the buffer is our copy (of a string): wiped when done. */
function bufferSource(buf: Buffer, size: number | undefined, owned: boolean): ResolvedSource {
  if (size !== undefined && size !== buf.length) {
    if (owned) buf.fill(0);
    throw sizeMismatch(size, buf.length);
  }
  const wipe = () => {
    if (owned) buf.fill(0);
  };
  return {
    size: buf.length,
    release: wipe,
    // eslint-disable-next-line @typescript-eslint/require-await -- an async generator to share the interface
    async *pieces(pieceSize, signal) {
      try {
        let index = 0;
        let off = 0;
        for (;;) {
          checkAbort(signal);
          const remaining = buf.length - off;
          if (remaining < pieceSize) {
            yield { index, offset: off, data: buf.subarray(off), last: true };
            return;
          }
          yield {
            index: index++,
            offset: off,
            data: buf.subarray(off, off + pieceSize),
            last: false,
          };
          off += pieceSize;
        }
      } finally {
        wipe();
      }
    },
  };
}

function fileSource(path: string, size: number): ResolvedSource {
  return {
    size,
    release: () => undefined,
    async *pieces(pieceSize, signal) {
      const fh = await open(path, 'r');
      const ring: Buffer[] = [];
      try {
        let index = 0;
        let off = 0;
        ring.push(
          Buffer.allocUnsafe(Math.min(pieceSize, size)),
          Buffer.allocUnsafe(Math.min(pieceSize, size)),
        );
        for (;;) {
          checkAbort(signal);
          const want = Math.min(pieceSize, size - off);
          const buf = ring[index % 2]!.subarray(0, want);
          let got = 0;
          while (got < want) {
            const { bytesRead } = await fh.read(buf, got, want - got, off + got);
            if (bytesRead === 0) throw sizeMismatch(size, off + got);
            got += bytesRead;
          }
          const last = want < pieceSize;
          if (last) {
            // The file must not have grown since it was measured.
            const { bytesRead } = await fh.read(Buffer.alloc(1), 0, 1, off + got);
            if (bytesRead !== 0)
              throw new InvalidArgumentError('the file changed size during the upload', {
                code: 'ERR_S3ENC_SIZE_MISMATCH',
              });
          }
          yield { index: index++, offset: off, data: buf, last };
          off += want;
          if (last) return;
        }
      } finally {
        wipeAll(ring);
        await fh.close();
      }
    },
  };
}

function iterableSource(
  it: AsyncIterable<unknown>,
  size: number | undefined,
  stream: Readable | undefined,
): ResolvedSource {
  let used = false;
  return {
    size,
    release: () => {
      if (!used) releaseIterable(stream, undefined);
    },
    async *pieces(pieceSize, signal) {
      if (used)
        throw new InvalidArgumentError('a stream source can be read only once', {
          code: 'ERR_S3ENC_INVALID_SOURCE',
        });
      used = true;
      const iter = it[Symbol.asyncIterator]();
      let finished = false;
      // A read that never completes (a stalled stream) must not outlive an abort: the pending
      // read is raced against the signal, and the stream is destroyed so it lets go.
      const onAbort = () => {
        releaseIterable(stream, iter);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const ring: Buffer[] = [];
      try {
        let index = 0;
        let offset = 0;
        ring.push(Buffer.allocUnsafe(pieceSize));
        let buf = ring[0]!;
        let fill = 0;
        for (;;) {
          const r = await nextOrAbort(iter, signal);
          if (r.done === true) break;
          const raw = r.value;
          let chunk: Buffer;
          if (raw instanceof Uint8Array)
            chunk = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
          else if (typeof raw === 'string') chunk = Buffer.from(raw, 'utf8');
          else
            throw new InvalidArgumentError('a stream source yielded something other than bytes', {
              code: 'ERR_S3ENC_INVALID_SOURCE',
            });
          let c = 0;
          while (c < chunk.length) {
            const take = Math.min(pieceSize - fill, chunk.length - c);
            chunk.copy(buf, fill, c, c + take);
            fill += take;
            c += take;
            if (fill === pieceSize) {
              yield { index: index++, offset, data: buf, last: false };
              offset += pieceSize;
              ring[index % 2] ??= Buffer.allocUnsafe(pieceSize);
              buf = ring[index % 2]!;
              fill = 0;
            }
          }
        }
        finished = true;
        checkAbort(signal);
        if (size !== undefined && offset + fill !== size) throw sizeMismatch(size, offset + fill);
        yield { index, offset, data: buf.subarray(0, fill), last: true };
      } finally {
        wipeAll(ring);
        signal?.removeEventListener('abort', onAbort);
        // Stopped early (failure, abort, return): the stream is not read to its end, so let it go.
        if (!finished) releaseIterable(stream, iter);
      }
    },
  };
}

/** Zeroes staging buffers that held plaintext. */
function wipeAll(buffers: readonly Buffer[]): void {
  for (const b of buffers) b.fill(0);
}

/** The next item, or an AbortError as soon as `signal` fires (even while the read is pending). */
function nextOrAbort<T>(
  iter: AsyncIterator<T>,
  signal: AbortSignal | undefined,
): Promise<IteratorResult<T>> {
  checkAbort(signal);
  if (signal === undefined) return iter.next();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      reject(new AbortError('The upload was aborted', { cause: signal.reason }));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    iter.next().then(
      (r) => {
        signal.removeEventListener('abort', onAbort);
        resolve(r);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new Error('source failed', { cause: err }));
      },
    );
  });
}

/** Destroys a stream source (a Web stream through its Node wrapper) or ends an iterator. */
function releaseIterable(
  stream: Readable | undefined,
  iter: AsyncIterator<unknown> | undefined,
): void {
  if (stream !== undefined) {
    if (!stream.destroyed) stream.destroy();
    return;
  }
  if (iter?.return !== undefined) {
    // An async generator that is running queues this until its pending step settles.
    Promise.resolve()
      .then(() => iter.return!(undefined))
      .catch(() => undefined);
  }
}

/**
 * Lets go of a stream source `put` will not read (it failed before reading): a Node Readable is
 * destroyed, an unlocked Web ReadableStream cancelled. Bytes, strings and files need nothing.
 */
export function discardSource(source: unknown): void {
  if (source instanceof Readable) {
    if (!source.destroyed) source.destroy();
  } else if (isWebStream(source)) {
    const ws = source;
    if (!ws.locked) ws.cancel().catch(() => undefined);
  }
}
