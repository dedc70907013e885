/**
 * Maps AWS SDK failures onto s3enc's typed errors, and classifies what is worth retrying.
 * Messages name the operation and S3's error code, never request parameters (SSE-C keys
 * travel in those).
 * @internal
 */
import {
  AbortError,
  MAX_RETRY_DELAY_MS,
  RETRY_BASE_DELAY_MS,
  S3EncError,
  S3RequestError,
  isErrorCode,
} from '@s3enc/core';
import { events } from './transfer/diagnostics.js';

interface SdkErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
  cause?: unknown;
}

/** HTTP status of an SDK error, if the server answered. */
export function statusOf(err: unknown): number | undefined {
  return (err as SdkErrorLike | undefined)?.$metadata?.httpStatusCode;
}

/** S3's error code (`NoSuchKey`, `PreconditionFailed`, …) or the error's name. */
export function s3CodeOf(err: unknown): string {
  const e = err as SdkErrorLike | undefined;
  if (typeof e?.name === 'string') return e.name;
  if (typeof e?.code === 'string') return e.code;
  return 'Error';
}

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/** Whether repeating the request may succeed (network failure, 5xx, throttling). */
export function isTransient(err: unknown, depth = 0): boolean {
  if (err === null || typeof err !== 'object' || depth > 5) return false;
  if (err instanceof S3EncError) return false;
  const e = err as SdkErrorLike;
  if (e.name === 'AbortError') return false;
  const status = statusOf(err);
  if (status !== undefined && (status >= 500 || status === 429 || status === 408)) return true;
  if (typeof e.code === 'string' && (TRANSIENT_CODES.has(e.code) || e.code.startsWith('UND_ERR_')))
    return true;
  if (
    e.name === 'TimeoutError' ||
    e.name === 'RequestTimeout' ||
    e.name === 'SlowDown' ||
    e.name === 'InternalError'
  )
    return true;
  return isTransient(e.cause, depth + 1);
}

/**
 * Wraps an SDK failure of `operation` in an s3enc error (an s3enc error passes through).
 * @param codes S3 error codes (or HTTP statuses as strings) → s3enc codes for this operation.
 */
export function toS3Error(
  err: unknown,
  operation: string,
  codes: Record<string, string> = {},
  signal?: AbortSignal,
): S3EncError {
  if (err instanceof S3EncError) return err;
  if (signal?.aborted === true || (err as SdkErrorLike | undefined)?.name === 'AbortError') {
    return new AbortError(`${operation} was aborted`, { cause: err });
  }
  const name = s3CodeOf(err);
  const status = statusOf(err);
  const mapped = codes[name] ?? (status !== undefined ? codes[String(status)] : undefined);
  const code =
    (isErrorCode(mapped) ? mapped : undefined) ??
    // A missing bucket is not a missing key (S3 answers 404 for both).
    (name === 'NoSuchBucket' ? 'ERR_S3ENC_NO_SUCH_BUCKET' : undefined) ??
    (name === 'NoSuchKey' || status === 404 ? 'ERR_S3ENC_NO_SUCH_KEY' : undefined) ??
    (name === 'AccessDenied' || status === 403 ? 'ERR_S3ENC_ACCESS_DENIED' : undefined) ??
    'ERR_S3ENC_S3_REQUEST';
  return new S3RequestError(
    code,
    `${operation} failed: ${name}${status === undefined ? '' : ` (HTTP ${status})`}`,
    {
      cause: err,
      statusCode: status,
    },
  );
}

/**
 * Runs `fn` up to `attempts` times while it fails transiently (on top of the SDK's own
 * retries, for failures the SDK does not repeat, such as a body cut mid-read).
 */
export async function withRetries<T>(
  fn: (attempt: number) => Promise<T>,
  attempts: number,
  signal?: AbortSignal,
  what?: RetryContext,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= attempts || signal?.aborted === true || !isTransient(err)) throw err;
      const delayMs = Math.min(MAX_RETRY_DELAY_MS, RETRY_BASE_DELAY_MS * 2 ** attempt);
      if (events.retry.active) {
        events.retry.publish({
          operation: what?.operation ?? 'request',
          bucket: what?.bucket,
          key: what?.key,
          attempt,
          delayMs,
          errorCode: s3CodeOf(err),
          statusCode: statusOf(err),
        });
      }
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
}

/** What a retried request is, for the `s3enc:request:retry` event. */
export interface RetryContext {
  readonly operation: string;
  readonly bucket?: string | undefined;
  readonly key?: string | undefined;
}
