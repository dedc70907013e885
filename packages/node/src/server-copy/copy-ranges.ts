/**
 * How a byte range of a source object is split into UploadPartCopy ranges: parts of one size
 * (512 MiB by default, grown to fit S3's 10,000 parts), every part but the last at least 5 MiB,
 * none over 5 GiB. Pure arithmetic, shared by rewrap and the bulk server-side copy. @internal
 */
import {
  InvalidArgumentError,
  S3_MAX_PARTS,
  S3_MAX_PART_SIZE,
  S3_MIN_PART_SIZE,
} from '@s3enc/core';

const MiB = 1024 * 1024;
/** The default copy part: large, so an object needs few requests, and a multiple of 1 MiB. */
export const DEFAULT_COPY_PART_SIZE = 512 * MiB;

/** A byte range [start, end) of the source object. */
export interface SourceRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Splits [start, end) into copy ranges for at most `maxParts` parts. Without `partSize` the part
 * is the smallest multiple of 512 MiB that fits `maxParts` (at most 5 GiB); a given `partSize`
 * is used as is.
 * @throws InvalidArgumentError for a part size outside 5 MiB..5 GiB, or a range that would need
 *   more than `maxParts` parts.
 */
export function copyRangesFor(
  start: number,
  end: number,
  maxParts: number = S3_MAX_PARTS,
  partSize?: number,
): SourceRange[] {
  const length = end - start;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(length) || start < 0 || length < 0)
    throw new InvalidArgumentError('A copy range must be whole, non-negative bytes');
  if (length === 0) return [];
  let part = partSize ?? DEFAULT_COPY_PART_SIZE;
  if (!Number.isSafeInteger(part) || part < S3_MIN_PART_SIZE || part > S3_MAX_PART_SIZE)
    throw new InvalidArgumentError('copyPartSize must be a whole number from 5 MiB to 5 GiB');
  if (partSize === undefined) {
    const grown = Math.ceil(length / maxParts / DEFAULT_COPY_PART_SIZE) * DEFAULT_COPY_PART_SIZE;
    part = Math.min(Math.max(part, grown), S3_MAX_PART_SIZE);
  }
  const count = Math.ceil(length / part);
  if (count > maxParts) {
    throw new InvalidArgumentError(
      `The copy needs ${count} parts at this copyPartSize; S3 allows ${maxParts}`,
    );
  }
  const ranges: SourceRange[] = [];
  for (let i = 0; i < count; i++) {
    const s = start + i * part;
    ranges.push({ start: s, end: Math.min(end, s + part) });
  }
  return ranges;
}

/**
 * `x-amz-copy-source` of an object or one version of it: bucket, URL-encoded key (its `/`
 * separators kept) and `?versionId=`.
 */
export function copySourceOf(bucket: string, key: string, versionId: string | undefined): string {
  const k = key.split('/').map(encodeURIComponent).join('/');
  return versionId === undefined
    ? `${bucket}/${k}`
    : `${bucket}/${k}?versionId=${encodeURIComponent(versionId)}`;
}
