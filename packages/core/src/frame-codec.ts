/**
 * The frame writer and reader on node:crypto (docs/FORMAT.md, "Frames"). One AES-GCM cipher
 * per frame; the IV is the 4-byte sequence number right-aligned in 12 bytes, and the AAD is
 * messageId ‖ content string ‖ seq(4) ‖ length(8), as `@aws-crypto/serialize`'s aadFactory
 * builds it (we fill a per-message template instead of allocating per frame). The reader is
 * in frame-opener.ts.
 * @internal
 */
import type {
  AwsEsdkJsCipherGCM,
  AwsEsdkJsDecipherGCM,
} from '@aws-crypto/material-management-node';
import { ContentAADString, SequenceIdentifier } from '@aws-crypto/serialize';
import { InvalidArgumentError } from './errors.js';
import { MAX_FRAME_SEQ } from './limits.js';
import { FINAL_FRAME_OVERHEAD, FRAME_OVERHEAD, checkWholeFrames } from './sizes.js';

export const IV_LENGTH = 12;
export const TAG_LENGTH = 16;
export const FINAL_MARKER: number = SequenceIdentifier.SEQUENCE_NUMBER_END;

/** Creates a GCM cipher/decipher for an IV under the derived key. */
export type CipherFactory = (iv: Uint8Array) => AwsEsdkJsCipherGCM;
export type DecipherFactory = (iv: Uint8Array) => AwsEsdkJsDecipherGCM;

/** A Buffer view of the same bytes (no copy). */
export function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** The AAD of every frame of one message, filled in place (one buffer per kind, reused). */
export class AadTemplate {
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

/** Throws InvalidArgumentError unless `seq` is a valid frame sequence number. */
export function checkSeq(seq: number): void {
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
