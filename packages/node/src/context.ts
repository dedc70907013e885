/**
 * What the transfer engines share with the client: the S3 client, the keyring and the
 * defaults. @internal
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { ChecksumAlgorithm, CommitmentPolicy, Keyring } from '@s3enc/core';
import { InvalidArgumentError } from '@s3enc/core';

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
  readonly commitmentPolicy: CommitmentPolicy | undefined;
  readonly maxEncryptedDataKeys: number | undefined;
}

/** @internal */
export interface ClientContext {
  readonly s3: S3Client;
  readonly keyring: Keyring;
  readonly defaults: TransferDefaults;
}

/** 5 MiB: S3's minimum size of every part but the last. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
/** S3's maximum number of parts. */
export const MAX_PARTS = 10_000;
export const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_DOWNLOAD_CHUNK_SIZE = 8 * 1024 * 1024;

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

/** @throws InvalidArgumentError for an empty or non-string bucket or key. */
export function checkBucketKey(bucket: unknown, key: unknown): void {
  if (typeof bucket !== 'string' || bucket === '')
    throw new InvalidArgumentError('bucket must be a non-empty string');
  if (typeof key !== 'string' || key === '')
    throw new InvalidArgumentError('key must be a non-empty string');
}
