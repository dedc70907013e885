/**
 * What `head` reports about an encrypted object's envelope, read without any key.
 * One member per format: a format adds its own description to {@link EnvelopeDescription}.
 */
import type { EncryptionContext } from '@s3enc/core';

/** The envelope of an AWS Encryption SDK message (the s3enc default format). */
export interface AwsEncryptionSdkEnvelope {
  /** 'aws-encryption-sdk' (message format version in `formatVersion`). */
  readonly format: 'aws-encryption-sdk';
  readonly formatVersion: number;
  readonly suiteId: number;
  readonly suiteName: string;
  readonly messageId: string;
  readonly frameLength: number;
  readonly headerLength: number;
  readonly frames: number;
  readonly plaintextSize: number;
  /** Stored bytes (for a signed suite, the signature footer included). */
  readonly ciphertextSize: number;
  /** KMS key ARNs (or raw key names) that wrapped the data key. */
  readonly keyIds: readonly string[];
  readonly encryptionContext: EncryptionContext;
  readonly committing: boolean;
  readonly signed: boolean;
}

/** The envelope of an Amazon S3 Encryption Client object (docs/s3ec.md), read without any key. */
export interface S3ecEnvelope {
  /** The generation of client that wrote it: `s3ec-v1` (V1-era, SES), `s3ec-v2`, `s3ec-v3`. */
  readonly format: 's3ec-v1' | 's3ec-v2' | 's3ec-v3';
  /** The specification's metadata version by key names (1 `x-amz-key`, 2 `x-amz-key-v2`, 3 `x-amz-c`). */
  readonly metadataVersion: 1 | 2 | 3;
  readonly metadataLocation: 'object' | 'instruction-file';
  /** The instruction file's key, when the metadata (or part of it) is there. */
  readonly instructionFileKey: string | undefined;
  /** `AES/GCM/NoPadding`, `AES/CBC/PKCS5Padding` or `115` (V3). */
  readonly contentAlgorithm: string;
  /** `kms`, `kms+context`, `AES/GCM`, `RSA-OAEP-SHA1`, `AESWrap`, `AES`, `RSA`, … */
  readonly wrapAlgorithm: string;
  /** False for AES/CBC content (read only with allowUnauthenticatedLegacyContent). */
  readonly authenticated: boolean;
  /** True for wraps read only with allowLegacyKeyWrapping. */
  readonly legacyKeyWrapping: boolean;
  /** True for V3 (the data key is committed). */
  readonly committing: boolean;
  /** V3: the message id (`x-amz-i`), hex; undefined for V1/V2. */
  readonly messageId: string | undefined;
  /** KMS keys the metadata names (the V1-era `kms_cmk_id`); other wraps name none. */
  readonly keyIds: readonly string[];
  /** KMS wraps: the encryption context sent to KMS. */
  readonly encryptionContext: EncryptionContext;
  /** Raw-key wraps: the material description. */
  readonly materialDescription: EncryptionContext;
  /** Plaintext bytes; for CBC only when the metadata states it (otherwise known after reading). */
  readonly plaintextSize: number | undefined;
  readonly ciphertextSize: number;
}

/** The envelope of an encrypted object, read without any key: one member per format. */
export type EnvelopeDescription = AwsEncryptionSdkEnvelope | S3ecEnvelope;
