/**
 * Whether a file transfer runs on worker threads, and on how many (docs/transfer.md, "Worker
 * threads"). `'auto'` uses them only where the benchmark measured them faster: at least
 * {@link AUTO_MIN_BYTES} of plaintext and at least {@link AUTO_MIN_CORES} cores. @internal
 */
import { availableParallelism } from 'node:os';
import { InvalidArgumentError, MAX_CONCURRENCY } from '@s3enc/core';

/** `'auto'`, a worker count (1..MAX_CONCURRENCY), or 0 for the single-thread path. */
export type WorkersOption = 'auto' | number;

/**
 * Smallest transfer `'auto'` runs on workers. bench/transfer-workers.ts on the 2-core machine
 * (MinIO on the same cores, load 12–25): below 256 MiB the workers lost or tied (0.82–0.88 in
 * the runs that paid the pool's start-up), from 256 MiB on they tied or won (1.01–1.39);
 * docs/transfer.md, "Worker threads".
 */
export const AUTO_MIN_BYTES = 256 * 1024 * 1024;
/** Fewest cores `'auto'` runs workers on. */
export const AUTO_MIN_CORES = 2;
/** Most workers `'auto'` starts. */
export const AUTO_MAX_WORKERS = 4;

/** @throws InvalidArgumentError unless `v` is undefined, 'auto' or an integer in 0..MAX_CONCURRENCY. */
export function checkWorkersOption(v: unknown): WorkersOption | undefined {
  if (v === undefined || v === 'auto') return v;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > MAX_CONCURRENCY) {
    throw new InvalidArgumentError(`workers must be 'auto' or an integer in 0..${MAX_CONCURRENCY}`);
  }
  return v;
}

/**
 * Workers for a transfer of `bytes` plaintext bytes; 0 means the single-thread path.
 * @param cores defaults to os.availableParallelism().
 */
export function workerCountFor(
  option: WorkersOption,
  bytes: number,
  cores: number = availableParallelism(),
): number {
  if (option !== 'auto') return option;
  if (cores < AUTO_MIN_CORES || bytes < AUTO_MIN_BYTES) return 0;
  return Math.min(cores, AUTO_MAX_WORKERS);
}

/** The error of `workers: N` forced onto a transfer workers cannot serve. */
export function workersUnsupported(why: string): InvalidArgumentError {
  return new InvalidArgumentError(`workers cannot serve this transfer: ${why}`, {
    code: 'ERR_S3ENC_WORKERS_UNSUPPORTED',
  });
}
