/**
 * vitest globalSetup: `globalSetup: ['@s3enc/testing/vitest']` starts the environment once per
 * run and stops it afterwards. Tests read it with `testEnv()`, or with `inject('s3encTestEnv')`
 * after declaring `s3encTestEnv: TestEnv` in vitest's `ProvidedContext`.
 * With options: a setup file of your own doing
 * `export default vitestGlobalSetup({ buckets: [{ name: 'vault', objectLock: true }] })`.
 */
import { start, type StartOptions } from './start.js';
import { publishTestEnv } from './test-env.js';

/** The part of vitest's TestProject used here (no type dependency on vitest). */
export interface ProvidingProject {
  provide(key: string, value: unknown): void;
}

const verboseLog = () =>
  process.env.S3ENC_TEST_VERBOSE
    ? (m: string) => {
        console.log(`[s3enc testing] ${m}`);
      }
    : undefined;

/** A vitest globalSetup function starting the environment with `options`. */
export function vitestGlobalSetup(
  options: StartOptions = {},
): (project: ProvidingProject) => Promise<() => Promise<void>> {
  return async (project) => {
    const kit = await start({ log: verboseLog(), ...options });
    project.provide('s3encTestEnv', kit.env);
    publishTestEnv(kit.env);
    return () => kit.stop();
  };
}

export default vitestGlobalSetup();
