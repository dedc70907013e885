/**
 * Observability without logging secrets (SECURITY-PRACTICES.md #8): `node:diagnostics_channel`
 * events for object puts and gets, parts, ranges, retries, key use, integrity failures and
 * aborted uploads. Payloads carry bucket, key, version, sizes, durations, key ids and error
 * codes — never key bytes, plaintext, encryption context values or SSE-C fields. Nothing is
 * built when nobody subscribes: every call site checks `active` first.
 * Documented in docs/observability.md.
 */
import { channel, type Channel } from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import { IntegrityError, S3EncError } from '@s3enc/core';

/** The channel names (subscribe with `diagnostics_channel.subscribe(name, fn)`). */
export const DIAGNOSTICS_CHANNELS = Object.freeze({
  putStart: 's3enc:object:put:start',
  putFinish: 's3enc:object:put:finish',
  getStart: 's3enc:object:get:start',
  getFinish: 's3enc:object:get:finish',
  partFinish: 's3enc:part:upload:finish',
  rangeFinish: 's3enc:range:get:finish',
  retry: 's3enc:request:retry',
  keyGenerate: 's3enc:key:generate',
  keyUnwrap: 's3enc:key:unwrap',
  integrityFailure: 's3enc:integrity:failure',
  uploadAbort: 's3enc:upload:abort',
  rewrapFinish: 's3enc:object:rewrap:finish',
} as const);

/** A failure, as events report it: the stable code (or the error's name) only. */
export interface EventError {
  readonly code: string;
  readonly name: string;
}

/** `s3enc:object:put:start`: a put has a source and begins. */
export interface PutStartEvent {
  readonly bucket: string;
  readonly key: string;
  /** Plaintext size when known up front (undefined for a stream of unknown length). */
  readonly plaintextSize: number | undefined;
}

/** `s3enc:object:put:finish`: a put stored the object, or failed (`error`). */
export interface PutFinishEvent {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string | undefined;
  readonly plaintextSize: number | undefined;
  readonly ciphertextSize: number | undefined;
  readonly multipart: boolean | undefined;
  readonly parts: number | undefined;
  readonly durationMs: number;
  readonly error: EventError | undefined;
}

/** `s3enc:object:get:start`: a get or getToFile begins. */
export interface GetStartEvent {
  readonly bucket: string;
  readonly key: string;
  /** The version asked for (undefined: the current one, pinned when first seen). */
  readonly versionId: string | undefined;
  readonly range: { readonly start: number; readonly end: number } | undefined;
  readonly target: 'stream' | 'file';
}

/** `s3enc:object:get:finish`: the plaintext was all delivered, or the read failed or was left. */
export interface GetFinishEvent {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string | undefined;
  /** Undefined when the read failed before the object was opened. */
  readonly format: string | undefined;
  readonly plaintextSize: number | undefined;
  /** Plaintext bytes delivered to the stream or written to the file. */
  readonly bytes: number;
  /** Every byte of the range was delivered. */
  readonly complete: boolean;
  readonly durationMs: number;
  readonly error: EventError | undefined;
}

/** `s3enc:part:upload:finish`: S3 acknowledged a part. */
export interface PartFinishEvent {
  readonly bucket: string;
  readonly key: string;
  readonly uploadId: string;
  readonly partNumber: number;
  /** Stored (ciphertext) bytes of the part. */
  readonly size: number;
  readonly durationMs: number;
}

/** `s3enc:range:get:finish`: a ranged GET was fetched and authenticated. */
export interface RangeFinishEvent {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string | undefined;
  /** Stored bytes [start, end). */
  readonly start: number;
  readonly end: number;
  readonly durationMs: number;
}

/** `s3enc:request:retry`: a request failed transiently and will be sent again. */
export interface RetryEvent {
  readonly operation: string;
  readonly bucket: string | undefined;
  readonly key: string | undefined;
  /** The attempt that failed (1-based). */
  readonly attempt: number;
  readonly delayMs: number;
  /** S3's error code or the error's name. */
  readonly errorCode: string;
  readonly statusCode: number | undefined;
}

/** `s3enc:key:generate` (put) and `s3enc:key:unwrap` (get): a data key was made or unwrapped. */
export interface KeyEvent {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string | undefined;
  readonly format: string;
  /** Ids of the keys that wrap the data key (KMS key ARNs or raw key names), never key bytes. */
  readonly keyIds: readonly string[];
  readonly durationMs: number;
  /** `s3enc:key:generate` only: the data key came from the data-key cache (no KMS call). */
  readonly dataKeyFromCache?: boolean | undefined;
}

/** `s3enc:integrity:failure`: stored bytes (or S3's checksum echo) failed authentication. */
export interface IntegrityFailureEvent {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string | undefined;
  readonly operation: 'put' | 'get';
  readonly code: string;
}

/** `s3enc:upload:abort`: a failed multipart upload was aborted (`ok`), or could not be. */
export interface UploadAbortEvent {
  readonly bucket: string;
  readonly key: string;
  readonly uploadId: string;
  readonly ok: boolean;
  readonly attempts: number;
  readonly error: EventError | undefined;
}

/**
 * `s3enc:object:rewrap:finish`: a rewrap ended — the keys that wrapped the data key before and
 * after (never key bytes), what travelled, or the failure.
 */
export interface RewrapFinishEvent {
  readonly bucket: string;
  readonly key: string;
  /** The version read, when known. */
  readonly sourceVersionId: string | undefined;
  /**
   * What became of it: `kept`, or with `deleteSourceVersionAfterVerify` `deleted` (after the new
   * version verified) or `would-delete` (a dry run); `kept` when the rewrap failed.
   */
  readonly sourceVersionAction: 'kept' | 'deleted' | 'would-delete';
  /** The version written (status `rewrapped`). */
  readonly versionId: string | undefined;
  /** `rewrapped`, `unchanged`, `would-rewrap`, or `failed`. */
  readonly status: 'rewrapped' | 'unchanged' | 'would-rewrap' | 'failed';
  readonly keyIdsBefore: readonly string[];
  readonly keyIdsAfter: readonly string[];
  readonly bytesUploaded: number;
  readonly bytesDownloaded: number;
  readonly bytesCopied: number;
  readonly durationMs: number;
  readonly error: EventError | undefined;
}

/** A typed channel; `active` is false (and nothing should be built) when nobody listens. */
export class EventChannel<T> {
  readonly #channel: Channel;
  constructor(name: string) {
    this.#channel = channel(name);
  }
  get active(): boolean {
    return this.#channel.hasSubscribers;
  }
  publish(event: T): void {
    this.#channel.publish(event);
  }
}

/** @internal the channels the engine publishes on. */
export const events = {
  putStart: new EventChannel<PutStartEvent>(DIAGNOSTICS_CHANNELS.putStart),
  putFinish: new EventChannel<PutFinishEvent>(DIAGNOSTICS_CHANNELS.putFinish),
  getStart: new EventChannel<GetStartEvent>(DIAGNOSTICS_CHANNELS.getStart),
  getFinish: new EventChannel<GetFinishEvent>(DIAGNOSTICS_CHANNELS.getFinish),
  partFinish: new EventChannel<PartFinishEvent>(DIAGNOSTICS_CHANNELS.partFinish),
  rangeFinish: new EventChannel<RangeFinishEvent>(DIAGNOSTICS_CHANNELS.rangeFinish),
  retry: new EventChannel<RetryEvent>(DIAGNOSTICS_CHANNELS.retry),
  keyGenerate: new EventChannel<KeyEvent>(DIAGNOSTICS_CHANNELS.keyGenerate),
  keyUnwrap: new EventChannel<KeyEvent>(DIAGNOSTICS_CHANNELS.keyUnwrap),
  integrityFailure: new EventChannel<IntegrityFailureEvent>(DIAGNOSTICS_CHANNELS.integrityFailure),
  uploadAbort: new EventChannel<UploadAbortEvent>(DIAGNOSTICS_CHANNELS.uploadAbort),
  rewrapFinish: new EventChannel<RewrapFinishEvent>(DIAGNOSTICS_CHANNELS.rewrapFinish),
};

/** @internal milliseconds since `t0` (from {@link now}). */
export function since(t0: number): number {
  return performance.now() - t0;
}

/** @internal a timestamp for durations. */
export function now(): number {
  return performance.now();
}

/** @internal what an event says about a failure: its code, never its message. */
export function eventError(err: unknown): EventError {
  if (err instanceof S3EncError) return { code: err.code, name: err.name };
  const name = err instanceof Error ? err.name : typeof err;
  return { code: name, name };
}

/** @internal publishes `s3enc:integrity:failure` when `err` is an IntegrityError. */
export function reportIntegrityFailure(
  err: unknown,
  at: { bucket: string; key: string; versionId: string | undefined; operation: 'put' | 'get' },
): void {
  if (!events.integrityFailure.active) return;
  if (err instanceof IntegrityError) {
    events.integrityFailure.publish({ ...at, code: err.code });
  }
}
