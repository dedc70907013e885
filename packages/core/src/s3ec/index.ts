/** The Amazon S3 Encryption Client formats (V1, V2, V3): read, verify, write V3. See docs/s3ec.md. */
export {
  detectS3ec,
  parseS3ecMetadata,
  type ParseS3ecMetadataOptions,
  type S3ecContentAlgorithm,
  type S3ecDetection,
  type S3ecFormat,
  type S3ecMetadata,
  type S3ecMetadataLocation,
  type S3ecWrapAlgorithm,
} from './metadata.js';
export { describeS3ec, type S3ecDescription } from './describe.js';
export {
  unwrapS3ecDataKey,
  type S3ecKeys,
  type S3ecKmsKeys,
  type S3ecUnwrapOptions,
} from './key-unwrap.js';
export {
  createS3ecBodyDecryptor,
  type S3ecBodyDecryptor,
  type S3ecBodyDecryptorOptions,
  type S3ecPlaintextSink,
} from './body-decryptor.js';
export { s3ecCiphertextSize, s3ecPlaintextBounds } from './body-size.js';
export {
  beginS3ecV3Encryption,
  type BeginS3ecV3EncryptionOptions,
  type S3ecV3Encryption,
  type S3ecV3WriteKey,
} from './v3-writer.js';
export {
  checkInstructionFileSuffix,
  instructionFileKey,
  INSTRUCTION_FILE_OBJECT_METADATA,
} from './instruction-file.js';
export { DEFAULT_INSTRUCTION_FILE_SUFFIX } from './constants.js';
export { s3ecKmsKeysOf } from './keyring-kms-keys.js';
