/**
 * What `sync` compares, kept in the object's user metadata: the stored size is the
 * ciphertext's, so the plaintext size is recorded beside the source file's modification time.
 * Metadata is not authenticated; a wrong value only makes `sync` transfer or skip a file, it
 * never changes what a read returns (the header and frames are authenticated).
 */
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { toS3Error } from '../s3-errors.js';

/** `x-amz-meta-s3enc-sync-mtime`: the source file's modification time, milliseconds since the epoch. */
export const MTIME_METADATA_KEY = 's3enc-sync-mtime';
/** `x-amz-meta-s3enc-sync-size`: the plaintext size in bytes. */
export const SIZE_METADATA_KEY = 's3enc-sync-size';

/** The size and time `sync` compares. */
export interface SyncState {
  readonly size: number;
  /** Milliseconds since the epoch. */
  readonly mtimeMs: number;
}

/** The metadata to store with an uploaded file. */
export function syncMetadata(s: SyncState): Record<string, string> {
  return { [MTIME_METADATA_KEY]: String(s.mtimeMs), [SIZE_METADATA_KEY]: String(s.size) };
}

function parseCount(v: string | undefined): number | undefined {
  if (v === undefined || !/^\d{1,16}$/.test(v)) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** The state recorded in `metadata`, or undefined when either value is missing or malformed. */
export function syncStateOf(metadata: Record<string, string> | undefined): SyncState | undefined {
  const size = parseCount(metadata?.[SIZE_METADATA_KEY]);
  const mtimeMs = parseCount(metadata?.[MTIME_METADATA_KEY]);
  return size === undefined || mtimeMs === undefined ? undefined : { size, mtimeMs };
}

/**
 * The sync state of an object from HeadObject: the recorded one, or undefined (an object
 * s3enc's bulk commands did not write is always transferred again, unless `--size-only`
 * finds nothing to compare either).
 */
export async function remoteSyncState(
  s3: S3Client,
  bucket: string,
  key: string,
  signal?: AbortSignal,
): Promise<SyncState | undefined> {
  try {
    const r = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), {
      abortSignal: signal,
    });
    return syncStateOf(r.Metadata);
  } catch (err) {
    throw toS3Error(err, 'HeadObject', {}, signal);
  }
}
