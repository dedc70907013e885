import { defineConfig } from 'tsup';

export default defineConfig({
  // main.ts is the bin's entry: it loads no @s3enc/core until a command (or an error) needs it.
  entry: ['src/index.ts', 'src/main.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
});
