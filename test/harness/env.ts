// The one typed helper integration tests use: endpoints, CA, credentials, key ids, clients and
// per-file buckets. See docs/testing.md.
import https from 'node:https';
import tls from 'node:tls';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { KMSClient, type KMSClientConfig } from '@aws-sdk/client-kms';
import { inject } from 'vitest';
import type { TestEnv } from './types.js';

export type { TestCredentials, TestEnv, TestKmsKey } from './types.js';
export { startTestServers, type TestServers } from './servers.js';

/**
 * The environment started by test/harness/global-setup.ts. Call it inside integration tests
 * (test files, hooks). Outside vitest it falls back to S3ENC_TEST_ENV_JSON.
 */
export function getTestEnv(): TestEnv {
  let env: TestEnv | undefined;
  try {
    env = inject('s3encTestEnv');
  } catch {
    env = undefined;
  }
  if (!env && process.env.S3ENC_TEST_ENV_JSON) {
    env = JSON.parse(process.env.S3ENC_TEST_ENV_JSON) as TestEnv;
  }
  if (!env) {
    throw new Error(
      'No s3enc test environment: run the test in the vitest "integration" project ' +
        '(its globalSetup starts the servers), or use startTestServers() in scripts.',
    );
  }
  return env;
}

/** An https.Agent that trusts the system roots plus env.ca, TLS 1.2 minimum. */
export function makeHttpsAgent(env: TestEnv, o: https.AgentOptions = {}): https.Agent {
  return new https.Agent({
    keepAlive: true,
    minVersion: 'TLSv1.2',
    ...(env.ca ? { ca: [...tls.rootCertificates, env.ca] } : {}),
    ...o,
  });
}

/** S3 client for the test S3 endpoint: trusts env.ca, path style, region and credentials set. */
export function makeS3Client(env: TestEnv, extra: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    endpoint: env.s3.endpoint,
    region: env.s3.region,
    credentials: env.s3.credentials,
    forcePathStyle: env.s3.forcePathStyle,
    requestHandler: { httpsAgent: makeHttpsAgent(env) },
    ...extra,
  });
}

/** KMS client for the test KMS endpoint (the TLS terminator in front of local-kms). */
export function makeKmsClient(env: TestEnv, extra: Partial<KMSClientConfig> = {}): KMSClient {
  return new KMSClient({
    endpoint: env.kms.endpoint,
    region: env.kms.region,
    credentials: env.kms.credentials,
    requestHandler: { httpsAgent: makeHttpsAgent(env) },
    ...extra,
  });
}

/** Creates a uniquely named bucket: plain, versioned, or Object-Lock-enabled (implies
 * versioning); `cleanup()` empties and deletes it. Implemented by @s3enc/testing. */
export { createTestBucket, type TestBucket, type TestBucketOptions } from '@s3enc/testing';
