/**
 * Which KMS keys (and clients) a keyring made by `kmsKeyring`, `kmsDiscoveryKeyring` or
 * `multiKeyring` uses, so an S3EC reader can ask the same keys through the same https-only
 * clients: S3EC objects wrap their data key with a bare KMS Decrypt, not through the AWS
 * Encryption SDK keyring interface. Nothing secret is kept.
 */
import type { Keyring } from '../types.js';
import type { S3ecKmsKeys } from './kms-types.js';

const registry = new WeakMap<object, readonly S3ecKmsKeys[]>();

/** Records the KMS keys behind a keyring this library built. */
export function rememberS3ecKmsKeys(keyring: Keyring, keys: readonly S3ecKmsKeys[]): void {
  registry.set(keyring, Object.freeze([...keys]));
}

/**
 * The KMS keys behind `keyring` (strict key ids or discovery, with their clients), in the
 * order the keyring would try them, or an empty list for a keyring this library did not build
 * or one without KMS keys (raw AES).
 */
export function s3ecKmsKeysOf(keyring: Keyring | undefined): readonly S3ecKmsKeys[] {
  if (keyring === undefined) return [];
  return registry.get(keyring) ?? [];
}
