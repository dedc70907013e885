// What users plug into their code under test: EncryptedS3Client options and the CLI's
// environment variables, both pointing at the run's servers and trusting the run's CA.
import type { EncryptedS3ClientOptions } from '@s3enc/node';
import type { TestEnv } from './types.js';

/**
 * Options for `new EncryptedS3Client(...)`: the run's S3 and KMS, data keys from the primary
 * seeded key (override with `kmsKeyIds`), the run's CA trusted.
 */
export function encryptedClientOptions(
  env: TestEnv,
  o: { kmsKeyIds?: readonly string[] } = {},
): EncryptedS3ClientOptions {
  const ca = env.ca || undefined;
  // Copies: the AWS SDK annotates the credential objects it is given.
  return {
    s3: {
      endpoint: env.s3.endpoint,
      region: env.s3.region,
      credentials: { ...env.s3.credentials },
      forcePathStyle: env.s3.forcePathStyle,
      ca,
    },
    kmsKeyIds: o.kmsKeyIds ?? [env.kmsKeys.primary.arn],
    kms: {
      endpoint: env.kms.endpoint,
      region: env.kms.region,
      credentials: { ...env.kms.credentials },
      ca,
    },
  };
}

/**
 * Environment variables that point the `s3enc` CLI (and the AWS SDKs/CLI) at the run:
 * credentials, region, endpoints, CA bundle, and S3ENC_KMS_KEY_ID = the primary key.
 * Merge them over a minimal environment (no profile files) when spawning the CLI.
 */
export function cliEnvironment(env: TestEnv): Record<string, string> {
  const out: Record<string, string> = {
    AWS_ACCESS_KEY_ID: env.s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: env.s3.credentials.secretAccessKey,
    AWS_REGION: env.s3.region,
    AWS_ENDPOINT_URL_S3: env.s3.endpoint,
    AWS_ENDPOINT_URL_KMS: env.kms.endpoint,
    S3ENC_KMS_KEY_ID: env.kmsKeys.primary.arn,
  };
  if (env.s3.credentials.sessionToken) out.AWS_SESSION_TOKEN = env.s3.credentials.sessionToken;
  if (env.caPath) out.AWS_CA_BUNDLE = env.caPath;
  return out;
}
