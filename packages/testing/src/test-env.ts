// The environment inside test files and child processes: the globalSetup entries put it in
// S3ENC_TEST_ENV_JSON before the test workers start, so it works under vitest and Jest alike.
import type { TestEnv } from './types.js';

/** The name of the variable holding the run's {@link TestEnv} as JSON. */
export const TEST_ENV_VARIABLE = 'S3ENC_TEST_ENV_JSON';

/** Publishes `env` to test workers and child processes started from now on. */
export function publishTestEnv(env: TestEnv): void {
  process.env[TEST_ENV_VARIABLE] = JSON.stringify(env);
}

/** The run's environment, as published by the globalSetup (throws when there is none). */
export function testEnv(): TestEnv {
  const json = process.env[TEST_ENV_VARIABLE];
  if (!json) {
    throw new Error(
      `No s3enc test environment (${TEST_ENV_VARIABLE} is not set): register the @s3enc/testing ` +
        'globalSetup (vitest: "@s3enc/testing/vitest"; Jest: "@s3enc/testing/jest-global-setup" ' +
        'and "@s3enc/testing/jest-global-teardown"), or call start() yourself.',
    );
  }
  return JSON.parse(json) as TestEnv;
}
