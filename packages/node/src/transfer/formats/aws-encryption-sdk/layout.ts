/**
 * Frame arithmetic of a stored message, bounded (docs/FORMAT.md, "Limits"): the size the
 * server claims must be a framed message of this frame and header length with no more frames
 * than the format allows. Also the signature-footer split of signed messages.
 * @internal
 */
import {
  FormatError,
  FRAME_OVERHEAD,
  frameCounts,
  plaintextSize as plaintextSizeOf,
} from '@s3enc/core';
import type { CiphertextReader, FrameLayout } from '../object-format.js';

/** A stored message's layout, checked. */
export type StoredLayout = FrameLayout;

/**
 * @throws FormatError ERR_S3ENC_BAD_MESSAGE_SIZE when no framed message has this size;
 *   ERR_S3ENC_MESSAGE_TOO_LARGE when it would need more frames than the format allows.
 */
export function storedLayout(
  bodySize: number,
  frameLength: number,
  headerLength: number,
): StoredLayout {
  // The size came from a server: a bad one is a FormatError, frame count and 5 TiB bounded.
  const P = plaintextSizeOf(bodySize, frameLength, headerLength, { source: 's3-object' });
  const { regularFrames } = frameCounts({
    frameLength,
    headerLength,
    plaintextSize: P,
    ciphertextSize: bodySize,
  });
  return {
    frameLength,
    headerLength,
    bodySize,
    plaintextSize: P,
    regularFrames,
    finalSeq: regularFrames + 1,
  };
}

/** Stored offset of frame `seq`'s first byte. */
export function frameStart(l: StoredLayout, seq: number): number {
  return l.headerLength + (seq - 1) * (l.frameLength + FRAME_OVERHEAD);
}

/** Stored offset just past frame `seq`. */
export function frameEnd(l: StoredLayout, seq: number): number {
  return seq === l.finalSeq ? l.bodySize : l.headerLength + seq * (l.frameLength + FRAME_OVERHEAD);
}

/** A signature footer is u16 length ‖ DER signature; ECDSA P-384 DER stays well under this. */
const MAX_FOOTER = 2 + 512;

/**
 * Size of a signed message without its signature footer, found from the object's last bytes:
 * the footer length that is consistent with the frame layout.
 * @throws FormatError (ERR_S3ENC_BAD_MESSAGE_SIZE) when no single footer length fits.
 */
export async function signedBodySize(
  reader: CiphertextReader,
  storedSize: number,
  frameLength: number,
  headerLength: number,
  signal: AbortSignal | undefined,
): Promise<number> {
  const C = storedSize;
  const n = Math.min(C, MAX_FOOTER);
  const tailChunks = await reader.fetch(C - n, C, signal);
  const tail = tailChunks.length === 1 ? tailChunks[0]! : Buffer.concat(tailChunks, n);
  const fits: number[] = [];
  for (let L = 0; L + 2 <= tail.length; L++) {
    const at = tail.length - L - 2;
    if (tail.readUInt16BE(at) !== L || (L > 0 && tail[at + 2] !== 0x30)) continue; // DER SEQUENCE
    try {
      storedLayout(C - 2 - L, frameLength, headerLength);
      fits.push(C - 2 - L);
    } catch {
      // not a consistent split
    }
  }
  if (fits.length !== 1) {
    throw new FormatError(
      'ERR_S3ENC_BAD_MESSAGE_SIZE',
      'The signed message size does not match its frame length',
    );
  }
  return fits[0]!;
}
