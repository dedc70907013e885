/** The options and results of `get`, `getToFile` and `head`, and what the stages pass on. */
import type { ByteRange, CommitmentPolicy, EncryptionContext, HeaderInfo } from '@s3enc/core';
import type { ProgressListener } from '../../context.js';
import type { SseCustomerKeyInput } from '../../sse.js';
import type { Piece } from '../formats/object-format.js';
import type { WorkersOption } from '../workers/choose.js';
import type { WorkerReadPlan } from '../workers/messages.js';

/** Options shared by `get`, `getToFile` and `head`. */
export interface ReadOptions {
  /** Read this version (otherwise the current one, pinned for the whole read). */
  versionId?: string | undefined;
  /** The SSE-C key the object was stored with. */
  sseCustomerKey?: SseCustomerKeyInput | undefined;
  signal?: AbortSignal | undefined;
}

/** Options of `get` and `getToFile`. */
export interface GetOptions extends ReadOptions {
  /** Plaintext bytes [start, end) (end exclusive); only the covering frames are fetched. */
  range?: ByteRange | undefined;
  /** Pairs the object's encryption context must contain. */
  encryptionContext?: EncryptionContext | undefined;
  /** Parallel ranged GETs. Default: the client's. */
  concurrency?: number | undefined;
  /** Target ciphertext bytes per ranged GET (whole frames). Default 8 MiB. */
  chunkSize?: number | undefined;
  /**
   * Return objects that are not s3enc messages as they are, instead of failing with
   * ERR_S3ENC_NOT_ENCRYPTED. The result's `encrypted` is then false.
   */
  allowPlaintext?: boolean | undefined;
  commitmentPolicy?: CommitmentPolicy | undefined;
  maxEncryptedDataKeys?: number | undefined;
  /**
   * Signed-suite objects only (the official library's default suite): `get` holds their
   * plaintext in memory until the whole-message signature verifies, up to this many bytes
   * (default 64 MiB); larger ones are refused with ERR_S3ENC_SIGNED_MESSAGE_TOO_LARGE — use
   * `getToFile`, which stages them in its private temporary file instead.
   */
  maxSignedPlaintextInMemory?: number | undefined;
  /**
   * Called with the plaintext bytes verified so far: handed to the body stream (`get`) or
   * written (`getToFile`). `total` is the length of the range read.
   */
  onProgress?: ProgressListener | undefined;
  /**
   * getToFile only: worker threads that each fetch, authenticate and write their own ranges
   * (docs/transfer.md, "Worker threads"). `'auto'` (the client's default) uses them for large
   * reads on machines with cores to spare; a number forces that many; 0 never.
   */
  workers?: WorkersOption | undefined;
}

/** S3-side facts about the object read. */
export interface ObjectFacts {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string | undefined;
  readonly etag: string | undefined;
  readonly lastModified: Date | undefined;
  /** Size of the stored object (the ciphertext for an encrypted object). */
  readonly storedSize: number;
  readonly contentType: string | undefined;
  readonly sse:
    | {
        type: 'SSE-KMS' | 'SSE-S3' | 'SSE-C';
        kmsKeyId?: string | undefined;
        bucketKey?: boolean | undefined;
      }
    | undefined;
  readonly lock:
    | { mode?: string | undefined; retainUntil?: Date | undefined; legalHold?: boolean | undefined }
    | undefined;
  /** The object carries the s3enc metadata marker. */
  readonly marker: boolean;
  /**
   * The object's user metadata (`x-amz-meta-*`) as S3 answered it. Not authenticated: never
   * trust it for what the plaintext is (the header and frames are authenticated; this is not).
   */
  readonly userMetadata: Readonly<Record<string, string>>;
}

/** Where the plaintext goes: decides how a whole-body format's plaintext is staged. @internal */
export type ReadTarget = 'stream' | 'file';

/** A plaintext object (allowPlaintext) or an encrypted one, ready to stream. @internal */
export interface PreparedRead {
  readonly facts: ObjectFacts;
  /** The detected format's name (undefined for a plaintext object). */
  readonly format: string | undefined;
  readonly encrypted: boolean;
  readonly header: HeaderInfo | undefined;
  readonly plaintextSize: number;
  readonly range: ByteRange;
  /**
   * Plaintext pieces in order. For target 'stream' each is authenticated before it is
   * yielded. For target 'file' a whole-body format yields unauthenticated pieces and the
   * generator finishing without error is the authentication: the file stage must not release
   * its output before then (it renames a private temporary file).
   */
  chunks(): AsyncGenerator<Piece, void, undefined>;
  /** Releases the data key (also done when `chunks()` finishes or fails). */
  close(): void;
  /** A ranged read's plan for worker threads (absent for whole-body formats and plaintext). */
  readonly workerPlan?: WorkerReadPlan | undefined;
}
