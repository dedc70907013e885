/**
 * Streaming decryption: each frame's plaintext is released only after its tag verifies; the
 * final frame is required and any byte after it is refused. Signed messages release nothing
 * until the signature verifies, unless `releaseUnverifiedPlaintext` is set.
 */
import { Readable } from 'node:stream';
import { ByteQueue } from './byte-queue.js';
import { chunksOf, type ByteSource } from './byte-source.js';
import {
  beginDecryption,
  type BeginDecryptionOptions,
  type InternalDecryptionSession,
} from './decrypt-session.js';
import { DEFAULT_MAX_ENCRYPTED_DATA_KEYS, MAX_HEADER_BYTES } from './limits.js';
import { FormatError, IntegrityError } from './errors.js';
import { parseHeaderFull } from './header.js';

/** Options of {@link decryptStream}: those of beginDecryption except `header`. */
export type DecryptStreamOptions = Omit<BeginDecryptionOptions, 'header'>;

const truncated = (): IntegrityError =>
  new IntegrityError('ERR_S3ENC_TRUNCATED', 'Message is truncated');

async function* decryptChunks(
  source: ByteSource,
  o: DecryptStreamOptions,
  out: Readable,
): AsyncGenerator<Buffer> {
  const it = chunksOf(source)[Symbol.asyncIterator]();
  try {
    yield* decryptFrom(it, o, out);
  } finally {
    // Stop (and for a Node Readable, destroy) the source when we stop early.
    await it.return?.();
  }
}

async function* decryptFrom(
  it: AsyncIterator<Buffer>,
  o: DecryptStreamOptions,
  out: Readable,
): AsyncGenerator<Buffer> {
  const q = new ByteQueue();
  const more = async (): Promise<boolean> => {
    const r = await it.next();
    if (r.done === true) return false;
    q.push(r.value);
    return true;
  };

  let headerLength: number | undefined;
  const maxEdks = o.maxEncryptedDataKeys ?? DEFAULT_MAX_ENCRYPTED_DATA_KEYS;
  while (headerLength === undefined) {
    if (q.length > 0) headerLength = parseHeaderFull(q.peek(q.length), maxEdks)?.headerLength;
    if (headerLength === undefined && q.length > MAX_HEADER_BYTES) {
      throw new FormatError('ERR_S3ENC_BAD_HEADER', 'Message header too large');
    }
    if (headerLength === undefined && !(await more())) throw truncated();
  }
  const session = (await beginDecryption({
    ...o,
    header: q.peek(headerLength),
  })) as InternalDecryptionSession;
  q.take(headerLength);
  const held: Buffer[] = [];
  try {
    // Inside the try: a throwing listener must not keep the session (and its key) alive.
    out.emit('header', session.info);
    const opener = session.opener();
    const verifier = session.verifier;
    const hold = verifier !== undefined && o.releaseUnverifiedPlaintext !== true;
    let seq = 1;
    for (;;) {
      const size = q.length > 0 ? opener.frameSizeAt(q.peek(Math.min(24, q.length))) : undefined;
      if (size === undefined || q.length < size) {
        if (!(await more())) throw truncated();
        continue;
      }
      const pieces = q.takePieces(size);
      if (verifier !== undefined) for (const b of pieces) verifier.update(b);
      const plain: Buffer[] = [];
      const r = opener.openFrame(seq++, pieces, plain);
      for (const p of plain) {
        if (hold) held.push(p);
        else yield p;
      }
      if (r.final) break;
    }
    if (verifier === undefined) {
      if (q.length > 0 || (await more())) {
        throw new IntegrityError('ERR_S3ENC_TRAILING_DATA', 'Data after the final frame');
      }
      return;
    }
    // The footer is u16(len) ‖ signature: never more than 2 + 65535 bytes.
    while (q.length <= 2 + 0xffff && (await more()));
    const footer = q.take(q.length);
    const sigLength = footer.length >= 2 ? footer.readUInt16BE(0) : -1;
    if (sigLength <= 0 || footer.length !== sigLength + 2 || !verifier.verify(footer.subarray(2))) {
      throw new IntegrityError('ERR_S3ENC_SIGNATURE_MISMATCH', 'Message authentication failed');
    }
    for (const p of held.splice(0)) yield p;
  } finally {
    for (const p of held) p.fill(0);
    session.destroy();
  }
}

/**
 * Decrypts one message from `source` (any ByteSource). Returns a Node Readable of plaintext at
 * once. It emits `'header'` (HeaderInfo) once the header is authenticated. Each frame's
 * plaintext is pushed only after its tag verifies. The stream is destroyed with FormatError,
 * KeyUnwrapError or IntegrityError (ERR_S3ENC_TAG_MISMATCH, ERR_S3ENC_TRUNCATED,
 * ERR_S3ENC_TRAILING_DATA, ERR_S3ENC_FRAME_SEQUENCE, ERR_S3ENC_SIGNATURE_MISMATCH, …);
 * a consumer must treat plaintext received before an error as belonging to a failed message.
 * Memory stays at about two frames, except for signed messages, whose plaintext is held until
 * the signature verifies (unless `releaseUnverifiedPlaintext`).
 */
export function decryptStream(source: ByteSource, o: DecryptStreamOptions): Readable {
  const ref: { out?: Readable } = {};
  const out = Readable.from(
    (async function* () {
      yield* decryptChunks(source, o, ref.out!);
    })(),
    { objectMode: false },
  );
  ref.out = out;
  return out;
}
