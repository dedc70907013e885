/**
 * Jest globalSetup: `globalSetup: '@s3enc/testing/jest-global-setup'` with
 * `globalTeardown: '@s3enc/testing/jest-global-teardown'`. Tests read the environment with
 * `testEnv()`. With options: a setup module of your own doing
 * `export default jestGlobalSetup({ buckets: [...] })`.
 */
import { start, type StartOptions, type TestKit } from './start.js';
import { publishTestEnv } from './test-env.js';

/** Where the teardown finds the kit (Jest runs setup and teardown in one process). */
export const JEST_KIT_KEY = Symbol.for('s3enc.testing.jestKit');

/** A Jest globalSetup function starting the environment with `options`. */
export function jestGlobalSetup(options: StartOptions = {}): () => Promise<void> {
  return async () => {
    const kit = await start(options);
    (globalThis as Record<symbol, TestKit | undefined>)[JEST_KIT_KEY] = kit;
    publishTestEnv(kit.env);
  };
}

export default jestGlobalSetup();
