/**
 * The frame writer and reader on node:crypto (docs/FORMAT.md, "Frames"). One AES-GCM cipher
 * per frame; the IV is the 4-byte sequence number right-aligned in 12 bytes, and the AAD is
 * messageId ‖ content string ‖ seq(4) ‖ length(8), as `@aws-crypto/serialize`'s aadFactory
 * builds it (we fill a per-message template instead of allocating per frame).
 * @internal
 */
import type {
  AwsEsdkJsCipherGCM,
  AwsEsdkJsDecipherGCM,
} from '@aws-crypto/material-management-node';
import { ContentAADString, SequenceIdentifier } from '@aws-crypto/serialize';
import { ByteQueue } from './byte-queue.js';
import { IntegrityError, InvalidArgumentError } from './errors.js';
import type { ErrorCode } from './error-codes/index.js';
import { MAX_FRAME_SEQ } from './limits.js';
import { FINAL_FRAME_OVERHEAD, FRAME_OVERHEAD, checkWholeFrames } from './sizes.js';

const IV_LENGTH = 12;
const TAG_LENGTH = 16;
const FINAL_MARKER: number = SequenceIdentifier.SEQUENCE_NUMBER_END;

/** Creates a GCM cipher/decipher for an IV under the derived key. */
export type CipherFactory = (iv: Uint8Array) => AwsEsdkJsCipherGCM;
export type DecipherFactory = (iv: Uint8Array) => AwsEsdkJsDecipherGCM;

/** A Buffer view of the same bytes (no copy). */
export function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

class AadTemplate {
  private readonly regular: Buffer;
  private readonly final: Buffer;
  constructor(messageId: Uint8Array) {
    const make = (s: string): Buffer => {
      const id = Buffer.from(s, 'utf8');
      const b = Buffer.alloc(messageId.byteLength + id.byteLength + 12);
      b.set(messageId, 0);
      b.set(id, messageId.byteLength);
      return b;
    };
    this.regular = make(ContentAADString.FRAME_STRING_ID);
    this.final = make(ContentAADString.FINAL_FRAME_STRING_ID);
  }
  /** The AAD of one frame. The returned buffer is reused: consume it before the next call. */
  for(seq: number, final: boolean, length: number): Buffer {
    const b = final ? this.final : this.regular;
    const o = b.length - 12;
    b.writeUInt32BE(seq, o);
    b.writeUInt32BE(Math.floor(length / 0x1_0000_0000), o + 4);
    b.writeUInt32BE(length >>> 0, o + 8);
    return b;
  }
}

/** The 12-byte frame IV: eight zero bytes then seq (big-endian). */
export function frameIv(seq: number): Buffer {
  const iv = Buffer.alloc(IV_LENGTH);
  iv.writeUInt32BE(seq, 8);
  return iv;
}

function checkSeq(seq: number): void {
  if (!Number.isSafeInteger(seq) || seq < 1 || seq > MAX_FRAME_SEQ) {
    throw new InvalidArgumentError(`sequence number must be an integer in 1..${MAX_FRAME_SEQ}`, {
      code: 'ERR_S3ENC_INVALID_SEQUENCE',
    });
  }
}

/** Seals frames of one message. */
export class FrameSealer {
  private readonly aad: AadTemplate;
  constructor(
    private readonly cipherFor: CipherFactory,
    messageId: Uint8Array,
    private readonly frameLength: number,
  ) {
    this.aad = new AadTemplate(messageId);
  }

  /** Bytes that {@link sealInto} writes for these arguments. */
  sealedLength(plainLength: number, final: boolean): number {
    const F = this.frameLength;
    const n = final ? Math.floor(plainLength / F) : plainLength / F;
    return n * (F + FRAME_OVERHEAD) + (final ? plainLength - n * F + FINAL_FRAME_OVERHEAD : 0);
  }

  /**
   * Seals `plain` as frames from `firstSeq` into `out` at `offset`; returns the bytes written.
   * Throws InvalidArgumentError when `plain` is not whole frames (non-final) or seq overflows.
   */
  sealInto(
    out: Buffer,
    offset: number,
    firstSeq: number,
    plain: Uint8Array,
    final: boolean,
  ): number {
    const F = this.frameLength;
    plain = asBuffer(plain);
    checkSeq(firstSeq);
    checkWholeFrames(plain.byteLength, F, final);
    const n = Math.floor(plain.byteLength / F);
    checkSeq(firstSeq + n - (final ? 0 : 1));
    let o = offset;
    let seq = firstSeq;
    for (let i = 0; i < n; i++, seq++) {
      o = this.sealOne(out, o, seq, (plain as Buffer).subarray(i * F, (i + 1) * F), false);
    }
    if (final) o = this.sealOne(out, o, seq, (plain as Buffer).subarray(n * F), true);
    return o - offset;
  }

  /** Seals one frame and returns its pieces without copying the ciphertext. */
  sealPieces(seq: number, plain: Uint8Array, final: boolean): Buffer[] {
    checkSeq(seq);
    if (final ? plain.byteLength > this.frameLength : plain.byteLength !== this.frameLength) {
      throw new InvalidArgumentError('Frame content has the wrong length', {
        code: 'ERR_S3ENC_MISALIGNED_FRAMES',
      });
    }
    const iv = frameIv(seq);
    const head = Buffer.allocUnsafe(final ? 24 : 16);
    let h = 0;
    if (final) h = head.writeUInt32BE(FINAL_MARKER, 0);
    h = head.writeUInt32BE(seq, h);
    h += iv.copy(head, h);
    if (final) head.writeUInt32BE(plain.byteLength, h);
    const c = this.cipherFor(iv);
    c.setAAD(this.aad.for(seq, final, plain.byteLength));
    const body = c.update(asBuffer(plain));
    const tail = c.final();
    const tag = c.getAuthTag();
    return tail.length === 0 ? [head, body, tag] : [head, body, tail, tag];
  }

  private sealOne(out: Buffer, o: number, seq: number, plain: Buffer, final: boolean): number {
    if (final) o = out.writeUInt32BE(FINAL_MARKER, o);
    o = out.writeUInt32BE(seq, o);
    const ivAt = o;
    o = out.writeUInt32BE(0, o);
    o = out.writeUInt32BE(0, o);
    o = out.writeUInt32BE(seq, o);
    if (final) o = out.writeUInt32BE(plain.byteLength, o);
    const c = this.cipherFor(out.subarray(ivAt, ivAt + IV_LENGTH));
    c.setAAD(this.aad.for(seq, final, plain.byteLength));
    o += c.update(plain).copy(out, o);
    o += c.final().copy(out, o);
    o += c.getAuthTag().copy(out, o);
    return o;
  }
}

/** Result of reading frames. */
export interface OpenResult {
  plaintext: Buffer[];
  plainLength: number;
  frames: number;
  final: boolean;
  finalLength?: number;
}

const fail = (code: ErrorCode, message = 'Message authentication failed'): IntegrityError =>
  new IntegrityError(code, message);

/** Opens frames of one message. */
export class FrameOpener {
  private readonly aad: AadTemplate;
  constructor(
    private readonly decipherFor: DecipherFactory,
    messageId: Uint8Array,
    private readonly frameLength: number,
  ) {
    this.aad = new AadTemplate(messageId);
  }

  /**
   * Size of the frame starting at `bytes[0]`, or undefined when too few bytes are present to
   * tell. Throws IntegrityError when a final frame declares a length above F.
   */
  frameSizeAt(bytes: Uint8Array, offset = 0): number | undefined {
    const avail = bytes.byteLength - offset;
    if (avail < 4) return undefined;
    const dv = new DataView(bytes.buffer, bytes.byteOffset + offset, avail);
    if (dv.getUint32(0) !== FINAL_MARKER) return this.frameLength + FRAME_OVERHEAD;
    if (avail < 24) return undefined;
    const len = dv.getUint32(20);
    if (len > this.frameLength)
      throw fail('ERR_S3ENC_BAD_FRAME', 'Final frame longer than the frame length');
    return len + FINAL_FRAME_OVERHEAD;
  }

  /**
   * Verifies and decrypts every frame in `bytes` (whole frames starting at `firstSeq`). Nothing
   * is returned unless every tag verifies. Throws IntegrityError.
   */
  open(firstSeq: number, bytes: Uint8Array): OpenResult {
    return this.openPieces(firstSeq, [asBuffer(bytes)]);
  }

  /**
   * {@link open} over consecutive chunks (as they came off a socket), without joining them:
   * each frame's content is fed to its decipher straight from the chunks.
   */
  openPieces(firstSeq: number, chunks: readonly Buffer[]): OpenResult {
    checkSeq(firstSeq);
    const q = new ByteQueue();
    for (const c of chunks) q.push(c);
    const out: Buffer[] = [];
    let plainLength = 0;
    let seq = firstSeq;
    let final = false;
    let finalLength: number | undefined;
    try {
      while (q.length > 0) {
        if (final) throw fail('ERR_S3ENC_TRAILING_DATA', 'Data after the final frame');
        const size = this.frameSizeAt(q.peek(Math.min(24, q.length)));
        if (size === undefined || size > q.length)
          throw fail('ERR_S3ENC_TRUNCATED', 'Message is truncated');
        const r = this.openFrame(seq, q.takePieces(size), out);
        plainLength += r.length;
        seq++;
        if (r.final) {
          final = true;
          finalLength = r.length;
        }
      }
    } catch (e) {
      for (const b of out) b.fill(0);
      throw e;
    }
    return {
      plaintext: out,
      plainLength,
      frames: seq - firstSeq,
      final,
      ...(final ? { finalLength } : {}),
    };
  }

  /**
   * Verifies and decrypts one whole frame given as consecutive pieces (so a stream reader need
   * not join the chunks a frame straddles). Pushes the plaintext onto `out` only once the tag
   * verified; returns the content length and whether it was the final frame. Throws
   * IntegrityError.
   */
  openFrame(
    seq: number,
    pieces: readonly Buffer[],
    out: Buffer[],
  ): { length: number; final: boolean } {
    const size = pieces.reduce((n, b) => n + b.length, 0);
    const head = gather(pieces, 0, Math.min(24, size));
    const isFinal = head.length >= 4 && head.readUInt32BE(0) === FINAL_MARKER;
    const headLength = isFinal ? 24 : 16;
    if (size < headLength + TAG_LENGTH) throw fail('ERR_S3ENC_TRUNCATED', 'Message is truncated');
    let p = isFinal ? 4 : 0;
    if (head.readUInt32BE(p) !== seq)
      throw fail('ERR_S3ENC_FRAME_SEQUENCE', 'Frame out of sequence');
    p += 4;
    const iv = head.subarray(p, p + IV_LENGTH);
    if (iv.readUInt32BE(0) !== 0 || iv.readUInt32BE(4) !== 0 || iv.readUInt32BE(8) !== seq) {
      throw fail('ERR_S3ENC_BAD_FRAME', 'Frame IV does not match its sequence number');
    }
    const len = isFinal ? head.readUInt32BE(20) : this.frameLength;
    if (len > this.frameLength)
      throw fail('ERR_S3ENC_BAD_FRAME', 'Final frame longer than the frame length');
    if (size !== headLength + len + TAG_LENGTH)
      throw fail('ERR_S3ENC_TRUNCATED', 'Message is truncated');
    const d = this.decipherFor(iv);
    d.setAAD(this.aad.for(seq, isFinal, len));
    d.setAuthTag(gather(pieces, headLength + len, size));
    const plain: Buffer[] = [];
    // Feed the content straight from the pieces.
    let at = 0;
    for (const b of pieces) {
      const from = Math.max(headLength, at);
      const to = Math.min(headLength + len, at + b.length);
      if (to > from) plain.push(d.update(b.subarray(from - at, to - at)));
      at += b.length;
    }
    try {
      const tail = d.final();
      if (tail.length > 0) plain.push(tail);
    } catch {
      for (const b of plain) b.fill(0);
      throw fail('ERR_S3ENC_TAG_MISMATCH');
    }
    for (const b of plain) if (b.length > 0) out.push(b);
    return { length: len, final: isFinal };
  }
}

/** Bytes [start, end) of consecutive pieces, as one Buffer (a view when they lie in one piece). */
function gather(pieces: readonly Buffer[], start: number, end: number): Buffer {
  let at = 0;
  for (const b of pieces) {
    if (start >= at && end <= at + b.length) return b.subarray(start - at, end - at);
    at += b.length;
  }
  const out = Buffer.allocUnsafe(end - start);
  at = 0;
  for (const b of pieces) {
    const from = Math.max(start, at);
    const to = Math.min(end, at + b.length);
    if (to > from) b.copy(out, from - start, from - at, to - at);
    at += b.length;
  }
  return out;
}
