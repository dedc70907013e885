export {
  start,
  stop,
  runtimeChoice,
  type RuntimeChoice,
  type StartOptions,
  type TestKit,
} from './start.js';
export { testEnv, publishTestEnv, TEST_ENV_VARIABLE } from './test-env.js';
export { encryptedClientOptions, cliEnvironment } from './client-config.js';
export {
  createTestBucket,
  emptyAndDeleteBucket,
  kitS3Client,
  type TestBucket,
  type TestBucketOptions,
} from './buckets.js';
export type { ImageOptions } from './images.js';
export { containerEngineReachable } from './container-runtime.js';
export { makeCerts, type CertOptions, type TestCerts } from './certs.js';
export { startTlsProxy, type TlsProxy } from './tls-proxy.js';
export { cacheDir, localKmsBinary, minioBinary } from './binaries.js';
export {
  LOCAL_KMS_VERSION,
  MINIO_VERSION,
  OFFICIAL_MINIO_IMAGE,
  SERVERS_BUILD,
} from './versions.js';
export {
  LOCAL_ACCOUNT_ID,
  LOCAL_KMS_KEYS,
  LOCAL_REGION,
  MINIO_ROOT_PASSWORD,
  MINIO_ROOT_USER,
} from './seed.js';
export type { TestCredentials, TestEnv, TestKmsKey, TestRuntimeKind } from './types.js';
