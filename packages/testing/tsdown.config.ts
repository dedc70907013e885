import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: [
    'src/index.ts',
    'src/vitest.ts',
    'src/jest-global-setup.ts',
    'src/jest-global-teardown.ts',
  ],
  format: 'esm',
  fixedExtension: false,
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node22',
  platform: 'node',
  // Loaded only when the container runtime is chosen (it needs a Docker engine).
  deps: { neverBundle: ['testcontainers'] },
});
