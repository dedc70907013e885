/**
 * The frame reader (docs/FORMAT.md, "Frames"; the writer is frame-codec.ts). Each frame's head
 * is checked (sequence number, IV, length) before its decipher is made, and its plaintext is
 * released only after its tag verified. A frame is deciphered in one call wherever it lies in
 * one buffer or can be gathered into one (see GATHER_MAX): per-call and per-buffer costs, not
 * AES, dominate when a socket's 16 KiB chunks are fed one by one.
 * @internal
 */
import type { AwsEsdkJsDecipherGCM } from '@aws-crypto/material-management-node';
import { IntegrityError, InvalidArgumentError } from './errors.js';
import type { ErrorCode } from './error-codes/index.js';
import {
  AadTemplate,
  FINAL_MARKER,
  IV_LENGTH,
  TAG_LENGTH,
  asBuffer,
  checkSeq,
  type DecipherFactory,
} from './frame-codec.js';
import { FINAL_FRAME_OVERHEAD, FRAME_OVERHEAD } from './sizes.js';

/** What reading frames found, without the plaintext. */
export interface OpenSummary {
  plainLength: number;
  frames: number;
  final: boolean;
  finalLength?: number;
}

/** Result of reading frames. */
export interface OpenResult extends OpenSummary {
  plaintext: Buffer[];
}

const fail = (code: ErrorCode, message = 'Message authentication failed'): IntegrityError =>
  new IntegrityError(code, message);

/**
 * Frames up to this size are copied into one reused buffer when they straddle chunks (a TLS
 * socket delivers 16 KiB records): one decipher call and one plaintext buffer per frame instead
 * of one per chunk. The copy costs far less than the calls and allocations it saves; larger
 * frames are fed piece by piece so no session holds a frame-sized buffer above this.
 */
const GATHER_MAX = 4 * 1024 * 1024 + FINAL_FRAME_OVERHEAD;

/** What a frame's head says, checked: final or not, head bytes, content length. */
interface FrameHead {
  readonly final: boolean;
  readonly headLength: number;
  readonly length: number;
}

/** Opens frames of one message. */
export class FrameOpener {
  private readonly aad: AadTemplate;
  /** Ciphertext of a frame that straddled chunks (not secret; reused, never returned). */
  #scratch: Buffer | undefined;
  /** The first bytes of a frame whose head straddles chunks. */
  readonly #head = Buffer.allocUnsafe(24);
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
    const b = asBuffer(bytes);
    if (b.readUInt32BE(offset) !== FINAL_MARKER) return this.frameLength + FRAME_OVERHEAD;
    if (avail < 24) return undefined;
    const len = b.readUInt32BE(offset + 20);
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
   * Verifies and decrypts the frames in `bytes` (whole frames starting at `firstSeq`) into
   * `dst` at `offset`, frame by frame: each frame's plaintext is copied in once its tag has
   * verified. On failure the bytes written so far are zeroed, so `dst` never holds plaintext of
   * a failed call. Throws IntegrityError as {@link open}; InvalidArgumentError
   * (ERR_S3ENC_BUFFER_TOO_SMALL), before any decryption, when the plaintext does not fit.
   */
  openInto(dst: Buffer, offset: number, firstSeq: number, bytes: Buffer): OpenSummary {
    checkSeq(firstSeq);
    const need = this.#plainLengthOf(bytes);
    if (offset + need > dst.length) {
      throw new InvalidArgumentError(`out needs ${need} bytes at offset ${offset}`, {
        code: 'ERR_S3ENC_BUFFER_TOO_SMALL',
      });
    }
    const one: Buffer[] = [];
    let o = offset;
    let at = 0;
    let seq = firstSeq;
    let finalLength: number | undefined;
    try {
      while (at < bytes.length) {
        if (finalLength !== undefined)
          throw fail('ERR_S3ENC_TRAILING_DATA', 'Data after the final frame');
        const size = this.frameSizeAt(bytes, at);
        if (size === undefined || size > bytes.length - at)
          throw fail('ERR_S3ENC_TRUNCATED', 'Message is truncated');
        const r = this.#openContiguous(seq, bytes.subarray(at, at + size), one);
        const plain = one.pop();
        // `need` counted these frames, so the copy fits; a verified frame is released here.
        if (plain !== undefined) o += plain.copy(dst, o);
        at += size;
        seq++;
        if (r.final) finalLength = r.length;
      }
    } catch (e) {
      dst.fill(0, offset, o);
      throw e;
    }
    return {
      plainLength: o - offset,
      frames: seq - firstSeq,
      final: finalLength !== undefined,
      ...(finalLength !== undefined ? { finalLength } : {}),
    };
  }

  /**
   * {@link open} over consecutive chunks (as they came off a socket), without joining them:
   * a frame inside one chunk is opened in place, one that straddles chunks is gathered first
   * (see GATHER_MAX).
   */
  openPieces(firstSeq: number, chunks: readonly Buffer[]): OpenResult {
    checkSeq(firstSeq);
    let remaining = 0;
    for (const c of chunks) remaining += c.length;
    const out: Buffer[] = [];
    let plainLength = 0;
    let seq = firstSeq;
    let finalLength: number | undefined;
    let k = 0; // chunk, and offset in it, where the next frame starts
    let at = 0;
    try {
      while (remaining > 0) {
        if (finalLength !== undefined)
          throw fail('ERR_S3ENC_TRAILING_DATA', 'Data after the final frame');
        while (at === chunks[k]!.length) {
          k++;
          at = 0;
        }
        const c = chunks[k]!;
        const avail = c.length - at;
        const headLength = Math.min(24, remaining);
        const size = this.frameSizeAt(
          avail >= headLength ? c.subarray(at, at + headLength) : this.#gatherHead(chunks, k, at),
        );
        if (size === undefined || size > remaining)
          throw fail('ERR_S3ENC_TRUNCATED', 'Message is truncated');
        let r: { length: number; final: boolean };
        if (size <= avail) {
          r = this.#openContiguous(seq, c.subarray(at, at + size), out);
          at += size;
        } else {
          const scratch = this.#scratchFor(size);
          const pieces: Buffer[] = [];
          for (let need = size; need > 0;) {
            const cc = chunks[k]!;
            const take = Math.min(cc.length - at, need);
            // Straight into the scratch buffer when the frame fits it: no views made.
            if (scratch !== undefined) cc.copy(scratch, size - need, at, at + take);
            else if (take > 0) pieces.push(cc.subarray(at, at + take));
            need -= take;
            at += take;
            if (need > 0) {
              k++;
              at = 0;
            }
          }
          r =
            scratch !== undefined
              ? this.#openContiguous(seq, scratch.subarray(0, size), out)
              : this.#openScattered(seq, pieces, size, out);
        }
        remaining -= size;
        plainLength += r.length;
        seq++;
        if (r.final) finalLength = r.length;
      }
    } catch (e) {
      for (const b of out) b.fill(0);
      throw e;
    }
    return {
      plaintext: out,
      plainLength,
      frames: seq - firstSeq,
      final: finalLength !== undefined,
      ...(finalLength !== undefined ? { finalLength } : {}),
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
    if (pieces.length === 1) return this.#openContiguous(seq, pieces[0]!, out);
    let size = 0;
    for (const b of pieces) size += b.length;
    const scratch = this.#scratchFor(size);
    if (scratch === undefined) return this.#openScattered(seq, pieces, size, out);
    let o = 0;
    for (const b of pieces) o += b.copy(scratch, o);
    return this.#openContiguous(seq, scratch.subarray(0, size), out);
  }

  /** The reused buffer a frame of `size` bytes is gathered into; undefined above GATHER_MAX. */
  #scratchFor(size: number): Buffer | undefined {
    const maxSize = this.frameLength + FINAL_FRAME_OVERHEAD;
    if (size > maxSize || maxSize > GATHER_MAX) return undefined;
    return (this.#scratch ??= Buffer.allocUnsafe(maxSize));
  }

  /** The first min(24, rest) bytes from chunk `k` at `at` on, copied (they straddle chunks). */
  #gatherHead(chunks: readonly Buffer[], k: number, at: number): Buffer {
    let n = 0;
    for (; k < chunks.length && n < 24; k++, at = 0) {
      n += chunks[k]!.copy(this.#head, n, at, Math.min(chunks[k]!.length, at + 24 - n));
    }
    return this.#head.subarray(0, n);
  }

  /**
   * Plaintext bytes of the frames in `bytes`, from their heads alone; stops at the first frame
   * that does not fit (opening reports it).
   */
  #plainLengthOf(bytes: Buffer): number {
    let n = 0;
    for (let at = 0; at < bytes.length;) {
      const size = this.frameSizeAt(bytes, at);
      if (size === undefined || size > bytes.length - at) break;
      n += size - (bytes.readUInt32BE(at) === FINAL_MARKER ? FINAL_FRAME_OVERHEAD : FRAME_OVERHEAD);
      at += size;
    }
    return n;
  }

  /** Checks a frame's head (`size` bytes in all; `head` its first min(24, size)). */
  #checkHead(seq: number, head: Buffer, size: number): FrameHead {
    const isFinal = head.length >= 4 && head.readUInt32BE(0) === FINAL_MARKER;
    const headLength = isFinal ? 24 : 16;
    if (size < headLength + TAG_LENGTH) throw fail('ERR_S3ENC_TRUNCATED', 'Message is truncated');
    const p = isFinal ? 4 : 0;
    if (head.readUInt32BE(p) !== seq)
      throw fail('ERR_S3ENC_FRAME_SEQUENCE', 'Frame out of sequence');
    // The IV: eight zero bytes, then the sequence number.
    if (
      head.readUInt32BE(p + 4) !== 0 ||
      head.readUInt32BE(p + 8) !== 0 ||
      head.readUInt32BE(p + 12) !== seq
    ) {
      throw fail('ERR_S3ENC_BAD_FRAME', 'Frame IV does not match its sequence number');
    }
    const length = isFinal ? head.readUInt32BE(20) : this.frameLength;
    if (length > this.frameLength)
      throw fail('ERR_S3ENC_BAD_FRAME', 'Final frame longer than the frame length');
    if (size !== headLength + length + TAG_LENGTH)
      throw fail('ERR_S3ENC_TRUNCATED', 'Message is truncated');
    return { final: isFinal, headLength, length };
  }

  /** A decipher for a checked frame head, with its AAD and tag set. */
  #decipher(seq: number, head: Buffer, h: FrameHead, tag: Buffer): AwsEsdkJsDecipherGCM {
    const ivAt = h.final ? 8 : 4;
    const d = this.decipherFor(head.subarray(ivAt, ivAt + IV_LENGTH));
    d.setAAD(this.aad.for(seq, h.final, h.length));
    d.setAuthTag(tag);
    return d;
  }

  /** {@link openFrame} for a frame in one buffer: one decipher call. */
  #openContiguous(seq: number, frame: Buffer, out: Buffer[]): { length: number; final: boolean } {
    const size = frame.length;
    const h = this.#checkHead(seq, frame.subarray(0, Math.min(24, size)), size);
    const d = this.#decipher(seq, frame, h, frame.subarray(size - TAG_LENGTH));
    const plain = d.update(frame.subarray(h.headLength, h.headLength + h.length));
    let tail: Buffer;
    try {
      tail = d.final();
    } catch {
      plain.fill(0);
      throw fail('ERR_S3ENC_TAG_MISMATCH');
    }
    if (plain.length > 0) out.push(plain);
    if (tail.length > 0) out.push(tail);
    return { length: h.length, final: h.final };
  }

  /** {@link openFrame} fed piece by piece (frames above GATHER_MAX). */
  #openScattered(
    seq: number,
    pieces: readonly Buffer[],
    size: number,
    out: Buffer[],
  ): { length: number; final: boolean } {
    const head = gather(pieces, 0, Math.min(24, size));
    const h = this.#checkHead(seq, head, size);
    const end = h.headLength + h.length;
    const d = this.#decipher(seq, head, h, gather(pieces, end, size));
    const plain: Buffer[] = [];
    let at = 0;
    for (const b of pieces) {
      const from = Math.max(h.headLength, at);
      const to = Math.min(end, at + b.length);
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
    return { length: h.length, final: h.final };
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
