/** The options and per-object results of the bulk operations (`transferTree`). */
import type { GetOptions } from '../transfer/download/read-options.js';
import type { PutOptions } from '../transfer/upload/put-options.js';
import type { PathFilter } from './filters.js';

/** A local directory or an S3 prefix. */
export type TreeLocation =
  | { readonly type: 'local'; readonly path: string }
  | { readonly type: 's3'; readonly bucket: string; readonly prefix: string };

/** Options of `transferTree`. */
export interface TransferTreeOptions {
  source: TreeLocation;
  destination: TreeLocation;
  /**
   * `'copy'` (`cp --recursive`): every file, except those a previous run already completed
   * (same size and the same recorded time, or for S3 → S3 a destination at least as new).
   * `'sync'`: as `aws s3 sync` (see `sizeOnly`, `exactTimestamps`, `delete`).
   */
  mode: 'copy' | 'sync';
  /** `sync` only: delete destination files that are not in the source (filters apply). */
  delete?: boolean | undefined;
  /** Report what would happen; transfer and delete nothing. */
  dryRun?: boolean | undefined;
  /** `--exclude` / `--include` in command-line order (the last match wins). */
  filters?: readonly PathFilter[] | undefined;
  /** Compare sizes only. */
  sizeOnly?: boolean | undefined;
  /** Same-sized files are skipped only when the times match exactly. */
  exactTimestamps?: boolean | undefined;
  /** The budget shared by objects and their parts. Default 8. */
  concurrency?: number | undefined;
  /** The client's part size, to know how many parts a file may use. Default 8 MiB. */
  partSize?: number | undefined;
  /** Stop after the first failed object (default: go on, report every failure). */
  failFast?: boolean | undefined;
  /** Options for each upload (the `sync` metadata is added to `metadata`). */
  putOptions?:
    | Pick<
        PutOptions,
        'encryptionContext' | 'sse' | 'metadata' | 'checksumAlgorithm' | 'onMultipartUpload'
      >
    | undefined;
  /** Options for each download. */
  getOptions?: Pick<GetOptions, 'encryptionContext' | 'allowPlaintext'> | undefined;
  signal?: AbortSignal | undefined;
  /** Each object's outcome, as it settles. */
  onObject?: ((result: ObjectResult) => void) | undefined;
  /** The whole run's progress (objects and plaintext bytes). */
  onProgress?: ((progress: TreeProgress) => void) | undefined;
}

/** The outcome for one object (or file). */
export interface ObjectResult {
  readonly operation: 'upload' | 'download' | 'copy' | 'delete';
  /**
   * `done`; `skipped` (already there: same size and time); `dry-run` (would be done);
   * `failed` (see `error`); `ignored` (a symbolic link, a key that would leave the directory
   * is `failed` instead).
   */
  readonly status: 'done' | 'skipped' | 'dry-run' | 'failed' | 'ignored';
  /** `s3://bucket/key` or a local path. */
  readonly source: string;
  readonly destination: string;
  /** Plaintext bytes (for a copy, the stored bytes). */
  readonly size: number;
  readonly reason?: string | undefined;
  readonly error?: unknown;
}

/** Progress of the whole run. */
export interface TreeProgress {
  readonly objectsDone: number;
  /** Objects found in the source (known once the listing / walk is complete). */
  readonly objectsTotal: number | undefined;
  readonly bytesDone: number;
  readonly bytesTotal: number | undefined;
}

/** What `transferTree` returns. */
export interface TreeSummary {
  readonly ok: boolean;
  readonly done: number;
  readonly skipped: number;
  readonly deleted: number;
  readonly failed: number;
  readonly ignored: number;
  readonly dryRun: number;
  /** Plaintext bytes transferred (stored bytes for server-side copies). */
  readonly bytes: number;
}
