/**
 * Names and numbers of the Amazon S3 Encryption Client (S3EC) formats, as the published
 * specification (aws-encryption-sdk-specification, s3-encryption/data-format/) and the
 * official clients write them. Metadata keys are shown without S3's `x-amz-meta-` prefix.
 * See docs/s3ec.md.
 */

/** V1 and V2: the encrypted data key (V1 `x-amz-key`, V2 `x-amz-key-v2`). */
export const KEY_V1 = 'x-amz-key';
export const KEY_V2 = 'x-amz-key-v2';
/** V2: the wrapping algorithm (`kms`, `kms+context`, `AES/GCM`, `AESWrap`, `RSA-OAEP-SHA1`, …). */
export const WRAP_ALG = 'x-amz-wrap-alg';
/** V1/V2: material description (raw keys) or KMS encryption context (KMS), a JSON object. */
export const MATDESC = 'x-amz-matdesc';
export const IV = 'x-amz-iv';
/** V2: content algorithm (`AES/GCM/NoPadding`, `AES/CBC/PKCS5Padding`). */
export const CEK_ALG = 'x-amz-cek-alg';
export const TAG_LEN = 'x-amz-tag-len';
export const UNENCRYPTED_LENGTH = 'x-amz-unencrypted-content-length';
/** Set (empty) on an instruction file object by the writers. */
export const INSTRUCTION_FILE_MARKER = 'x-amz-crypto-instr-file';

/** V3 compressed keys. */
export const CONTENT_CIPHER_V3 = 'x-amz-c';
export const KEY_V3 = 'x-amz-3';
export const MATDESC_V3 = 'x-amz-m';
export const CONTEXT_V3 = 'x-amz-t';
export const WRAP_ALG_V3 = 'x-amz-w';
export const COMMITMENT_V3 = 'x-amz-d';
export const MESSAGE_ID_V3 = 'x-amz-i';

/** Keys only V1/V2 metadata may carry. */
export const V1V2_KEYS: readonly string[] = [
  KEY_V1,
  KEY_V2,
  WRAP_ALG,
  MATDESC,
  IV,
  CEK_ALG,
  TAG_LEN,
  UNENCRYPTED_LENGTH,
];
/** Keys only V3 metadata may carry. */
export const V3_KEYS: readonly string[] = [
  CONTENT_CIPHER_V3,
  KEY_V3,
  MATDESC_V3,
  CONTEXT_V3,
  WRAP_ALG_V3,
  COMMITMENT_V3,
  MESSAGE_ID_V3,
];
/** V3 keys that stay on the object when the rest is in an instruction file. */
export const V3_OBJECT_ONLY_KEYS: readonly string[] = [
  CONTENT_CIPHER_V3,
  COMMITMENT_V3,
  MESSAGE_ID_V3,
];
/** V3 keys an instruction file carries. */
export const V3_INSTRUCTION_KEYS: readonly string[] = [KEY_V3, WRAP_ALG_V3, MATDESC_V3, CONTEXT_V3];

/** Content algorithms. */
export const AES_GCM = 'AES/GCM/NoPadding';
export const AES_CBC = 'AES/CBC/PKCS5Padding';
/** V3's only content algorithm: ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY, suite id 0x0073. */
export const SUITE_V3 = 0x0073;
export const SUITE_V3_STRING = '115';

/** The KMS encryption context key that binds the content algorithm (V2 `kms+context`, V3). */
export const CONTEXT_CEK_ALG = 'aws:x-amz-cek-alg';
/** The key the V1-era KMS writer puts into the material description (its KMS key id). */
export const CONTEXT_KMS_CMK_ID = 'kms_cmk_id';

/** Wrapping algorithms, by the name V2 metadata uses. */
export const WRAP_KMS = 'kms';
export const WRAP_KMS_CONTEXT = 'kms+context';
export const WRAP_AES_GCM = 'AES/GCM';
export const WRAP_AES_WRAP = 'AESWrap';
export const WRAP_RSA_OAEP_SHA1 = 'RSA-OAEP-SHA1';
/** Legacy (Java SDK v1, AuthenticatedEncryption with RSA): OAEP SHA-256 label hash, MGF1-SHA-1. */
export const WRAP_RSA_OAEP_SHA256 = 'RSA/ECB/OAEPWithSHA-256AndMGF1Padding';
/** Two legacy wraps have no name in metadata: true V1 `x-amz-key` objects. */
export const WRAP_AES_ECB = 'AES';
export const WRAP_RSA_PKCS1 = 'RSA';

/** V3's two-digit wrapping algorithm codes. */
export const V3_WRAP_CODES: Readonly<Record<string, string>> = Object.freeze({
  '02': WRAP_AES_GCM,
  '12': WRAP_KMS_CONTEXT,
  '22': WRAP_RSA_OAEP_SHA1,
});

/** The default instruction file suffix (`<key>.instruction`). */
export const DEFAULT_INSTRUCTION_FILE_SUFFIX = '.instruction';

/** Sizes (bytes). */
export const DATA_KEY_LENGTH = 32;
export const GCM_IV_LENGTH = 12;
export const CBC_IV_LENGTH = 16;
export const GCM_TAG_LENGTH = 16;
export const AES_BLOCK = 16;
export const V3_MESSAGE_ID_LENGTH = 28;
export const V3_COMMITMENT_LENGTH = 28;
/** GCM: at most 2³² − 2 blocks of plaintext under one key and IV (NIST SP 800-38D). */
export const GCM_MAX_PLAINTEXT = 2 ** 36 - 32;
/** S3's largest object (5 TiB): no body can be larger. */
export const S3_MAX_OBJECT_SIZE = 5 * 2 ** 40;
/** A KMS ciphertext blob is at most 6144 bytes; RSA-16384 wraps into 2048. */
export const MAX_ENCRYPTED_DATA_KEY = 6144;
/** KMS limits an encryption context to 8192 bytes; JSON escaping can double it. */
export const MAX_JSON_MAP_TEXT = 16 * 1024;
/** Largest instruction file read (its data key, algorithm names and context). */
export const MAX_INSTRUCTION_FILE = 64 * 1024;
/** Largest single metadata value (S3 caps all user metadata at 2 KB; instruction files hold more). */
export const MAX_METADATA_VALUE = MAX_JSON_MAP_TEXT;
