/**
 * The decision `aws s3 sync` makes for a file present on both sides, with the plaintext size
 * and the recorded modification time standing in for what S3 lists (docs/bulk.md, "What sync
 * compares"):
 * - a different size: transfer;
 * - `sizeOnly`: nothing else is compared;
 * - upload (and copy): transfer when the source is newer than the destination;
 * - download: transfer when the local file is newer than the object (the default), or when
 *   the times differ at all (`exactTimestamps`).
 */
import type { SyncState } from './sync-metadata.js';

/** How `sync` compares two sides. */
export interface CompareOptions {
  sizeOnly?: boolean | undefined;
  exactTimestamps?: boolean | undefined;
}

/** Whether `source` must be transferred over `destination` (undefined: not there). */
export function needsTransfer(
  direction: 'upload' | 'download' | 'copy',
  source: SyncState,
  destination: SyncState | undefined,
  o: CompareOptions = {},
): boolean {
  if (destination === undefined) return true;
  if (source.size !== destination.size) return true;
  if (o.sizeOnly === true) return false;
  if (o.exactTimestamps === true) return source.mtimeMs !== destination.mtimeMs;
  if (direction === 'download') return destination.mtimeMs > source.mtimeMs;
  return source.mtimeMs > destination.mtimeMs;
}
