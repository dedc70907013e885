/** Streaming encryption: any byte source in, a Node Readable of the message out. */
import { Readable } from 'node:stream';
import { chunksOf, type ByteSource } from './byte-source.js';
import { InvalidArgumentError } from './errors.js';
import {
  beginEncryption,
  type BeginEncryptionOptions,
  type InternalEncryptionSession,
} from './encrypt-session.js';
import type { EncryptionSession } from './types.js';

/** Options of {@link encryptStream}: those of beginEncryption. */
export type EncryptStreamOptions = BeginEncryptionOptions;

async function* encryptChunks(
  source: ByteSource,
  o: EncryptStreamOptions,
  out: Readable,
): AsyncGenerator<Buffer> {
  const chunks = chunksOf(source);
  let session: InternalEncryptionSession;
  try {
    session = (await beginEncryption(o)) as InternalEncryptionSession;
  } catch (e) {
    if (source instanceof Readable) source.destroy();
    throw e;
  }
  const F = session.frameLength;
  const pending = Buffer.allocUnsafe(F);
  let fill = 0;
  let seq = 1;
  let total = 0;
  try {
    out.emit('session', session satisfies EncryptionSession);
    yield session.header;
    for await (const chunk of chunks) {
      total += chunk.length;
      let off = 0;
      if (fill > 0) {
        const n = Math.min(F - fill, chunk.length);
        chunk.copy(pending, fill, 0, n);
        fill += n;
        off = n;
        if (fill < F) continue;
        yield* session.sealFramePieces(seq++, pending, false);
        fill = 0;
      }
      // Whole frames straight from the caller's chunk, without copying the plaintext.
      for (; chunk.length - off >= F; off += F) {
        yield* session.sealFramePieces(seq++, chunk.subarray(off, off + F), false);
      }
      if (off < chunk.length) {
        chunk.copy(pending, 0, off);
        fill = chunk.length - off;
      }
    }
    // A length the caller announced is what a data-key cache counted: hold it to that.
    if (o.plaintextLength !== undefined && total !== o.plaintextLength) {
      throw new InvalidArgumentError(
        `the source held ${total} bytes; plaintextLength said ${o.plaintextLength}`,
        { code: 'ERR_S3ENC_SIZE_MISMATCH' },
      );
    }
    yield* session.sealFramePieces(seq, pending.subarray(0, fill), true);
  } finally {
    pending.fill(0);
    session.destroy();
  }
}

/**
 * Encrypts `source` (Buffer/Uint8Array, Node Readable, web ReadableStream, or (async)
 * iterable of Uint8Array; length need not be known) into one message. Returns a Node Readable
 * of the message bytes at once; memory stays at about two frames. The stream emits
 * `'session'` (the EncryptionSession, for its header, message id and key ids) before the
 * first byte. Errors (InvalidArgumentError, KeyUnwrapError, or the source's own) destroy the
 * stream; nothing is thrown synchronously.
 */
export function encryptStream(source: ByteSource, o: EncryptStreamOptions): Readable {
  const ref: { out?: Readable } = {};
  const out = Readable.from(
    (async function* () {
      yield* encryptChunks(source, o, ref.out!);
    })(),
    { objectMode: false },
  );
  ref.out = out;
  return out;
}
