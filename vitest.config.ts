import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Tests run against the TypeScript sources, not dist/, so no build is needed to test.
const alias = {
  '@s3enc/core': src('./packages/core/src/index.ts'),
  '@s3enc/node': src('./packages/node/src/index.ts'),
  '@s3enc/testing': src('./packages/testing/src/index.ts'),
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: [
            'packages/*/src/**/*.test.ts',
            'packages/*/test/**/*.test.ts',
            'bench/**/*.test.ts',
          ],
          globalSetup: ['test/harness/tmp-root.ts'],
          testTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
          globalSetup: ['test/harness/tmp-root.ts', 'test/harness/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
