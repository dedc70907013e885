/**
 * Lists the objects under a prefix with ListObjectsV2, page by page. The server's answer is
 * hostile input: every key must start with the prefix, the continuation token must change
 * from page to page, sizes must be sane, and the number of pages is bounded.
 */
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { S3RequestError } from '@s3enc/core';
import { toS3Error } from '../s3-errors.js';

/** One listed object. */
export interface ListedObject {
  readonly key: string;
  /** The key without the prefix. */
  readonly relativeKey: string;
  /** Stored bytes (the ciphertext for an encrypted object). */
  readonly size: number;
  readonly lastModified: Date | undefined;
  readonly etag: string | undefined;
}

/** A common prefix (a "directory") when listing with a delimiter. */
export interface ListedPrefix {
  readonly prefix: string;
}

/** Options of {@link listPrefix}. */
export interface ListPrefixOptions {
  /** Group keys by this delimiter (`/` for a non-recursive `ls`). */
  delimiter?: string | undefined;
  /** Pages of up to 1,000 keys before giving up. Default 1,000,000 (a billion keys). */
  maxPages?: number | undefined;
  signal?: AbortSignal | undefined;
}

const DEFAULT_MAX_PAGES = 1_000_000;
/** S3's own limit on one object: 5 TiB (and a bit for an envelope). */
const MAX_LISTED_SIZE = 5 * 1024 ** 4 + 1024 ** 3;

function badAnswer(message: string): S3RequestError {
  return new S3RequestError('ERR_S3ENC_BAD_RESPONSE', `ListObjectsV2: ${message}`);
}

/** Yields the objects (and common prefixes) under `prefix`, in the server's order. */
export async function* listPrefix(
  s3: S3Client,
  bucket: string,
  prefix: string,
  o: ListPrefixOptions = {},
): AsyncGenerator<ListedObject | ListedPrefix> {
  const maxPages = o.maxPages ?? DEFAULT_MAX_PAGES;
  let token: string | undefined;
  for (let page = 0; ; page++) {
    if (page >= maxPages) throw badAnswer(`more than ${maxPages} pages`);
    let r;
    try {
      r = await s3.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix,
          ContinuationToken: token,
          ...(o.delimiter !== undefined ? { Delimiter: o.delimiter } : {}),
        }),
        { abortSignal: o.signal },
      );
    } catch (err) {
      throw toS3Error(err, 'ListObjectsV2', { NoSuchBucket: 'ERR_S3ENC_NO_SUCH_KEY' }, o.signal);
    }
    if ((r.Contents?.length ?? 0) + (r.CommonPrefixes?.length ?? 0) > 1000)
      throw badAnswer('more than 1,000 entries in one page');
    for (const p of r.CommonPrefixes ?? []) {
      if (p.Prefix === undefined || !p.Prefix.startsWith(prefix))
        throw badAnswer('a common prefix outside the requested prefix');
      yield { prefix: p.Prefix };
    }
    for (const c of r.Contents ?? []) {
      const key = c.Key;
      if (key === undefined || !key.startsWith(prefix))
        throw badAnswer('a key outside the requested prefix');
      const size = c.Size ?? 0;
      if (!Number.isSafeInteger(size) || size < 0 || size > MAX_LISTED_SIZE)
        throw badAnswer(`an impossible size for ${JSON.stringify(key)}`);
      yield {
        key,
        relativeKey: key.slice(prefix.length),
        size,
        lastModified: c.LastModified,
        etag: c.ETag,
      };
    }
    if (r.IsTruncated !== true) return;
    const next = r.NextContinuationToken;
    // A truncated page without a new token would repeat forever: progress is required.
    if (next === undefined || next === '' || next === token)
      throw badAnswer('a truncated page without a new continuation token');
    token = next;
  }
}

/** Whether an entry is an object (not a common prefix). */
export function isListedObject(e: ListedObject | ListedPrefix): e is ListedObject {
  return 'key' in e;
}
