// vitest globalSetup of the `integration` project: starts the servers once per run (or reads
// the S3ENC_TEST_* variables), hands the environment to the tests with `provide`, and stops
// everything afterwards. If vitest dies instead (Ctrl-C, crash, SIGKILL), the process 'exit'
// hook and the detached reaper.mjs kill the servers and remove the run's temp dir.
import type { TestProject } from 'vitest/node';
import { startTestServers } from './servers.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const verbose = Boolean(process.env.S3ENC_TEST_VERBOSE);
  const servers = await startTestServers({
    log: verbose
      ? (m) => {
          console.log(`[s3enc harness] ${m}`);
        }
      : undefined,
  });
  project.provide('s3encTestEnv', servers.env);
  // Also for code that cannot call inject() (e.g. child processes spawned by tests).
  process.env.S3ENC_TEST_ENV_JSON = JSON.stringify(servers.env);
  return async () => {
    await servers.stop();
  };
}
