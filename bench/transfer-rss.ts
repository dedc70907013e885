// Peak RSS of an encrypted upload (from a file) and download (to a file and to a stream) at
// two object sizes, to show memory is bounded by concurrency × part size and flat in size.
//   npx tsx --tsconfig bench/transfer-tsconfig.json bench/transfer-rss.ts
// S3ENC_BENCH_RSS_MB="256,1024" sets the sizes (MiB). Each operation runs in its own child.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EncryptedS3Client } from '@s3enc/node';
import type { TestEnv } from '../test/harness/types.js';
import { drain, keyring, MiB, s3Settings } from './transfer-common.js';

const CONCURRENCY = 4;
const PART = 8 * MiB;
const repoDir = fileURLToPath(new URL('..', import.meta.url));

async function child(op: string, bucket: string, key: string, path: string): Promise<void> {
  const env = JSON.parse(process.env.S3ENC_TEST_ENV_JSON!) as TestEnv;
  const c = new EncryptedS3Client({
    s3: s3Settings(env),
    keyring: keyring(),
    concurrency: CONCURRENCY,
    partSize: PART,
    downloadChunkSize: PART,
  });
  let peak = process.memoryUsage().rss;
  const base = peak;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  const t = performance.now();
  if (op === 'put') await c.put(bucket, key, { path });
  else if (op === 'getToFile') await c.getToFile(bucket, key, path);
  else await drain((await c.get(bucket, key)).body);
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
  c.destroy();
  process.stdout.write(JSON.stringify({ base, peak, seconds: (performance.now() - t) / 1000 }));
}

async function parent(): Promise<void> {
  const { startTestServers } = await import('../test/harness/env.js');
  const { plainS3, makeBucket, writeRandomFile } = await import('./transfer-common.js');
  const sizes = (process.env.S3ENC_BENCH_RSS_MB ?? '256,1024')
    .split(',')
    .map((s) => Number(s) * MiB);
  const servers = await startTestServers();
  mkdirSync(join(repoDir, '.cache'), { recursive: true });
  const dir = mkdtempSync(join(repoDir, '.cache', 'transfer-rss-'));
  try {
    const plain = plainS3(servers.env);
    const bucket = await makeBucket(plain, `rss-${Date.now().toString(36)}`);
    const run = (op: string, key: string, path: string) =>
      new Promise<{ base: number; peak: number; seconds: number }>((resolve, reject) => {
        const p = spawn(
          process.execPath,
          [...process.execArgv, fileURLToPath(import.meta.url), '--child', op, bucket, key, path],
          {
            env: {
              ...process.env,
              S3ENC_TEST_ENV_JSON: JSON.stringify(servers.env),
              NODE_NO_WARNINGS: '1',
            },
            stdio: ['ignore', 'pipe', 'inherit'],
          },
        );
        let out = '';
        p.stdout.on('data', (d: Buffer) => (out += d.toString()));
        p.on('exit', (code) => {
          if (code === 0)
            resolve(JSON.parse(out) as { base: number; peak: number; seconds: number });
          else reject(new Error(`child ${op} exited ${code}`));
        });
      });
    console.log(
      `concurrency ${CONCURRENCY}, part ${PART / MiB} MiB, download chunk ${PART / MiB} MiB (buffers held: concurrency × (plaintext piece + part) = ${(2 * CONCURRENCY * PART) / MiB} MiB; the rest of the delta is TLS/SDK buffers and garbage awaiting collection)\n`,
    );
    console.log(
      `${'size'.padEnd(10)}${'operation'.padEnd(12)}${'baseline'.padStart(10)}${'peak RSS'.padStart(10)}${'delta'.padStart(10)}${'MB/s'.padStart(8)}`,
    );
    for (const size of sizes) {
      const file = join(dir, `data-${size}`);
      await writeRandomFile(file, size);
      for (const [op, path] of [
        ['put', file],
        ['get', ''],
        ['getToFile', join(dir, `out-${size}`)],
      ] as const) {
        const r = await run(op, `obj-${size}`, path);
        const m = (b: number) => `${(b / MiB).toFixed(0)} MiB`;
        console.log(
          `${`${size / MiB} MiB`.padEnd(10)}${op.padEnd(12)}${m(r.base).padStart(10)}${m(r.peak).padStart(10)}${m(r.peak - r.base).padStart(10)}${(size / 1e6 / r.seconds).toFixed(0).padStart(8)}`,
        );
      }
      rmSync(file, { force: true });
      rmSync(join(dir, `out-${size}`), { force: true });
    }
    plain.destroy();
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await servers.stop();
  }
}

const i = process.argv.indexOf('--child');
if (i >= 0)
  await child(
    process.argv[i + 1]!,
    process.argv[i + 2]!,
    process.argv[i + 3]!,
    process.argv[i + 4]!,
  );
else await parent();
