// Peak RSS of put (file) and getToFile with and without worker threads: each operation in its
// own child process running the built package (maxRSS covers the worker threads too).
//   pnpm build && npx tsx --tsconfig bench/transfer-tsconfig.json bench/transfer-workers-rss.ts
// S3ENC_BENCH_MB (default 512) sets the file size.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { startTestServers } from '../test/harness/env.js';
import { makeBucket, plainS3, writeRandomFile, MiB } from './transfer-common.js';
const servers = await startTestServers();
const repoDir = fileURLToPath(new URL('..', import.meta.url));
mkdirSync(join(repoDir, '.cache'), { recursive: true });
const dir = mkdtempSync(join(repoDir, '.cache', 'rssw-'));
try {
  const env = servers.env;
  const plain = plainS3(env);
  const bucket = await makeBucket(plain, `rssw-${Date.now().toString(36)}`);
  const size = Number(process.env.S3ENC_BENCH_MB ?? 512) * MiB;
  const file = join(dir, 'in.bin');
  await writeRandomFile(file, size);
  const child = join(dir, 'child.mjs');
  writeFileSync(
    child,
    `
import { EncryptedS3Client } from ${JSON.stringify(join(repoDir, 'packages/node/dist/index.js'))};
import { rawAesKeyring } from ${JSON.stringify(join(repoDir, 'packages/core/dist/index.js'))};
const [op, workers] = process.argv.slice(2);
const env = JSON.parse(process.env.ENVJSON);
const c = new EncryptedS3Client({ s3: { endpoint: env.s3.endpoint, region: env.s3.region, credentials: env.s3.credentials, forcePathStyle: true, ca: env.ca }, keyring: rawAesKeyring({ key: Buffer.alloc(32, 9), keyName: 'b', keyNamespace: 'n' }), concurrency: 4, partSize: 8 * 1024 * 1024 });
const base = process.memoryUsage().rss;
if (op === 'put') await c.put(${JSON.stringify(bucket)}, 'k', { path: ${JSON.stringify(file)} }, { workers: Number(workers) });
else await c.getToFile(${JSON.stringify(bucket)}, 'k', ${JSON.stringify(join(dir, 'out.bin'))}, { workers: Number(workers) });
c.destroy();
console.log(JSON.stringify({ op, workers, baseMiB: Math.round(base / 1048576), maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }));
`,
  );
  for (const op of ['put', 'get'])
    for (const w of ['0', '2']) {
      const r = spawnSync(process.execPath, [child, op, w], {
        env: { ...process.env, ENVJSON: JSON.stringify(env) },
        encoding: 'utf8',
      });
      console.log(r.stdout.trim() || r.stderr.slice(-500), 'load', (loadavg()[0] ?? 0).toFixed(1));
    }
  plain.destroy();
} finally {
  rmSync(dir, { recursive: true, force: true });
  await servers.stop();
}
