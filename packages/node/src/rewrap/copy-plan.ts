/**
 * Where the bytes of a rewrapped object come from: the new header and the start of the old
 * body are uploaded as the first part (S3 wants ≥ 5 MiB in every part but the last), the rest
 * is copied server side in ranges of the source version. Pure arithmetic. @internal
 */
import { FRAME_OVERHEAD, InvalidArgumentError, S3_MAX_PARTS, S3_MIN_PART_SIZE } from '@s3enc/core';
import { copyRangesFor, type SourceRange } from '../server-copy/copy-ranges.js';

export type { SourceRange } from '../server-copy/copy-ranges.js';

/** How the new object is assembled. */
export interface RewrapPlan {
  /** Source bytes uploaded after the new header in the first part (or the single PutObject). */
  readonly uploaded: SourceRange;
  /** Source ranges copied server side as parts 2, 3, … (empty: one PutObject). */
  readonly copied: readonly SourceRange[];
}

/**
 * Plans a rewrap of a stored object of `storedSize` bytes whose old header is `oldHeaderLength`
 * bytes and whose frames are `frameLength` plaintext bytes. The uploaded slice ends on a frame
 * boundary (parts hold whole frames, DESIGN.md "Upload") at the first one ≥ 5 MiB; the rest is
 * split by `copyRangesFor` into at most 9,999 parts.
 * @throws InvalidArgumentError for a copy part size outside 5 MiB..5 GiB, or an object that
 *   would need more than 10,000 parts.
 */
export function planRewrap(
  storedSize: number,
  oldHeaderLength: number,
  frameLength: number,
  copyPartSize?: number,
): RewrapPlan {
  const body = storedSize - oldHeaderLength;
  if (!Number.isSafeInteger(body) || body < 0)
    throw new InvalidArgumentError('The object is shorter than its header');
  const frame = frameLength + FRAME_OVERHEAD;
  const first = Math.min(body, Math.ceil(S3_MIN_PART_SIZE / frame) * frame);
  const uploaded = { start: oldHeaderLength, end: oldHeaderLength + first };
  const copied = copyRangesFor(uploaded.end, storedSize, S3_MAX_PARTS - 1, copyPartSize);
  return { uploaded, copied };
}
