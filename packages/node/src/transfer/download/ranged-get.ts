/**
 * The one ranged GET every read goes through (header probe, frames, signed bodies, plaintext
 * objects, related objects). A server answer is hostile input: the body is read up to the
 * length asked and no further, the Content-Range must name the range asked and a total within
 * S3's limits, and retries are bounded (DESIGN.md "Download").
 * @internal
 */
import { GetObjectCommand, type GetObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import {
  IntegrityError,
  S3EncError,
  S3RequestError,
  S3_MAX_OBJECT_SIZE,
  READ_ATTEMPTS,
} from '@s3enc/core';
import { toS3Error, withRetries } from '../../s3-errors.js';
import type { ObjectPin } from './object-facts.js';

export const GET_CODES = {
  PreconditionFailed: 'ERR_S3ENC_OBJECT_CHANGED',
  '412': 'ERR_S3ENC_OBJECT_CHANGED',
};

/** The object a ranged GET reads. */
export interface RangeTarget {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly key: string;
  readonly pin: ObjectPin;
  /** SSE-C request fields (empty without SSE-C). */
  readonly ssec: Readonly<Record<string, string>>;
}

/** A ranged GET's bytes and what the server said about the object. */
export interface RangeResponse {
  /** The body as the socket delivered it (no copy), exactly the bytes promised. */
  readonly chunks: Buffer[];
  readonly length: number;
  /** The object's size, from Content-Range (or Content-Length when the server sent all of it). */
  readonly total: number;
  readonly response: GetObjectCommandOutput;
}

/** S3RequestError for an answer that contradicts the request. */
export function badResponse(message: string): S3RequestError {
  return new S3RequestError('ERR_S3ENC_BAD_RESPONSE', message);
}

function truncated(cause?: unknown): IntegrityError {
  return new IntegrityError(
    'ERR_S3ENC_TRUNCATED',
    'The object ended before the bytes asked for',
    cause === undefined ? undefined : { cause },
  );
}

/** A size the server claims, bounded: a safe integer within S3's 5 TiB. */
export function checkClaimedSize(n: number, what: string): number {
  if (!Number.isSafeInteger(n) || n < 0 || n > S3_MAX_OBJECT_SIZE) {
    throw badResponse(`The server claimed ${what} outside 0..5 TiB`);
  }
  return n;
}

const CONTENT_RANGE = /^bytes (\d{1,20})-(\d{1,20})\/(\d{1,20})$/;

/**
 * Fetches stored bytes [start, end) of the target.
 *
 * @param exact true: the object must hold all of [start, end) (a total below `end`, or a 416,
 *   is a truncation). false (first request of a read): the object may end before `end`; the
 *   answer is then [start, total).
 * @returns the bytes, exactly `min(end, total) − start` of them.
 * @throws IntegrityError ERR_S3ENC_TRUNCATED when the object ends before the bytes asked for
 *   (its total, a 416, or a body shorter than its own headers); S3RequestError
 *   ERR_S3ENC_BAD_RESPONSE when the headers name another range than asked (more, fewer,
 *   shifted), a body runs past its length, or a size is not a safe integer within 5 TiB; S3RequestError (ERR_S3ENC_OBJECT_CHANGED,
 *   ERR_S3ENC_NO_SUCH_KEY, a 416 when not `exact`…) after at most READ_ATTEMPTS tries;
 *   AbortError.
 */
export async function rangedGet(
  t: RangeTarget,
  start: number,
  end: number,
  signal: AbortSignal | undefined,
  exact = true,
): Promise<RangeResponse> {
  return withRetries(
    async () => {
      const res = await t.s3.send(
        new GetObjectCommand({
          Bucket: t.bucket,
          Key: t.key,
          Range: `bytes=${start}-${end - 1}`,
          ...t.pin,
          ...t.ssec,
        }),
        { abortSignal: signal },
      );
      const total = totalOf(res, start, end);
      if (exact && total < end) throw truncated();
      const want = Math.min(end, total) - start;
      const chunks = await readExactly(res, want);
      return { chunks, length: want, total, response: res };
    },
    READ_ATTEMPTS,
    signal,
    { operation: 'GetObject', bucket: t.bucket, key: t.key },
  ).catch((err: unknown) => {
    if (exact && !(err instanceof S3EncError) && statusIs(err, 416)) {
      // The server refuses a range inside the size it announced: the object is shorter.
      throw truncated(err);
    }
    throw toS3Error(err, 'GetObject', GET_CODES, signal);
  });
}

function statusIs(err: unknown, status: number): boolean {
  return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === status;
}

/** The object's size as the answer states it, checked against the range asked. */
function totalOf(res: GetObjectCommandOutput, start: number, end: number): number {
  const cr = res.ContentRange;
  if (cr === undefined) {
    // No Content-Range: the server sent the whole object (ignoring Range). Acceptable only
    // when asked from 0 and the whole object fits in what was asked.
    const len = res.ContentLength;
    if (start !== 0 || len === undefined) throw badResponse('GetObject ignored the range asked');
    const total = checkClaimedSize(len, 'an object size');
    if (total > end) throw badResponse('GetObject sent more than the range asked');
    return total;
  }
  const m = CONTENT_RANGE.exec(cr.trim());
  if (m === null) throw badResponse('GetObject answered with an unreadable Content-Range');
  const from = Number(m[1]);
  const to = Number(m[2]);
  const total = checkClaimedSize(Number(m[3]), 'an object size');
  if (from !== start || to < from || to >= total) {
    throw badResponse('GetObject answered with another range than the one asked');
  }
  const last = Math.min(end, total) - 1;
  const length = res.ContentLength;
  if (to > last || (length !== undefined && length > to - from + 1)) {
    throw badResponse('GetObject sent more than the range asked');
  }
  // Headers that promise fewer bytes than the object they describe holds in the range asked
  // contradict themselves: a bad answer. (A body shorter than its own headers promise is a
  // truncation, found by readExactly; so is a 416 inside the announced size.)
  if (to < last || (length !== undefined && length !== to - from + 1)) {
    throw badResponse('GetObject answered with fewer bytes than the range asked');
  }
  return total;
}

/**
 * Reads the body up to `want` bytes: stops (and releases the connection) as soon as the
 * server sends more, so an over-long answer is never buffered.
 * @throws S3RequestError ERR_S3ENC_BAD_RESPONSE when longer; IntegrityError ERR_S3ENC_TRUNCATED when shorter.
 */
export async function readExactly(res: GetObjectCommandOutput, want: number): Promise<Buffer[]> {
  const body = res.Body as (AsyncIterable<Uint8Array> & { destroy?: () => void }) | undefined;
  const chunks: Buffer[] = [];
  let n = 0;
  if (body !== undefined) {
    for await (const c of body) {
      n += c.byteLength;
      if (n > want) {
        body.destroy?.();
        throw badResponse('GetObject sent more bytes than asked');
      }
      chunks.push(Buffer.from(c.buffer, c.byteOffset, c.byteLength));
    }
  }
  if (n < want) throw truncated();
  return chunks;
}

/** One Buffer of the chunks (no copy for a single chunk). */
export function joinChunks(chunks: readonly Buffer[], length: number): Buffer {
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
}
