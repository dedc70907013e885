// Shared types of the test environment. No runtime imports here.

/** Static credentials of a test server. */
export interface TestCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** A symmetric KMS key seeded for the run (or named by S3ENC_TEST_KMS_KEY_ID*). */
export interface TestKmsKey {
  /** Key id as the tests should pass it to KMS (a key id or ARN). */
  keyId: string;
  /** Full key ARN (what a KMS keyring records). */
  arn: string;
  /** `alias/...` name, or '' when unknown (external KMS given only a key id). */
  alias: string;
}

/** How the servers of a run were provided. */
export type TestRuntimeKind = 'process' | 'container' | 'external';

/** Everything a test needs to reach the run's S3 and KMS. Plain data (JSON-serialisable). */
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
  /** Where the local servers run: 'process', 'container', or 'external' when none was started
   * (when only one side is external, the runtime of the other side). */
  runtime?: TestRuntimeKind;
}
