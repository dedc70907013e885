import { defineConfig } from 'tsdown';

export default defineConfig({
  // The worker thread's entry is its own file beside the bundle (transfer/workers/worker-url.ts).
  entry: { index: 'src/index.ts', 'transfer-worker': 'src/transfer/workers/worker-main.ts' },
  format: 'esm',
  fixedExtension: false,
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node22',
  platform: 'node',
});
