export * from './errors.js';
export * from './sizes.js';
export * from './types.js';
export * from './checksum.js';
export { parseHeader, describeMessage } from './header.js';
export {
  beginEncryption,
  SUITE_ID,
  DEFAULT_MAX_ENCRYPTED_DATA_KEYS,
  type BeginEncryptionOptions,
} from './encrypt-session.js';
export { beginDecryption, type BeginDecryptionOptions } from './decrypt-session.js';
export * from './decrypt-range.js';
export * from './encrypt-stream.js';
export * from './decrypt-stream.js';
export * from './keyrings.js';
export { enforceHttpsOnly, hasMiddlewareStack, type WithMiddlewareStack } from './https-only.js';
export type { ByteSource } from './byte-source.js';

// Amazon S3 Encryption Client formats (docs/s3ec.md).
export * from './s3ec/index.js';
