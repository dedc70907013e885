/**
 * `EncryptedS3Client`: client-side envelope encryption over TLS-only, parallel S3 transfers.
 * This file only wires options together; the engines are upload.ts and download.ts.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { S3Client } from '@aws-sdk/client-s3';
import type { KMSClient } from '@aws-sdk/client-kms';
import {
  DEFAULT_CHECKSUM_ALGORITHM,
  InvalidArgumentError,
  assertChecksumAlgorithm,
  kmsKeyring,
  type ByteRange,
  type ChecksumAlgorithm,
  type CommitmentPolicy,
  type HeaderInfo,
  type Keyring,
} from '@s3enc/core';
import {
  checkInt,
  checkProgressListener,
  DEFAULT_CONCURRENCY,
  DEFAULT_DOWNLOAD_CHUNK_SIZE,
  DEFAULT_PART_SIZE,
  MIN_PART_SIZE,
  type ClientContext,
} from './context.js';
import { writeAllAt } from './file-write.js';
import { prepareRead, type GetOptions, type ObjectFacts } from './download.js';
import { headObject, type HeadResult } from './head.js';
import { KmsClientPool } from './kms-clients.js';
import { buildS3ClientConfig, type TransportOptions } from './transport/client-config.js';
import { enforceHttpsOnly } from './transport/https-only.js';
import { putObject, type PutOptions, type PutResult } from './upload.js';
import type { PutSource } from './sources.js';
import type { ReadOptions } from './download.js';

/** S3 connection settings (an `http://` endpoint is refused), or an S3Client you built. */
export type S3Input = S3Client | Omit<TransportOptions, 'concurrency'>;

/** Bytes getToFile gathers before one writev. */
const WRITE_BATCH = 8 * 1024 * 1024;

/** Options of {@link EncryptedS3Client}. Give `keyring` or `kmsKeyIds`. */
export interface EncryptedS3ClientOptions {
  /** S3 settings or an existing S3Client (a request that is not https:// is then refused by middleware). */
  s3: S3Input;
  /** Where data keys come from (kmsKeyring, rawAesKeyring, multiKeyring from @s3enc/core). */
  keyring?: Keyring | undefined;
  /** KMS key ARNs: the first generates each data key, the others also wrap it. */
  kmsKeyIds?: readonly string[] | undefined;
  /**
   * KMS connection settings for `kmsKeyIds` (defaults: AWS, each key ARN's own Region, the
   * default credential chain), or a KMSClient. Each key is asked in its ARN's Region;
   * `region` only applies to key ids and aliases without one, and an explicit `endpoint`
   * serves every key. A KMSClient is used for keys in its own Region only — keys in other
   * Regions get default clients, so pass settings (not a client) for several Regions with a
   * custom transport.
   */
  kms?: KMSClient | Omit<TransportOptions, 'concurrency' | 'forcePathStyle'> | undefined;
  /** Parallel part uploads / ranged GETs per transfer. Default 4. */
  concurrency?: number | undefined;
  /** Target ciphertext bytes per part. Default 8 MiB (minimum 5 MiB). */
  partSize?: number | undefined;
  /** Target ciphertext bytes per ranged GET. Default 8 MiB. */
  downloadChunkSize?: number | undefined;
  /** Plaintext bytes per frame for new objects. Default: core's DEFAULT_FRAME_LENGTH. */
  frameLength?: number | undefined;
  /** Checksum for uploads. Default CRC32C. */
  checksumAlgorithm?: ChecksumAlgorithm | undefined;
  commitmentPolicy?: CommitmentPolicy | undefined;
  maxEncryptedDataKeys?: number | undefined;
}

/** What `get` returns: S3 facts, the header, and the plaintext as a stream. */
export interface GetResult extends ObjectFacts {
  /** False only for objects read with `allowPlaintext` that are not s3enc messages. */
  readonly encrypted: boolean;
  readonly header: HeaderInfo | undefined;
  readonly plaintextSize: number;
  /** The plaintext range delivered (the whole object unless `range` was given). */
  readonly range: ByteRange;
  /**
   * The plaintext, in order. Each chunk of frames is authenticated before any of it is pushed;
   * a failure destroys the stream with the typed error.
   */
  readonly body: Readable;
  /** The same stream as a Web ReadableStream (use one or the other). */
  toWeb(): WebReadableStream<Uint8Array>;
  /** Reads the whole body into one buffer. */
  bytes(): Promise<Buffer>;
}

/** What `getToFile` returns. */
export interface GetToFileResult extends ObjectFacts {
  readonly encrypted: boolean;
  readonly path: string;
  readonly plaintextSize: number;
  readonly range: ByteRange;
  readonly bytesWritten: number;
}

/**
 * Client-side encrypted S3 objects.
 *
 * ```ts
 * const c = new EncryptedS3Client({ s3: { region: 'eu-west-1' }, kmsKeyIds: [keyArn] });
 * await c.put('bucket', 'key', { path: './big.bin' });
 * const { body } = await c.get('bucket', 'key');
 * ```
 */
export class EncryptedS3Client {
  /** The S3 client in use (built from `s3` settings, or the one passed). */
  readonly s3: S3Client;
  readonly #ctx: ClientContext;
  readonly #ownsS3: boolean;
  #kms: KmsClientPool | undefined;

  /**
   * @throws InsecureTransportError for an `http://` S3 or KMS endpoint or weakened TLS options;
   *   InvalidArgumentError for missing keys or bad options. No request is made.
   */
  constructor(options: EncryptedS3ClientOptions) {
    if (options === null || typeof options !== 'object')
      throw new InvalidArgumentError('options are required');
    const concurrency = checkInt('concurrency', options.concurrency, 1, 64) ?? DEFAULT_CONCURRENCY;
    const partSize =
      checkInt('partSize', options.partSize, MIN_PART_SIZE, 5 * 1024 ** 3) ?? DEFAULT_PART_SIZE;
    const downloadChunkSize =
      checkInt('downloadChunkSize', options.downloadChunkSize, 1, 1024 ** 3) ??
      DEFAULT_DOWNLOAD_CHUNK_SIZE;
    const checksumAlgorithm = options.checksumAlgorithm ?? DEFAULT_CHECKSUM_ALGORITHM;
    assertChecksumAlgorithm(checksumAlgorithm);

    if (options.s3 instanceof S3Client) {
      this.s3 = options.s3;
      this.#ownsS3 = false;
      enforceHttpsOnly(this.s3);
    } else if (options.s3 !== null && typeof options.s3 === 'object') {
      this.s3 = new S3Client(buildS3ClientConfig({ ...options.s3, concurrency }));
      this.#ownsS3 = true;
    } else {
      throw new InvalidArgumentError('s3 must be connection settings or an S3Client');
    }

    let keyring = options.keyring;
    if (keyring !== undefined && options.kmsKeyIds !== undefined) {
      throw new InvalidArgumentError('give keyring or kmsKeyIds, not both');
    }
    if (keyring === undefined) {
      const ids = options.kmsKeyIds;
      if (ids === undefined || ids.length === 0)
        throw new InvalidArgumentError('a keyring or kmsKeyIds is required');
      // One client per key Region (see KmsClientPool); closed by destroy().
      this.#kms = new KmsClientPool(options.kms);
      const clientProvider = this.#kms.provider;
      keyring = kmsKeyring({ generatorKeyId: ids[0]!, keyIds: ids.slice(1), clientProvider });
    }
    this.#ctx = {
      s3: this.s3,
      keyring,
      defaults: {
        concurrency,
        partSize,
        downloadChunkSize,
        frameLength: options.frameLength,
        checksumAlgorithm,
        commitmentPolicy: options.commitmentPolicy,
        maxEncryptedDataKeys: options.maxEncryptedDataKeys,
      },
    };
  }

  /**
   * Encrypts `source` and stores it: one PutObject when it fits in a part, otherwise a
   * parallel multipart upload of whole frames. See {@link PutOptions}.
   *
   * @returns the stored object's version, ETag, sizes, checksum and key ids.
   * @throws InvalidArgumentError (before any request), KeyUnwrapError, S3RequestError
   *   (ERR_S3ENC_OBJECT_EXISTS with `noOverwrite`), AbortError. A failed multipart upload is
   *   aborted before the error is thrown.
   */
  put(bucket: string, key: string, source: PutSource, options?: PutOptions): Promise<PutResult> {
    return putObject(this.#ctx, bucket, key, source, options);
  }

  /**
   * Opens an object for reading. Resolves once the header is parsed and the data key
   * unwrapped; the body then streams verified plaintext.
   *
   * @throws FormatError (ERR_S3ENC_NOT_ENCRYPTED unless `allowPlaintext`), KeyUnwrapError,
   *   S3RequestError, InvalidArgumentError (ERR_S3ENC_INVALID_RANGE). Later failures
   *   (IntegrityError, ERR_S3ENC_OBJECT_CHANGED when the object is overwritten mid-read)
   *   destroy `body`.
   */
  async get(bucket: string, key: string, options: GetOptions = {}): Promise<GetResult> {
    const onProgress = checkProgressListener(options.onProgress); // before any request
    const read = await prepareRead(this.#ctx, bucket, key, options);
    const gen = read.chunks();
    const total = read.range.end - read.range.start;
    const body = Readable.from(
      (async function* () {
        let done = 0;
        for await (const c of gen) {
          done += c.data.length;
          onProgress?.({ bytes: done, total });
          yield c.data;
        }
      })(),
      { objectMode: false, highWaterMark: 1 },
    );
    body.once('close', () => {
      // Stop fetching if the consumer goes away early, and drop the data key even if the
      // body was never read (a generator that never started runs no finally block).
      void gen.return(undefined).catch(() => undefined);
      read.close();
    });
    return {
      ...read.facts,
      encrypted: read.encrypted,
      header: read.header,
      plaintextSize: read.plaintextSize,
      range: read.range,
      body,
      toWeb: () => Readable.toWeb(body) as WebReadableStream<Uint8Array>,
      bytes: async () => {
        const parts: Buffer[] = [];
        for await (const c of body) parts.push(c as Buffer);
        return Buffer.concat(parts);
      },
    };
  }

  /**
   * Downloads to `path`: written under a temporary name in the same directory and renamed only
   * after every frame verified; on any failure the temporary file is removed and `path` is
   * left untouched.
   *
   * @throws as {@link get}, plus file-system errors.
   */
  async getToFile(
    bucket: string,
    key: string,
    path: string,
    options: GetOptions = {},
  ): Promise<GetToFileResult> {
    if (typeof path !== 'string' || path === '')
      throw new InvalidArgumentError('path must be a non-empty string');
    const onProgress = checkProgressListener(options.onProgress); // before any request
    const read = await prepareRead(this.#ctx, bucket, key, options, 'file');
    const tmp = join(
      dirname(path),
      `.${basename(path)}.s3enc-${randomBytes(6).toString('hex')}.tmp`,
    );
    let written = 0;
    try {
      const fh = await open(tmp, 'wx', 0o600);
      try {
        // Plaintext arrives in pieces of a frame or less; it goes to the file in batches of up to 8 MiB,
        // one writev each, reporting progress per batch written.
        const total = read.range.end - read.range.start;
        let batch: Buffer[] = [];
        let batchAt = 0;
        let batchBytes = 0;
        const flush = async () => {
          await writeAllAt(fh, batch, batchAt);
          written += batchBytes;
          batch = [];
          batchBytes = 0;
          onProgress?.({ bytes: written, total });
        };
        for await (const c of read.chunks()) {
          const at = c.offset - read.range.start;
          if (batchBytes > 0 && at !== batchAt + batchBytes) await flush();
          if (batchBytes === 0) batchAt = at;
          batch.push(c.data);
          batchBytes += c.data.length;
          if (batchBytes >= WRITE_BATCH) await flush();
        }
        if (batchBytes > 0) await flush();
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, path);
    } catch (err) {
      read.close();
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
    return {
      ...read.facts,
      encrypted: read.encrypted,
      path,
      plaintextSize: read.plaintextSize,
      range: read.range,
      bytesWritten: written,
    };
  }

  /**
   * Describes an object without unwrapping its data key: envelope (suite, frame length,
   * plaintext size, key ids, context), SSE, Object Lock, version. Plaintext objects are
   * reported with `encrypted: false`.
   *
   * @throws S3RequestError; FormatError for a malformed object carrying the s3enc marker.
   */
  head(bucket: string, key: string, options?: ReadOptions): Promise<HeadResult> {
    return headObject(this.#ctx, bucket, key, options);
  }

  /** Closes the S3 and KMS clients this client created (never clients you passed in). */
  destroy(): void {
    if (this.#ownsS3) this.s3.destroy();
    this.#kms?.destroy();
  }
}
