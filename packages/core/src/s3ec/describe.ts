/** What `head` shows of an S3EC object, from its metadata alone (no key is unwrapped). */
import * as K from './constants.js';
import type {
  S3ecContentAlgorithm,
  S3ecFormat,
  S3ecMetadata,
  S3ecMetadataLocation,
  S3ecWrapAlgorithm,
} from './metadata.js';

/** A description of an S3EC object. Nothing secret: no key bytes. */
export interface S3ecDescription {
  readonly format: S3ecFormat;
  readonly metadataVersion: 1 | 2 | 3;
  readonly metadataLocation: S3ecMetadataLocation;
  readonly contentAlgorithm: S3ecContentAlgorithm;
  readonly wrapAlgorithm: S3ecWrapAlgorithm;
  /** False for AES/CBC content (no authentication; needs allowUnauthenticatedLegacyContent). */
  readonly authenticated: boolean;
  /** True for AESWrap, AES/ECB, RSA PKCS#1 v1.5 and Java's OAEP-SHA-256 envelopes (need allowLegacyKeyWrapping). */
  readonly legacyKeyWrapping: boolean;
  /** True for V3 (the data key is committed). */
  readonly keyCommitting: boolean;
  /** The KMS key the writer named (`kms_cmk_id` of the V1-era KMS material description), if any. */
  readonly kmsKeyId: string | undefined;
  /** KMS wraps: the encryption context. */
  readonly encryptionContext: Readonly<Record<string, string>>;
  /** Raw-key wraps: the material description. */
  readonly materialDescription: Readonly<Record<string, string>>;
}

/** Describes parsed S3EC metadata. Never throws. */
export function describeS3ec(m: S3ecMetadata): S3ecDescription {
  return Object.freeze({
    format: m.format,
    metadataVersion: m.metadataVersion,
    metadataLocation: m.location,
    contentAlgorithm: m.contentAlgorithm,
    wrapAlgorithm: m.wrapAlgorithm,
    authenticated: m.contentAlgorithm !== K.AES_CBC,
    legacyKeyWrapping:
      m.wrapAlgorithm === K.WRAP_AES_WRAP ||
      m.wrapAlgorithm === K.WRAP_AES_ECB ||
      m.wrapAlgorithm === K.WRAP_RSA_PKCS1 ||
      m.wrapAlgorithm === K.WRAP_RSA_OAEP_SHA256,
    keyCommitting: m.contentAlgorithm === K.SUITE_V3_STRING,
    kmsKeyId: m.encryptionContext[K.CONTEXT_KMS_CMK_ID],
    encryptionContext: { ...m.encryptionContext },
    materialDescription: { ...m.materialDescription },
  });
}
