// Shared types of the test environment, defined by @s3enc/testing. Type-only, so this file can
// be loaded anywhere (vitest workers, globalSetup, plain `tsx` scripts).
import type { TestEnv } from '@s3enc/testing';

export type { TestCredentials, TestEnv, TestKmsKey } from '@s3enc/testing';

declare module 'vitest' {
  export interface ProvidedContext {
    s3encTestEnv: TestEnv;
  }
}
