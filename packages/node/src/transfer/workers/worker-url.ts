/**
 * Where the worker entry is. Built (dist/): `transfer-worker.js` beside the bundle (a tsdown
 * entry). From the TypeScript sources (the test suite, benchmarks run with tsx): the `.ts`
 * entry, loaded through tsx with @s3enc/core mapped to its sources, so tests exercise the code
 * they see. @internal
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface WorkerEntry {
  readonly url: URL;
  readonly execArgv: readonly string[];
  readonly env: NodeJS.ProcessEnv | undefined;
}

let cached: WorkerEntry | undefined;

export function workerEntry(): WorkerEntry {
  if (cached !== undefined) return cached;
  const here = import.meta.url;
  if (!here.endsWith('.ts')) {
    cached = { url: new URL('./transfer-worker.js', here), execArgv: [], env: undefined };
    return cached;
  }
  const tsx = createRequire(here).resolve('tsx/esm');
  const tsconfig = fileURLToPath(new URL('./source-tsconfig.json', here));
  if (!existsSync(tsconfig)) throw new Error(`missing ${tsconfig}`);
  cached = {
    url: new URL('./worker-main.ts', here),
    execArgv: ['--import', pathToFileURL(tsx).href],
    env: { ...process.env, TSX_TSCONFIG_PATH: tsconfig },
  };
  return cached;
}
