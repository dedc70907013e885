/**
 * What crosses between the coordinating thread and its transfer workers: small, plain,
 * structured-cloneable records — settings, part numbers and range indexes, ETags and
 * checksums, error records. Never plaintext or ciphertext; the frame key crosses once, as a
 * KeyObject inside a {@link FrameKeyHandoff}. @internal
 */
import {
  AbortError,
  FormatError,
  InsecureTransportError,
  IntegrityError,
  InvalidArgumentError,
  KeyUnwrapError,
  S3EncError,
  S3RequestError,
  isErrorCode,
  type ByteRange,
  type ChecksumAlgorithm,
  type FrameKeyHandoff,
} from '@s3enc/core';
import type { TransportOptions } from '../../transport/client-config.js';
import { resolveTls } from '../../transport/tls-policy.js';
import type { StoredLayout } from '../formats/aws-encryption-sdk/layout.js';

/** Transport settings a worker builds its own S3 client from (credentials come by message). */
export type WorkerTransport = Omit<TransportOptions, 'credentials'>;

/** The file of a put, identified so a worker opens the same file the coordinator measured. */
export interface PutFileSpec {
  readonly path: string;
  readonly dev: number;
  readonly ino: number;
  readonly size: number;
}

/** One multipart upload, as the workers see it. */
export interface PutJobSpec {
  readonly role: 'put';
  readonly file: PutFileSpec;
  readonly bucket: string;
  readonly key: string;
  readonly uploadId: string;
  readonly algorithm: ChecksumAlgorithm;
  /** Sign each part's payload (SigV4 SHA-256) instead of UNSIGNED-PAYLOAD; as on one thread. */
  readonly signPayload: boolean;
  /** Per-request fields of every UploadPart (SSE-C). */
  readonly perRequest: Readonly<Record<string, string>>;
  readonly framesPerPart: number;
  readonly partCount: number;
  /** The message header (public bytes), the start of part 1. */
  readonly header: Uint8Array;
}

/** One getToFile, as the workers see it. */
export interface GetJobSpec {
  readonly role: 'get';
  /** The private temporary file the coordinator created (0600); workers open it for writing. */
  readonly tmpPath: string;
  readonly bucket: string;
  readonly key: string;
  /** The version and ETag every request is pinned to (download/object-facts.ts ObjectPin). */
  readonly pin: { readonly VersionId?: string; readonly IfMatch?: string };
  readonly ssec: Readonly<Record<string, string>>;
  readonly layout: StoredLayout;
  readonly range: ByteRange;
  readonly chunkSize: number;
}

export type JobSpec = PutJobSpec | GetJobSpec;

/** What a ranged read offers its worker path (set for unsigned, committing messages). */
export interface WorkerReadPlan {
  readonly layout: StoredLayout;
  readonly range: ByteRange;
  readonly chunkSize: number;
  readonly pin: GetJobSpec['pin'];
  readonly ssec: Readonly<Record<string, string>>;
  /** The frame key handoff, or undefined when the session's suite cannot hand off. */
  readonly handoff: () => FrameKeyHandoff | undefined;
}

/** What a worker thread starts with (`workerData`). */
export interface WorkerStart {
  readonly transport: WorkerTransport;
  /** Requests in flight the worker's connection pool is sized for. */
  readonly connections: number;
}

/** Coordinator → worker. A worker serves several jobs (transfers), each with its own key and file. */
export type ToWorker =
  | {
      readonly type: 'job';
      readonly jobId: number;
      readonly handoff: FrameKeyHandoff;
      readonly job: JobSpec;
    }
  /** Put: a part number; get: a range index of the read plan. */
  | { readonly type: 'task'; readonly jobId: number; readonly id: number }
  /** End a job: abort what is in flight, close its file, drop its key, then say `job-closed`. */
  | { readonly type: 'end-job'; readonly jobId: number }
  | {
      readonly type: 'credentials';
      readonly requestId: number;
      readonly identity?: WorkerCredentials | undefined;
      readonly error?: ErrorRecord | undefined;
    }
  /** Stop the worker: end every job, close its connections, exit. */
  | { readonly type: 'close' };

/** Resolved credentials, as the SDK's identity (cloneable). */
export interface WorkerCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
  readonly expiration?: Date | undefined;
}

/** A part S3 acknowledged. */
export interface PartDone {
  readonly partNumber: number;
  readonly etag: string | undefined;
  /** The part's checksum digest (raw bytes; a few bytes). */
  readonly digest: Uint8Array;
  readonly size: number;
  readonly plain: number;
  readonly durationMs: number;
}

/** Worker → coordinator. */
export type FromWorker =
  | { readonly type: 'job-ready'; readonly jobId: number }
  | { readonly type: 'part'; readonly jobId: number; readonly done: PartDone }
  | {
      readonly type: 'range';
      readonly jobId: number;
      readonly index: number;
      readonly bytes: number;
    }
  | { readonly type: 'need-credentials'; readonly requestId: number }
  | { readonly type: 'failed'; readonly jobId: number; readonly error: ErrorRecord }
  | { readonly type: 'job-closed'; readonly jobId: number };

/** An error as it crosses threads: class, code, message, HTTP status. No cause, no data. */
export interface ErrorRecord {
  readonly cls: string;
  readonly code: string | undefined;
  readonly message: string;
  readonly statusCode?: number | undefined;
}

/** The record of `err` (its message only: s3enc messages never hold secrets or plaintext). */
export function errorRecord(err: unknown): ErrorRecord {
  if (err instanceof S3EncError) {
    return {
      cls: classOf(err),
      code: err.code,
      message: err.message,
      statusCode: err instanceof S3RequestError ? err.statusCode : undefined,
    };
  }
  const e = err as { name?: unknown; code?: unknown; message?: unknown } | undefined;
  return {
    cls: 'Error',
    code: typeof e?.code === 'string' ? e.code : undefined,
    message: `${typeof e?.name === 'string' ? e.name : 'Error'}: ${typeof e?.message === 'string' ? e.message : String(err)}`,
  };
}

function classOf(err: S3EncError): string {
  if (err instanceof AbortError) return 'AbortError';
  if (err instanceof S3RequestError) return 'S3RequestError';
  if (err instanceof IntegrityError) return 'IntegrityError';
  if (err instanceof KeyUnwrapError) return 'KeyUnwrapError';
  if (err instanceof FormatError) return 'FormatError';
  if (err instanceof InsecureTransportError) return 'InsecureTransportError';
  if (err instanceof InvalidArgumentError) return 'InvalidArgumentError';
  return 'S3EncError';
}

/**
 * The typed error a record stands for, rebuilt in the coordinator. A worker's non-s3enc
 * failure (a file-system error) becomes ERR_S3ENC_WORKER_FAILED, its text kept.
 */
export function errorFromRecord(r: ErrorRecord): S3EncError {
  const code = r.code !== undefined && isErrorCode(r.code) ? r.code : undefined;
  const cause = new Error(`in a transfer worker: ${r.message}`);
  switch (code === undefined ? 'Error' : r.cls) {
    case 'AbortError':
      return new AbortError(r.message, { cause });
    case 'S3RequestError':
      return new S3RequestError(code!, r.message, { cause, statusCode: r.statusCode });
    case 'IntegrityError':
      return new IntegrityError(code!, r.message, { cause });
    case 'KeyUnwrapError':
      return new KeyUnwrapError(code!, r.message, { cause });
    case 'FormatError':
      return new FormatError(code!, r.message, { cause });
    case 'InsecureTransportError':
      return new InsecureTransportError(r.message, { cause, code: code! });
    case 'InvalidArgumentError':
      return new InvalidArgumentError(r.message, { cause, code: code! });
    case 'S3EncError':
      return new S3EncError(code!, r.message, { cause });
    default:
      return new S3EncError('ERR_S3ENC_WORKER_FAILED', `A transfer worker failed: ${r.message}`, {
        cause,
      });
  }
}

/**
 * The S3 settings a worker rebuilds its client from: every field but the credentials (which
 * may be a provider function; workers ask the coordinator instead), copied so no live object
 * crosses. The worker validates them again (buildS3ClientConfig), as the main client did.
 */
export function workerTransportOf(o: TransportOptions): WorkerTransport | undefined {
  const { credentials: _credentials, ...rest } = o;
  try {
    // The CA as the PEM text the main client trusts now (a CA file is read once, here).
    const ca = o.ca === undefined ? undefined : resolveTls(o, 'S3').ca;
    return structuredClone({ ...rest, ...(ca !== undefined ? { ca } : {}) });
  } catch {
    return undefined; // something in the settings cannot cross threads: no workers
  }
}
