/**
 * `EncryptedS3Client`: client-side envelope encryption over TLS-only, parallel S3 transfers.
 * This file only wires options together; the engines are in transfer/ (upload/, download/).
 */
import { S3Client } from '@aws-sdk/client-s3';
import type { KMSClient } from '@aws-sdk/client-kms';
import {
  DEFAULT_CHECKSUM_ALGORITHM,
  InvalidArgumentError,
  assertChecksumAlgorithm,
  kmsKeyring,
  legacyRawKeyName,
  RAW_KEY_NAMESPACE,
  rawAesKeyring,
  rawKeyName,
  s3ecKmsKeysOf,
  MAX_CONCURRENCY,
  MIN_CONCURRENCY,
  S3_MAX_PART_SIZE,
  type ChecksumAlgorithm,
  type CommitmentPolicy,
  type Keyring,
} from '@s3enc/core';
import {
  checkInt,
  DEFAULT_CONCURRENCY,
  DEFAULT_DOWNLOAD_CHUNK_SIZE,
  DEFAULT_PART_SIZE,
  MIN_PART_SIZE,
  type ClientContext,
} from './context.js';
import { KmsClientPool } from './kms-clients.js';
import type { GetOptions, ReadOptions } from './transfer/download/read-options.js';
import { getObjectToFile, type GetToFileResult } from './transfer/download/to-file.js';
import { getObjectStream, type GetResult } from './transfer/download/to-stream.js';
import { headObject, type HeadResult } from './transfer/head.js';
import { convertObject, type ConvertOptions, type ConvertResult } from './transfer/convert.js';
import { putResumable } from './transfer/upload/resume/resumable-put.js';
import { putObject } from './transfer/upload/put-object.js';
import type { PutOptions, PutResult } from './transfer/upload/put-options.js';
import type { PutSource } from './transfer/upload/sources.js';
import { rewrapWith } from './rewrap/rewrap-object.js';
import type { RewrapOptions, RewrapResult } from './rewrap/rewrap-options.js';
import { buildS3ClientConfig, type TransportOptions } from './transport/client-config.js';
import { enforceHttpsOnly } from './transport/https-only.js';
import {
  s3ecSettings,
  wipeS3ecSettings,
  type S3ecOptions,
} from './transfer/formats/s3ec/settings.js';

export type { GetResult, GetToFileResult };

/** S3 connection settings (an `http://` endpoint is refused), or an S3Client you built. */
export type S3Input = S3Client | Omit<TransportOptions, 'concurrency'>;

/** Options of {@link EncryptedS3Client}. Give `keyring`, `kmsKeyIds`, or only `s3ec.aesKey`. */
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
  /**
   * Reading (and writing V3 of) the Amazon S3 Encryption Client formats: instruction file
   * suffix, raw AES / RSA keys, and the options that loosen the defaults (docs/s3ec.md). KMS
   * keys come from `kmsKeyIds` or the KMS keyring(s) given as `keyring`.
   */
  s3ec?: S3ecOptions | undefined;
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
    const concurrency =
      checkInt('concurrency', options.concurrency, MIN_CONCURRENCY, MAX_CONCURRENCY) ??
      DEFAULT_CONCURRENCY;
    const partSize =
      checkInt('partSize', options.partSize, MIN_PART_SIZE, S3_MAX_PART_SIZE) ?? DEFAULT_PART_SIZE;
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
    const aesOnly =
      keyring === undefined &&
      (options.kmsKeyIds === undefined || options.kmsKeyIds.length === 0) &&
      options.s3ec?.aesKey !== undefined;
    if (aesOnly) {
      // Only a raw AES key: it is the s3enc keyring too, named as the CLI names a key file's
      // key (RAW_KEY_NAMESPACE / rawKeyName), so `--key-file` and `s3ec.aesKey` read each
      // other's objects.
      const key = options.s3ec!.aesKey!;
      keyring = rawAesKeyring({
        key,
        keyName: rawKeyName(key),
        keyNamespace: RAW_KEY_NAMESPACE,
        legacyKeyNames: [legacyRawKeyName(key)],
      });
    } else if (keyring === undefined) {
      const ids = options.kmsKeyIds;
      if (ids === undefined || ids.length === 0)
        throw new InvalidArgumentError('a keyring, kmsKeyIds or s3ec.aesKey is required');
      // One client per key Region (see KmsClientPool); closed by destroy().
      this.#kms = new KmsClientPool(options.kms);
      const clientProvider = this.#kms.provider;
      keyring = kmsKeyring({ generatorKeyId: ids[0]!, keyIds: ids.slice(1), clientProvider });
    }
    this.#ctx = {
      s3: this.s3,
      keyring,
      // kmsKeyring / kmsDiscoveryKeyring / multiKeyring record their KMS keys and clients:
      // S3EC objects are unwrapped by the same keys, through the same https-only clients.
      formatSettings: { s3ec: s3ecSettings(options.s3ec, s3ecKmsKeysOf(keyring)) },
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
   *   aborted before the error is thrown — unless `resumeStatePath` keeps it for a resumed run.
   */
  put(bucket: string, key: string, source: PutSource, options?: PutOptions): Promise<PutResult> {
    if (options?.resumeStatePath !== undefined)
      return putResumable(this.#ctx, bucket, key, source, options);
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
  get(bucket: string, key: string, options: GetOptions = {}): Promise<GetResult> {
    return getObjectStream(this.#ctx, bucket, key, options);
  }

  /**
   * Downloads to `path`: written under a temporary name in the same directory and renamed only
   * after every frame verified; on any failure the temporary file is removed and `path` is
   * left untouched.
   *
   * @throws as {@link get}, plus file-system errors.
   */
  getToFile(
    bucket: string,
    key: string,
    path: string,
    options: GetOptions = {},
  ): Promise<GetToFileResult> {
    return getObjectToFile(this.#ctx, bucket, key, path, options);
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

  /**
   * Changes the keys that wrap an object's data key without re-encrypting its body: a new
   * version with a new header (same message id and data key, the keys asked for) followed by the
   * old frames, copied server side. Only the new header and about 5 MiB of the body are uploaded.
   * The data key is unwrapped with the client's keyring unless `decryptKeyring` is given. See
   * {@link RewrapOptions} and docs/key-rotation.md.
   *
   * @returns `rewrapped`, `unchanged` (already wrapped as asked; nothing written) or, with
   *   `dryRun`, `would-rewrap`; with the bytes uploaded, downloaded and copied.
   * @throws InvalidArgumentError, FormatError (ERR_S3ENC_REWRAP_UNSUPPORTED …), KeyUnwrapError,
   *   IntegrityError, S3RequestError (ERR_S3ENC_REWRAP_NOT_CURRENT, ERR_S3ENC_OBJECT_CHANGED,
   *   ERR_S3ENC_REWRAP_OBJECT_LOCK …), AbortError. A failed multipart upload is aborted; the
   *   source version is never deleted.
   */
  rewrap(bucket: string, key: string, options: RewrapOptions): Promise<RewrapResult> {
    const d = this.#ctx.defaults;
    return rewrapWith(
      {
        s3: this.s3,
        keyring: this.#ctx.keyring,
        concurrency: d.concurrency,
        maxEncryptedDataKeys: d.maxEncryptedDataKeys,
      },
      bucket,
      key,
      options,
    );
  }

  /**
   * Rewrites an Amazon S3 Encryption Client object (V1/V2/V3, verified whole first) in the
   * s3enc format as a new version of the same key — user metadata, content type, tags, SSE and
   * Object Lock retention kept, the source version never deleted, the write conditional on the
   * source's ETag. s3enc and plaintext objects are reported `skipped`. See docs/s3ec.md.
   *
   * @throws as {@link getToFile} for the source; InvalidArgumentError
   *   (ERR_S3ENC_CONVERT_UNVERSIONED) in a bucket without versioning unless
   *   `allowUnversionedOverwrite`; S3RequestError (ERR_S3ENC_OBJECT_CHANGED) when the source
   *   changed while it was converted (nothing written).
   */
  convertObject(bucket: string, key: string, options?: ConvertOptions): Promise<ConvertResult> {
    return convertObject(this.#ctx, bucket, key, options);
  }

  /** Closes the S3 and KMS clients this client created (never clients you passed in). */
  destroy(): void {
    if (this.#ctx.formatSettings !== undefined) wipeS3ecSettings(this.#ctx.formatSettings.s3ec);
    if (this.#ownsS3) this.s3.destroy();
    this.#kms?.destroy();
  }
}
