// The servers the integration tests talk to, started by @s3enc/testing (packages/testing):
//   - MinIO, TLS, single drive, SSE-KMS/SSE-S3 via MINIO_KMS_SECRET_KEY;
//   - local-kms, reachable only through a TLS terminator;
// as processes (the default here) or containers (S3ENC_TEST_RUNTIME=container|auto), or, with
// S3ENC_TEST_* variables, existing servers (docs/testing.md). This repository's own runs go
// through the kit, so every run tests it. Imports nothing from vitest.
import { start, type RuntimeChoice, type StartOptions as KitStartOptions } from '@s3enc/testing';
import type { TestEnv } from './types.js';

export {
  LOCAL_ACCOUNT_ID,
  LOCAL_REGION,
  MINIO_ROOT_PASSWORD,
  MINIO_ROOT_USER,
} from '@s3enc/testing';

export interface TestServers {
  env: TestEnv;
  /** Stops whatever was started and removes the run's temp dir. Idempotent. */
  stop(): Promise<void>;
}

export interface StartServersOptions {
  /** Progress messages (default: none). */
  log?: (msg: string) => void;
  /** Default: S3ENC_TEST_RUNTIME, else 'process' (this repository's default). */
  runtime?: RuntimeChoice;
}

/**
 * Starts the local servers, or uses existing ones named by S3ENC_TEST_* variables:
 * S3 is external when S3ENC_TEST_S3_ENDPOINT is set; KMS is external when
 * S3ENC_TEST_KMS_ENDPOINT or S3ENC_TEST_KMS_KEY_ID is set. Only what is not external is started.
 */
export async function startTestServers(o: StartServersOptions = {}): Promise<TestServers> {
  const options: KitStartOptions = {
    runtime: o.runtime ?? ((process.env.S3ENC_TEST_RUNTIME || 'process') as RuntimeChoice),
    log: o.log,
  };
  const kit = await start(options);
  return { env: kit.env, stop: () => kit.stop() };
}

/** The former name of {@link StartServersOptions}. */
export type StartOptions = StartServersOptions;
