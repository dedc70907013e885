// Shared types of the test environment. No runtime imports here, so this file can be loaded
// anywhere (vitest workers, globalSetup, plain `tsx` scripts).

export interface TestCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface TestKmsKey {
  /** Key id as the tests should pass it to KMS (a key id or ARN). */
  keyId: string;
  /** Full key ARN (what a KMS keyring records). */
  arn: string;
  /** `alias/...` name, or '' when unknown (external KMS given only a key id). */
  alias: string;
}

export interface TestEnv {
  s3: {
    endpoint: string;
    region: string;
    credentials: TestCredentials;
    forcePathStyle: boolean;
  };
  kms: {
    endpoint: string;
    region: string;
    credentials: TestCredentials;
  };
  /** PEM of the CA that signed the servers' certificates ('' = use the system trust store). */
  ca: string;
  /** Path of that PEM file ('' when ca is ''). */
  caPath: string;
  kmsKeys: { primary: TestKmsKey; secondary: TestKmsKey };
  /** True when pointed at existing servers by S3ENC_TEST_* variables. */
  external: boolean;
}

declare module 'vitest' {
  export interface ProvidedContext {
    s3encTestEnv: TestEnv;
  }
}
