// The public API of @s3enc/core: explicit lists, so nothing internal leaks (STYLE.md).

export {
  S3EncError,
  InvalidArgumentError,
  InsecureTransportError,
  FormatError,
  KeyUnwrapError,
  IntegrityError,
  S3RequestError,
  AbortError,
  errorFamilyOf,
  exitClassOfError,
} from './errors.js';
export {
  ERROR_CODES,
  FAMILY_EXIT,
  exitClassOf,
  isErrorCode,
  type ErrorCode,
  type ErrorCodeRow,
  type ErrorFamily,
  type ExitClass,
} from './error-codes/index.js';
export {
  FRAME_OVERHEAD,
  FINAL_FRAME_OVERHEAD,
  DEFAULT_FRAME_LENGTH,
  regularFrameCount,
  ciphertextSize,
  plaintextSize,
  frameOffset,
  frameCounts,
  frameRangeFor,
  planParts,
  type ByteRange,
  type MessageLayout,
  type FrameRange,
  type PartPlan,
  type PlanPartsOptions,
  type PlaintextSizeOptions,
  type SizeSource,
} from './sizes.js';
export type {
  Keyring,
  EncryptionContext,
  CommitmentPolicy,
  EncryptedDataKeyInfo,
  HeaderInfo,
  EncryptionSession,
  OpenedFrames,
  OpenedFrameChunks,
  DecryptionSession,
} from './types.js';
export {
  CHECKSUM_ALGORITHMS,
  DEFAULT_CHECKSUM_ALGORITHM,
  assertChecksumAlgorithm,
  createChecksum,
  checksumOf,
  supportsChecksumType,
  defaultChecksumType,
  combinePartChecksums,
  computeS3Checksum,
  verifyFileChecksum,
  type ChecksumAlgorithm,
  type ChecksumType,
  type Checksum,
  type PartDigest,
  type S3Checksum,
  type ChecksumSource,
  type ComputeS3ChecksumOptions,
  type ObjectAttributesLike,
  type ChecksumVerification,
} from './checksum.js';
export {
  MAX_FRAME_LENGTH,
  MAX_FRAME_SEQ,
  MAX_SAFE_SIZE,
  DEFAULT_MAX_ENCRYPTED_DATA_KEYS,
  MAX_HEADER_BYTES,
  RESERVED_CONTEXT_KEY_PREFIX,
  S3_MAX_OBJECT_SIZE,
  S3_MAX_PARTS,
  S3_MIN_PART_SIZE,
  S3_MAX_PART_SIZE,
  MIN_CONCURRENCY,
  MAX_CONCURRENCY,
  SDK_MAX_ATTEMPTS,
  READ_ATTEMPTS,
  REQUEST_ATTEMPTS,
  ABORT_ATTEMPTS,
  RETRY_BASE_DELAY_MS,
  MAX_RETRY_DELAY_MS,
} from './limits.js';
export { parseHeader, describeMessage, type ParseHeaderOptions } from './header.js';
export { beginEncryption, SUITE_ID, type BeginEncryptionOptions } from './encrypt-session.js';
export { resumeEncryption, type ResumeEncryptionOptions } from './resume-encryption.js';
export {
  rewrapHeader,
  type RewrapHeaderOptions,
  type RewrappedHeader,
} from './rewrap/header-rebuild.js';
export { beginDecryption, type BeginDecryptionOptions } from './decrypt-session.js';
export { decryptRange } from './decrypt-range.js';
export { encryptStream, type EncryptStreamOptions } from './encrypt-stream.js';
export { decryptStream, type DecryptStreamOptions } from './decrypt-stream.js';
export {
  kmsKeyring,
  kmsDiscoveryKeyring,
  multiKeyring,
  type KmsClientLike,
  type KmsClientProvider,
  type KmsKeyringOptions,
  type KmsDiscoveryKeyringOptions,
} from './keyrings.js';
export { rawAesKeyring, type RawAesKeyringOptions } from './raw-aes-keyring.js';
export {
  decodeKey256,
  wipe,
  rawKeyName,
  legacyRawKeyName,
  RAW_KEY_NAMESPACE,
  KEY_LENGTH,
  type KeyEncoding,
  type DecodeKeyOptions,
} from './key-material.js';
export { enforceHttpsOnly, hasMiddlewareStack, type WithMiddlewareStack } from './https-only.js';
export { FORBIDDEN_TLS_OPTIONS, assertNoWeakening } from './tls-options.js';
export type { ByteSource } from './byte-source.js';

// Amazon S3 Encryption Client formats (docs/s3ec.md).
export {
  detectS3ec,
  parseS3ecMetadata,
  describeS3ec,
  unwrapS3ecDataKey,
  createS3ecBodyDecryptor,
  s3ecCiphertextSize,
  s3ecPlaintextBounds,
  beginS3ecV3Encryption,
  checkInstructionFileSuffix,
  instructionFileKey,
  INSTRUCTION_FILE_OBJECT_METADATA,
  DEFAULT_INSTRUCTION_FILE_SUFFIX,
  s3ecKmsKeysOf,
  type ParseS3ecMetadataOptions,
  type S3ecContentAlgorithm,
  type S3ecDetection,
  type S3ecFormat,
  type S3ecMetadata,
  type S3ecMetadataLocation,
  type S3ecWrapAlgorithm,
  type S3ecDescription,
  type S3ecKeys,
  type S3ecKmsKeys,
  type S3ecUnwrapOptions,
  type S3ecBodyDecryptor,
  type S3ecBodyDecryptorOptions,
  type S3ecPlaintextSink,
  type BeginS3ecV3EncryptionOptions,
  type S3ecV3Encryption,
  type S3ecV3WriteKey,
} from './s3ec/index.js';
