/** Jest globalTeardown: stops what `@s3enc/testing/jest-global-setup` started. */
import type { TestKit } from './start.js';

export default async function teardown(): Promise<void> {
  const slot = globalThis as Record<symbol, TestKit | undefined>;
  const key = Symbol.for('s3enc.testing.jestKit');
  const kit = slot[key];
  slot[key] = undefined;
  await kit?.stop();
}
