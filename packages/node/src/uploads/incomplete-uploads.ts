/**
 * Incomplete multipart uploads under a prefix: listed (ListMultipartUploads) and aborted
 * (AbortMultipartUpload), for `s3enc uploads ls|abort` (docs/transfer.md, "Incomplete uploads").
 *
 * S3 cannot tell whose an incomplete upload is: ListMultipartUploads returns key, upload id,
 * initiation time, storage class and initiator, but not the metadata given at
 * CreateMultipartUpload, and no byte of an upload can be read before it completes. So these
 * functions see every incomplete upload under the prefix; the caller narrows them (by age, by
 * upload id, or by what its own records know — the CLI keeps a journal of the uploads it opens).
 * Some S3-compatible servers (MinIO) match `Prefix` only against whole keys: an empty answer for
 * a prefix is checked against the whole bucket's list, filtered here.
 * The answer is hostile input: keys must lie under the prefix, pages must advance, their number
 * is bounded.
 */
import { ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { InvalidArgumentError, REQUEST_ATTEMPTS, S3RequestError } from '@s3enc/core';
import { toS3Error, withRetries } from '../s3-errors.js';
import { throwIfAborted } from '../transfer/signals.js';
import { abortUpload } from '../transfer/upload/multipart.js';

/** One incomplete multipart upload. */
export interface IncompleteUpload {
  readonly bucket: string;
  readonly key: string;
  readonly uploadId: string;
  /** When S3 says the upload was created (undefined when it did not say). */
  readonly initiated: Date | undefined;
  readonly storageClass: string | undefined;
}

/** Options of {@link listIncompleteUploads}. */
export interface ListIncompleteUploadsOptions {
  /** Only uploads whose key starts with this. Default: the whole bucket. */
  prefix?: string | undefined;
  /** Only uploads created before this time (an upload S3 gives no time for is left out). */
  initiatedBefore?: Date | undefined;
  /** Only the upload with this id. */
  uploadId?: string | undefined;
  /** Pages of up to 1,000 uploads before giving up. Default 10,000. */
  maxPages?: number | undefined;
  signal?: AbortSignal | undefined;
}

const DEFAULT_MAX_PAGES = 10_000;

function badAnswer(message: string): S3RequestError {
  return new S3RequestError('ERR_S3ENC_BAD_RESPONSE', `ListMultipartUploads: ${message}`);
}

function checkOptions(o: ListIncompleteUploadsOptions): void {
  if (o.prefix !== undefined && typeof o.prefix !== 'string')
    throw new InvalidArgumentError('prefix must be a string');
  if (
    o.initiatedBefore !== undefined &&
    (!(o.initiatedBefore instanceof Date) || Number.isNaN(o.initiatedBefore.getTime()))
  )
    throw new InvalidArgumentError('initiatedBefore must be a valid Date');
  if (o.uploadId !== undefined && (typeof o.uploadId !== 'string' || o.uploadId === ''))
    throw new InvalidArgumentError('uploadId must be a non-empty string');
}

/**
 * The incomplete multipart uploads of `bucket` under `o.prefix`, in S3's order (key, then
 * initiation), narrowed by `initiatedBefore` and `uploadId`.
 * @throws InvalidArgumentError for bad options; S3RequestError (ERR_S3ENC_NO_SUCH_BUCKET,
 *   ERR_S3ENC_ACCESS_DENIED, ERR_S3ENC_BAD_RESPONSE for an answer that breaks the bounds…).
 */
export async function listIncompleteUploads(
  s3: S3Client,
  bucket: string,
  o: ListIncompleteUploadsOptions = {},
): Promise<IncompleteUpload[]> {
  checkOptions(o);
  const prefix = o.prefix ?? '';
  const found = await listPages(s3, bucket, prefix, prefix, o);
  // MinIO matches Prefix only against whole keys (a "folder" prefix lists nothing), so an empty
  // answer for a prefix is checked once more against the whole bucket, filtered here.
  if (found.length > 0 || prefix === '') return found;
  return listPages(s3, bucket, '', prefix, o);
}

/** One listing: S3 asked with `asked` (a prefix of `prefix`), uploads kept under `prefix`. */
async function listPages(
  s3: S3Client,
  bucket: string,
  asked: string,
  prefix: string,
  o: ListIncompleteUploadsOptions,
): Promise<IncompleteUpload[]> {
  const maxPages = o.maxPages ?? DEFAULT_MAX_PAGES;
  const out: IncompleteUpload[] = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (let page = 0; ; page++) {
    if (page >= maxPages) throw badAnswer(`more than ${maxPages} pages`);
    const r = await withRetries(
      () =>
        s3.send(
          new ListMultipartUploadsCommand({
            Bucket: bucket,
            ...(asked !== '' ? { Prefix: asked } : {}),
            ...(keyMarker !== undefined ? { KeyMarker: keyMarker } : {}),
            ...(uploadIdMarker !== undefined ? { UploadIdMarker: uploadIdMarker } : {}),
          }),
          { abortSignal: o.signal },
        ),
      REQUEST_ATTEMPTS,
      o.signal,
      { operation: 'ListMultipartUploads', bucket },
    ).catch((err: unknown) => {
      throw toS3Error(err, 'ListMultipartUploads', {}, o.signal);
    });
    const uploads = r.Uploads ?? [];
    if (uploads.length > 1000) throw badAnswer('more than 1,000 uploads in one page');
    for (const u of uploads) {
      if (typeof u.Key !== 'string' || !u.Key.startsWith(asked))
        throw badAnswer('an upload outside the requested prefix');
      if (!u.Key.startsWith(prefix)) continue;
      if (typeof u.UploadId !== 'string' || u.UploadId === '')
        throw badAnswer('an upload without an id');
      const initiated =
        u.Initiated instanceof Date && !Number.isNaN(u.Initiated.getTime())
          ? u.Initiated
          : undefined;
      if (o.uploadId !== undefined && u.UploadId !== o.uploadId) continue;
      if (
        o.initiatedBefore !== undefined &&
        (initiated === undefined || initiated >= o.initiatedBefore)
      )
        continue;
      out.push({
        bucket,
        key: u.Key,
        uploadId: u.UploadId,
        initiated,
        storageClass: u.StorageClass,
      });
    }
    if (r.IsTruncated !== true) return out;
    const nextKey = r.NextKeyMarker;
    const nextId = r.NextUploadIdMarker;
    // A page must move the markers on: the same markers again would loop forever.
    if (
      nextKey === undefined ||
      uploads.length === 0 ||
      (nextKey === keyMarker && nextId === uploadIdMarker)
    )
      throw badAnswer('a page that does not advance');
    keyMarker = nextKey;
    uploadIdMarker = nextId;
  }
}

/** Options of {@link abortIncompleteUploads}. */
export interface AbortIncompleteUploadsOptions extends ListIncompleteUploadsOptions {
  /** List what would be aborted; abort nothing. */
  dryRun?: boolean | undefined;
  /** Narrows the uploads further (e.g. to those the caller's records know). */
  filter?: ((upload: IncompleteUpload) => boolean) | undefined;
}

/** The outcome for one upload. */
export interface AbortOutcome extends IncompleteUpload {
  /** `aborted` (or already gone), `dry-run`, or `failed` after the retries. */
  readonly status: 'aborted' | 'dry-run' | 'failed';
}

/**
 * Aborts the incomplete uploads that {@link listIncompleteUploads} finds with `o` (and `filter`
 * keeps), one after another; an upload that cannot be aborted is reported `failed` and the rest
 * go on.
 * @throws as listIncompleteUploads; AbortError when `signal` fires (uploads not reached stay).
 */
export async function abortIncompleteUploads(
  s3: S3Client,
  bucket: string,
  o: AbortIncompleteUploadsOptions = {},
): Promise<AbortOutcome[]> {
  if (o.filter !== undefined && typeof o.filter !== 'function')
    throw new InvalidArgumentError('filter must be a function');
  const found = (await listIncompleteUploads(s3, bucket, o)).filter((u) => o.filter?.(u) ?? true);
  const out: AbortOutcome[] = [];
  for (const u of found) {
    if (o.dryRun === true) {
      out.push({ ...u, status: 'dry-run' });
      continue;
    }
    throwIfAborted(o.signal, 'abort of incomplete uploads');
    const ok = await abortUpload(s3, bucket, u.key, u.uploadId);
    out.push({ ...u, status: ok ? 'aborted' : 'failed' });
  }
  return out;
}
