// Bundles an example's Lambda handler with esbuild: one ESM file, every dependency inside
// (the AWS SDK too, so the deployed code runs against the SDK version it was tested with).
// @s3enc/* are taken from the workspace sources. Usage: node --import tsx bundle.ts <example>
//
// Layout: dist/function/ is what the template uploads (handler.mjs and its third-party license
// notices); the source map goes to dist/sourcemap/, outside it, so it is never deployed.
import { mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const EXAMPLES = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const ROOT = resolve(EXAMPLES, '..');

export interface BundleResult {
  outfile: string;
  /** Size of the bundle in bytes (minified, no source map inside). */
  bytes: number;
}

/** The Lambda runtime the templates use (template.yaml `Runtime`), and the bundle's target. */
export const LAMBDA_RUNTIME = 'nodejs24.x';

/** Builds examples/<name>/dist/function/handler.mjs (+ dist/sourcemap/) from src/handler.ts. */
export async function bundleExample(
  name: string,
  o: { minify?: boolean } = {},
): Promise<BundleResult> {
  const dir = join(EXAMPLES, name);
  const outfile = join(dir, 'dist', 'function', 'handler.mjs');
  rmSync(join(dir, 'dist'), { recursive: true, force: true });
  await build({
    entryPoints: [join(dir, 'src', 'handler.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: LAMBDA_RUNTIME.replace(/^nodejs(\d+)\.x$/, 'node$1'),
    format: 'esm',
    minify: o.minify ?? true,
    sourcemap: 'external', // written beside the bundle, with no sourceMappingURL comment
    legalComments: 'external',
    logLevel: 'warning',
    alias: {
      '@s3enc/core': join(ROOT, 'packages/core/src/index.ts'),
      '@s3enc/node': join(ROOT, 'packages/node/src/index.ts'),
    },
    // Some AWS SDK dependencies still call require(); give the ESM bundle one.
    banner: {
      js: "import { createRequire as __s3encCreateRequire } from 'node:module'; const require = __s3encCreateRequire(import.meta.url);",
    },
  });
  mkdirSync(join(dir, 'dist', 'sourcemap'));
  renameSync(`${outfile}.map`, join(dir, 'dist', 'sourcemap', 'handler.mjs.map'));
  return { outfile, bytes: statSync(outfile).size };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const name = process.argv[2];
  if (!name) {
    process.stderr.write('usage: bundle.ts <example>\n');
    process.exit(2);
  }
  const r = await bundleExample(name);
  process.stdout.write(`${r.outfile}: ${(r.bytes / 1024).toFixed(1)} KiB\n`);
}
