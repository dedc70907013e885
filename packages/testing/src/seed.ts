// The fixed identity of the local servers: region, account, MinIO root user, and the KMS keys
// seeded into every fresh local-kms database.
import type { TestCredentials, TestKmsKey } from './types.js';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT_ID = '111122223333';
export const MINIO_ROOT_USER = 's3enc-test-root';
export const MINIO_ROOT_PASSWORD = 's3enc-test-root-secret-0123456789';
/** local-kms does not check signatures; any credentials do. */
export const LOCAL_KMS_CREDENTIALS: TestCredentials = {
  accessKeyId: 'AKIAS3ENCLOCALKMS000',
  secretAccessKey: 'local-kms-does-not-check-signatures',
};

// Test-only key material (a fresh local-kms database is made for every run).
const SEED_KEYS = [
  {
    name: 'primary',
    keyId: '8f3c2a6e-1b4d-4e8a-9c2f-5a7b9d1e3f01',
    alias: 'alias/s3enc-test-primary',
    backingKey: '5cdaead27fe7da2de47945d73cd6d79e36494e73802f3cd3869f1d2cb0b5d7a9',
  },
  {
    name: 'secondary',
    keyId: '2d4f6a8c-0e1b-4c3d-8e5f-7a9b1c3d5e02',
    alias: 'alias/s3enc-test-secondary',
    backingKey: '34743777217a25432a46294a404e635266556a586e3272357538782f413f4428',
  },
] as const;

function localKey(k: (typeof SEED_KEYS)[number]): TestKmsKey {
  return {
    keyId: k.keyId,
    arn: `arn:aws:kms:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:key/${k.keyId}`,
    alias: k.alias,
  };
}

/** The two seeded keys as the tests see them. */
export const LOCAL_KMS_KEYS = {
  primary: localKey(SEED_KEYS[0]),
  secondary: localKey(SEED_KEYS[1]),
};

/** local-kms seed file (KMS_SEED_PATH) holding both keys and their aliases. */
export function seedYaml(): string {
  const keys = SEED_KEYS.map(
    (k) =>
      `      - Metadata:\n          KeyId: ${k.keyId}\n          Description: s3enc test ${k.name} key\n` +
      `        BackingKeys:\n          - ${k.backingKey}\n`,
  ).join('');
  const aliases = SEED_KEYS.map(
    (k) => `  - AliasName: ${k.alias}\n    TargetKeyId: ${k.keyId}\n`,
  ).join('');
  return `Keys:\n  Symmetric:\n    Aes:\n${keys}\nAliases:\n${aliases}`;
}
