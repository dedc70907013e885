/**
 * Size and offset arithmetic for framed messages (docs/FORMAT.md, "Sizes"). Pure functions:
 * no I/O, no keys. Every size is a byte count held in a safe integer.
 *
 * Notation: F = frame length, H = header length (including the header auth tag),
 * P = plaintext size, C = ciphertext (whole message) size.
 */
import { FormatError, InvalidArgumentError } from './errors.js';
import {
  MAX_FRAME_LENGTH,
  MAX_FRAME_SEQ,
  S3_MAX_OBJECT_SIZE,
  S3_MAX_PARTS,
  S3_MIN_PART_SIZE,
} from './limits.js';

/** Bytes a regular frame adds to its content: seq(4) ‖ iv(12) ‖ tag(16). */
export const FRAME_OVERHEAD = 32;
/** Bytes the final frame adds to its content: marker(4) ‖ seq(4) ‖ iv(12) ‖ len(4) ‖ tag(16). */
export const FINAL_FRAME_OVERHEAD = 40;
/**
 * Frame length used when the caller does not choose one: 256 KiB, picked by benchmark
 * (bench/core-throughput.ts, docs/FORMAT.md "Frame length").
 */
export const DEFAULT_FRAME_LENGTH = 256 * 1024;

/** A plaintext byte range; `end` is exclusive, like `Buffer.subarray`. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/** What fixes the byte layout of a message. */
export interface MessageLayout {
  readonly frameLength: number;
  readonly headerLength: number;
  readonly plaintextSize: number;
  /**
   * Total ciphertext size, when known. Only needed for messages whose final frame holds a full
   * F bytes (written by other implementations): the plaintext size alone cannot tell that
   * layout apart from ours (empty final frame).
   */
  readonly ciphertextSize?: number;
  /** Where `ciphertextSize` came from (see {@link SizeSource}); default `argument`. */
  readonly ciphertextSizeSource?: SizeSource;
}

/** The frames and ciphertext bytes that cover a plaintext range. */
export interface FrameRange {
  /** Sequence number of the first frame touched (1-based). */
  readonly firstFrame: number;
  /** Sequence number of the last frame touched (inclusive). */
  readonly lastFrame: number;
  /** Offset in the message of the first byte of `firstFrame`. */
  readonly cipherStart: number;
  /** Offset in the message just past `lastFrame` (exclusive). */
  readonly cipherEnd: number;
}

/** One part of a multipart upload: whole frames (the first part also carries the header). */
export interface PartPlan {
  /** 1-based, as S3 numbers parts. */
  readonly partNumber: number;
  readonly firstFrame: number;
  readonly frameCount: number;
  readonly plainStart: number;
  /** Exclusive. */
  readonly plainEnd: number;
  readonly cipherStart: number;
  /** Exclusive. */
  readonly cipherEnd: number;
  readonly includesHeader: boolean;
  readonly includesFinalFrame: boolean;
}

/** Options of {@link planParts}. */
export interface PlanPartsOptions {
  readonly plaintextSize: number;
  readonly frameLength: number;
  readonly headerLength: number;
  /** Target ciphertext bytes per part; rounded down to whole frames (at least one frame). */
  readonly partSize: number;
  /** Default 10 000 (the S3 limit). Frames per part grow until the plan fits. */
  readonly maxParts?: number;
  /** Default 5 MiB (the S3 limit for every part but the last). Frames per part grow to reach it. */
  readonly minPartSize?: number;
}

function checkSize(name: string, value: number, min = 0): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new InvalidArgumentError(`${name} must be a safe integer >= ${min}`);
  }
}

/**
 * Throws InvalidArgumentError unless `frameLength` is an integer in 1..MAX_FRAME_LENGTH.
 * @internal shared by the writer and reader.
 */
export function checkFrameLength(frameLength: number): void {
  if (!Number.isSafeInteger(frameLength) || frameLength < 1 || frameLength > MAX_FRAME_LENGTH) {
    throw new InvalidArgumentError(`frameLength must be an integer in 1..${MAX_FRAME_LENGTH}`, {
      code: 'ERR_S3ENC_INVALID_FRAME_LENGTH',
    });
  }
}

/**
 * Throws InvalidArgumentError (ERR_S3ENC_MISALIGNED_FRAMES) unless `byteLength` bytes of
 * plaintext fill whole frames: a positive multiple of F, unless they end the message.
 * @internal shared by the session and the frame codec.
 */
export function checkWholeFrames(byteLength: number, frameLength: number, final: boolean): void {
  if (!final && (byteLength === 0 || byteLength % frameLength !== 0)) {
    throw new InvalidArgumentError(
      'A non-final plaintext must be a positive multiple of the frame length',
      { code: 'ERR_S3ENC_MISALIGNED_FRAMES' },
    );
  }
}

/** Number of regular (non-final) frames our writer uses for P bytes: floor(P / F). */
export function regularFrameCount(plaintextSize: number, frameLength: number): number {
  return Math.floor(plaintextSize / frameLength);
}

/**
 * Size of the whole message (header ‖ frames) that our writer produces for `plaintextSize`
 * bytes: H + floor(P/F)·(F+32) + (P mod F) + 40. Returns; throws InvalidArgumentError on a bad
 * argument, FormatError (ERR_S3ENC_MESSAGE_TOO_LARGE) when the frame count would overflow.
 */
export function ciphertextSize(
  plaintextSize: number,
  frameLength: number,
  headerLength: number,
): number {
  checkSize('plaintextSize', plaintextSize);
  checkFrameLength(frameLength);
  checkSize('headerLength', headerLength);
  const n = regularFrameCount(plaintextSize, frameLength);
  if (n + 1 > MAX_FRAME_SEQ) {
    throw new FormatError(
      'ERR_S3ENC_MESSAGE_TOO_LARGE',
      'Plaintext needs more frames than the format allows',
    );
  }
  const size =
    headerLength +
    n * (frameLength + FRAME_OVERHEAD) +
    (plaintextSize - n * frameLength) +
    FINAL_FRAME_OVERHEAD;
  if (!Number.isSafeInteger(size)) {
    throw new FormatError('ERR_S3ENC_MESSAGE_TOO_LARGE', 'Message size is not a safe integer');
  }
  return size;
}

/**
 * Where a size came from. `argument`: the caller's own number (a bad one is the caller's
 * mistake, InvalidArgumentError). `s3-object`: the size of a stored object as a server
 * claims it (Content-Length, Content-Range total): hostile input, so a bad one is a
 * FormatError and S3's 5 TiB object maximum applies.
 */
export type SizeSource = 'argument' | 's3-object';

/** Options of {@link plaintextSize}. */
export interface PlaintextSizeOptions {
  /** Where `ciphertextSize` came from; default `argument`. */
  readonly source?: SizeSource;
}

function checkObjectSize(size: number): void {
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) {
    throw new FormatError('ERR_S3ENC_BAD_MESSAGE_SIZE', 'The object size is not a byte count');
  }
  if (!Number.isSafeInteger(size) || size > S3_MAX_OBJECT_SIZE) {
    throw new FormatError(
      'ERR_S3ENC_MESSAGE_TOO_LARGE',
      `The object size exceeds S3's maximum of ${S3_MAX_OBJECT_SIZE} bytes`,
    );
  }
}

/**
 * Inverse of {@link ciphertextSize}; also accepts the layout of writers that put a full F bytes
 * in the final frame. Returns P; throws FormatError (ERR_S3ENC_BAD_MESSAGE_SIZE) when no
 * framed message with this F and H has that size, and ERR_S3ENC_MESSAGE_TOO_LARGE when it
 * would need more frames than the format allows. With `source: 's3-object'` a size that is
 * not a safe integer, or above S3's 5 TiB maximum, is a FormatError too (otherwise a bad
 * argument is InvalidArgumentError).
 */
export function plaintextSize(
  ciphertextSize: number,
  frameLength: number,
  headerLength: number,
  options?: PlaintextSizeOptions,
): number {
  if (options?.source === 's3-object') checkObjectSize(ciphertextSize);
  else checkSize('ciphertextSize', ciphertextSize);
  checkFrameLength(frameLength);
  checkSize('headerLength', headerLength);
  const body = ciphertextSize - headerLength - FINAL_FRAME_OVERHEAD;
  if (body < 0) {
    throw new FormatError(
      'ERR_S3ENC_BAD_MESSAGE_SIZE',
      'Message is too short to hold a final frame',
    );
  }
  const stride = frameLength + FRAME_OVERHEAD;
  const n = Math.floor(body / stride);
  const r = body - n * stride;
  if (r > frameLength) {
    throw new FormatError(
      'ERR_S3ENC_BAD_MESSAGE_SIZE',
      'Message size does not match its frame length',
    );
  }
  if (n + 1 > MAX_FRAME_SEQ) {
    throw new FormatError(
      'ERR_S3ENC_MESSAGE_TOO_LARGE',
      'Message size needs more frames than the format allows',
    );
  }
  return n * frameLength + r;
}

/** Byte offset in the message of frame `seq` (1-based): H + (seq−1)·(F+32). Returns; throws InvalidArgumentError. */
export function frameOffset(seq: number, frameLength: number, headerLength: number): number {
  checkSize('seq', seq, 1);
  checkFrameLength(frameLength);
  checkSize('headerLength', headerLength);
  return headerLength + (seq - 1) * (frameLength + FRAME_OVERHEAD);
}

/**
 * How a message of this layout is framed: the number of regular frames and the final frame's
 * content length. Returns; throws FormatError when `ciphertextSize` contradicts the rest.
 */
export function frameCounts(layout: MessageLayout): { regularFrames: number; finalLength: number } {
  const { frameLength: F, plaintextSize: P } = layout;
  if (layout.ciphertextSize !== undefined) {
    const p = plaintextSize(layout.ciphertextSize, F, layout.headerLength, {
      source: layout.ciphertextSizeSource ?? 'argument',
    });
    if (p !== P) {
      throw new FormatError(
        'ERR_S3ENC_BAD_MESSAGE_SIZE',
        'Ciphertext size does not match plaintext size',
      );
    }
    const body = layout.ciphertextSize - layout.headerLength - FINAL_FRAME_OVERHEAD;
    const n = Math.floor(body / (F + FRAME_OVERHEAD));
    return { regularFrames: n, finalLength: P - n * F };
  }
  const n = regularFrameCount(P, F);
  return { regularFrames: n, finalLength: P - n * F };
}

/**
 * The frames, and the frame-aligned ciphertext byte range, that cover the plaintext `range`.
 * An empty range still maps to the one frame holding its position, so that a fetch of it is
 * authenticated like any other. Returns; throws InvalidArgumentError when the range is not
 * inside 0..plaintextSize or start > end.
 */
export function frameRangeFor(range: ByteRange, layout: MessageLayout): FrameRange {
  const { frameLength: F, headerLength: H, plaintextSize: P } = layout;
  checkFrameLength(F);
  checkSize('headerLength', H);
  checkSize('plaintextSize', P);
  checkSize('range.start', range.start);
  checkSize('range.end', range.end);
  if (range.start > range.end || range.end > P) {
    throw new InvalidArgumentError('range must satisfy 0 <= start <= end <= plaintextSize', {
      code: 'ERR_S3ENC_INVALID_RANGE',
    });
  }
  const { regularFrames: n, finalLength } = frameCounts(layout);
  const finalSeq = n + 1;
  const seqOf = (byte: number): number => Math.min(Math.floor(byte / F) + 1, finalSeq);
  const firstFrame = seqOf(range.start);
  const lastFrame = range.end > range.start ? seqOf(range.end - 1) : firstFrame;
  const stride = F + FRAME_OVERHEAD;
  const cipherStart = H + (firstFrame - 1) * stride;
  const cipherEnd =
    lastFrame === finalSeq
      ? H + n * stride + finalLength + FINAL_FRAME_OVERHEAD
      : H + lastFrame * stride;
  return { firstFrame, lastFrame, cipherStart, cipherEnd };
}

/**
 * Splits a message into multipart-upload parts of whole frames. Every part but the last holds
 * the same number k of frames, with k = floor(partSize / (F+32)) raised to reach `minPartSize`
 * and to keep the count within `maxParts`; part 1 also holds the header; the last part holds
 * the final frame. Returns the plan (at least one part); throws InvalidArgumentError on bad
 * options and when the message cannot fit in `maxParts` parts.
 */
export function planParts(o: PlanPartsOptions): PartPlan[] {
  const { plaintextSize: P, frameLength: F, headerLength: H, partSize } = o;
  const maxParts = o.maxParts ?? S3_MAX_PARTS;
  const minPartSize = o.minPartSize ?? S3_MIN_PART_SIZE;
  checkSize('plaintextSize', P);
  checkFrameLength(F);
  checkSize('headerLength', H);
  checkSize('partSize', partSize, 1);
  checkSize('maxParts', maxParts, 1);
  checkSize('minPartSize', minPartSize);
  const total = ciphertextSize(P, F, H);
  const n = regularFrameCount(P, F);
  const totalFrames = n + 1;
  const stride = F + FRAME_OVERHEAD;
  let k = Math.max(1, Math.floor(partSize / stride));
  k = Math.max(k, Math.ceil(minPartSize / stride));
  k = Math.max(k, Math.ceil(totalFrames / maxParts));
  const parts: PartPlan[] = [];
  for (let first = 1, partNumber = 1; first <= totalFrames; first += k, partNumber++) {
    const count = Math.min(k, totalFrames - first + 1);
    const last = first + count - 1;
    const includesFinalFrame = last === totalFrames;
    parts.push({
      partNumber,
      firstFrame: first,
      frameCount: count,
      plainStart: (first - 1) * F,
      plainEnd: includesFinalFrame ? P : last * F,
      cipherStart: partNumber === 1 ? 0 : H + (first - 1) * stride,
      cipherEnd: includesFinalFrame ? total : H + last * stride,
      includesHeader: partNumber === 1,
      includesFinalFrame,
    });
  }
  if (parts.length > maxParts) {
    throw new InvalidArgumentError('Message does not fit in maxParts parts', {
      code: 'ERR_S3ENC_TOO_MANY_PARTS',
    });
  }
  return parts;
}
