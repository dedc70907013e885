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

/** The envelope of an s3enc object, read without any key. */
export type EnvelopeDescription = AwsEncryptionSdkEnvelope;
