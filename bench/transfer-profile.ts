// CPU profiles of `get` (encrypted, and the same engine with crypto off) and `put`, one file per
// contender, for `--cpu-prof`-style analysis of the transfer engine's hot paths.
//   npx tsx --tsconfig bench/transfer-tsconfig.json bench/transfer-profile.ts [outDir]
// S3ENC_BENCH_MB (default 256) sets the object size, S3ENC_BENCH_REPS (default 2) the gets per
// profile. Prints the top self-time functions of each profile (.cpuprofile files stay in outDir).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createReadStream } from 'node:fs';
import { Upload } from '@aws-sdk/lib-storage';
import { EncryptedS3Client } from '@s3enc/node';
import { startTestServers } from '../test/harness/env.js';
import { summarize } from './profile-summary.js';
import {
  drain,
  keyring,
  makeBucket,
  MiB,
  plainS3,
  s3Settings,
  writeRandomFile,
} from './transfer-common.js';

const repoDir = fileURLToPath(new URL('..', import.meta.url));
const SIZE = Number(process.env.S3ENC_BENCH_MB ?? 256) * MiB;
const REPS = Number(process.env.S3ENC_BENCH_REPS ?? 2);
const outDir = process.argv[2] ?? join(repoDir, '.cache', 'profiles');
mkdirSync(outDir, { recursive: true });

const servers = await startTestServers();
const dir = mkdtempSync(join(repoDir, '.cache', 'transfer-profile-'));
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 200 });
try {
  const env = servers.env;
  const plain = plainS3(env);
  const bucket = await makeBucket(plain, `prof-${Date.now().toString(36)}`);
  const file = join(dir, 'data.bin');
  await writeRandomFile(file, SIZE);
  const enc = new EncryptedS3Client({
    s3: s3Settings(env),
    keyring: keyring(),
    concurrency: 4,
    partSize: 8 * MiB,
  });
  await new Upload({
    client: plain,
    params: { Bucket: bucket, Key: 'plain', Body: createReadStream(file) },
    partSize: 8 * MiB,
    queueSize: 4,
  }).done();
  const profile = async (name: string, fn: () => Promise<unknown>) => {
    await fn(); // warm up
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await session.post('Profiler.start');
    for (let r = 0; r < REPS; r++) await fn();
    const { profile: p } = await session.post('Profiler.stop');
    const wall = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    const cpu = (c.user + c.system) / 1e6;
    const path = join(outDir, `${name}.cpuprofile`);
    writeFileSync(path, JSON.stringify(p));
    const gib = (REPS * SIZE) / 1024 ** 3;
    console.log(
      `\n== ${name}: ${((REPS * SIZE) / 1e6 / wall).toFixed(0)} MB/s, ${(cpu / gib).toFixed(2)} CPU s/GiB (${path})`,
    );
    for (const line of summarize(p, 15)) console.log(`  ${line}`);
  };
  await profile('put-encrypted', () => enc.put(bucket, 'enc', { path: file }));
  await profile('get-encrypted', async () => drain((await enc.get(bucket, 'enc')).body));
  await profile('get-crypto-off', async () =>
    drain((await enc.get(bucket, 'plain', { allowPlaintext: true })).body),
  );
  enc.destroy();
  plain.destroy();
} finally {
  session.disconnect();
  rmSync(dir, { recursive: true, force: true });
  await servers.stop();
}
