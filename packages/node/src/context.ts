/**
 * What the transfer engines share with the client: the S3 client, the keyring and the
 * defaults. @internal
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { ChecksumAlgorithm, CommitmentPolicy, DataKeyCache, Keyring } from '@s3enc/core';
import { InvalidArgumentError, S3_MAX_PARTS, S3_MIN_PART_SIZE } from '@s3enc/core';
import type { FormatSettings } from './transfer/formats/object-format.js';
import type { WorkersOption } from './transfer/workers/choose.js';
import type { TransferWorkerPool } from './transfer/workers/pool.js';

/** Defaults every transfer starts from. */
export interface TransferDefaults {
  /** Parallel part uploads / ranged GETs. */
  readonly concurrency: number;
  /** Target ciphertext bytes per multipart part (whole frames; at least 5 MiB). */
  readonly partSize: number;
  /** Target ciphertext bytes per ranged GET. */
  readonly downloadChunkSize: number;
  readonly frameLength: number | undefined;
  readonly checksumAlgorithm: ChecksumAlgorithm;
  /** Sign upload bodies (SigV4 payload hash) instead of sending UNSIGNED-PAYLOAD. */
  readonly signPayload: boolean;
  readonly commitmentPolicy: CommitmentPolicy | undefined;
  readonly maxEncryptedDataKeys: number | undefined;
  /** Worker threads for file transfers (transfer/workers/); undefined means 'auto'. */
  readonly workers?: WorkersOption | undefined;
}

/** @internal */
export interface ClientContext {
  readonly s3: S3Client;
  readonly keyring: Keyring;
  /** Data keys reused across objects (off unless the client was given `dataKeyCache`). */
  readonly dataKeyCache?: DataKeyCache | undefined;
  /** Settings of the formats other than s3enc's own (S3 Encryption Client keys and options). */
  readonly formatSettings?: FormatSettings | undefined;
  readonly defaults: TransferDefaults;
  /**
   * The client's transfer worker threads (started on first use); undefined when the caller
   * passed an S3Client (its transport cannot be rebuilt in another thread).
   */
  readonly workerPool?: TransferWorkerPool | undefined;
}

/** 5 MiB: S3's minimum size of every part but the last. */
export const MIN_PART_SIZE = S3_MIN_PART_SIZE;
/** S3's maximum number of parts. */
export const MAX_PARTS = S3_MAX_PARTS;
export const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_DOWNLOAD_CHUNK_SIZE = 8 * 1024 * 1024;

/** How far a transfer has got, in plaintext bytes. */
export interface TransferProgress {
  /**
   * Plaintext bytes done: for `put`, in parts S3 has acknowledged; for `get`, verified and
   * handed to the body stream; for `getToFile`, verified and written.
   */
  readonly bytes: number;
  /** Plaintext bytes in all, when known (a stream source of unknown length: undefined). */
  readonly total: number | undefined;
}

/**
 * Called as a transfer advances (`onProgress` of put, get and getToFile). It runs on the
 * transfer's path: keep it cheap. If it throws, the transfer fails with that error: a
 * multipart upload is aborted and a download's temporary file removed (a single-PutObject
 * upload reports only once the object is stored, so that object stays).
 */
export type ProgressListener = (progress: TransferProgress) => void;

/** Errors thrown by progress listeners: passed on as they are, never wrapped as S3 errors. */
const listenerFailures = new WeakSet<object>();

/** True when `err` came out of a progress listener. */
export function isListenerFailure(err: unknown): boolean {
  return typeof err === 'object' && err !== null && listenerFailures.has(err);
}

/**
 * Checks `v` and returns a reporter that calls it; what the listener throws is marked so the
 * engines rethrow it unchanged (a thrown non-Error becomes an Error carrying it as cause).
 * @throws InvalidArgumentError unless `v` is undefined or a function.
 */
export function checkProgressListener(
  v: unknown,
): ((progress: TransferProgress) => void) | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'function') throw new InvalidArgumentError('onProgress must be a function');
  const listener = v as ProgressListener;
  return (progress) => {
    try {
      listener(progress);
    } catch (e) {
      const err = e instanceof Error ? e : new Error('onProgress threw', { cause: e });
      listenerFailures.add(err);
      throw err;
    }
  };
}

/** @throws InvalidArgumentError unless `v` is undefined or a safe integer in [min, max]. */
export function checkInt(
  name: string,
  v: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new InvalidArgumentError(`${name} must be an integer in ${min}..${max}`);
  }
  return v;
}

/** @throws InvalidArgumentError unless `v` is undefined or a boolean. */
export function checkBool(name: string, v: unknown): boolean | undefined {
  if (v !== undefined && typeof v !== 'boolean')
    throw new InvalidArgumentError(`${name} must be a boolean`);
  return v;
}

/** @throws InvalidArgumentError for an empty or non-string bucket or key. */
export function checkBucketKey(bucket: unknown, key: unknown): void {
  if (typeof bucket !== 'string' || bucket === '')
    throw new InvalidArgumentError('bucket must be a non-empty string');
  if (typeof key !== 'string' || key === '')
    throw new InvalidArgumentError('key must be a non-empty string');
}
