// File transfers on worker threads (share-nothing) against the single-thread path: put of a
// file and getToFile, same server, same data, one run, paired rotating rounds.
//   pnpm build && npx tsx --tsconfig bench/transfer-tsconfig.json bench/transfer-workers.ts
// S3ENC_BENCH_SIZES_MB (default "256,1024") sets the file sizes, S3ENC_BENCH_WORKERS (default
// "2") the worker counts compared with the single-thread path, S3ENC_BENCH_REPS (default 3)
// the rounds. A ratio is the median over rounds of time(single thread) / time(workers): above
// 1, the workers are faster. The load average is printed with every size, and the client's
// CPU seconds per GiB (process-wide, workers included) with every contender.
import { availableParallelism, loadavg } from 'node:os';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// The built package (run `pnpm build` first): what users run. From the sources a worker would
// load through tsx, and its start-up would measure the TypeScript loader, not s3enc.
import { EncryptedS3Client } from '../packages/node/dist/index.js';
import { startTestServers } from '../test/harness/env.js';
import {
  keyring,
  makeBucket,
  MiB,
  plainS3,
  s3Settings,
  writeRandomFile,
} from './transfer-common.js';

const repoDir = fileURLToPath(new URL('..', import.meta.url));
const SIZES = (process.env.S3ENC_BENCH_SIZES_MB ?? '256,1024').split(',').map(Number);
const WORKERS = (process.env.S3ENC_BENCH_WORKERS ?? '2').split(',').map(Number);
const REPS = Number(process.env.S3ENC_BENCH_REPS ?? 3);
const CONCURRENCY = 4;
const PART = 8 * MiB;

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
const median = (xs: number[]) => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 === 1 ? v[v.length >> 1]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
};

const servers = await startTestServers();
mkdirSync(join(repoDir, '.cache'), { recursive: true });
const dir = mkdtempSync(join(repoDir, '.cache', 'workers-bench-'));
try {
  const env = servers.env;
  const plain = plainS3(env);
  const bucket = await makeBucket(plain, `bench-w-${Date.now().toString(36)}`);
  const client = new EncryptedS3Client({
    s3: s3Settings(env),
    keyring: keyring(),
    concurrency: CONCURRENCY,
    partSize: PART,
  });
  console.log(
    `cores ${availableParallelism()}, concurrency ${CONCURRENCY}, part ${PART / MiB} MiB, ${REPS} rounds, Node ${process.version}`,
  );
  for (const mb of SIZES) {
    const size = mb * MiB;
    const file = join(dir, `data-${mb}.bin`);
    await writeRandomFile(file, size);
    const out = join(dir, `out-${mb}.bin`);
    type Contender = { name: string; fn: () => Promise<unknown>; t: number[]; cpu: number[] };
    const mk = (name: string, fn: () => Promise<unknown>): Contender => ({
      name,
      fn,
      t: [],
      cpu: [],
    });
    const key = `w-${mb}`;
    const put = (workers: number) =>
      mk(`put ${workers === 0 ? 'single thread' : `${workers} workers`}`, () =>
        client.put(bucket, key, { path: file }, { workers }),
      );
    const get = (workers: number) =>
      mk(`getToFile ${workers === 0 ? 'single thread' : `${workers} workers`}`, async () => {
        await client.getToFile(bucket, key, out, { workers });
        unlinkSync(out);
      });
    const groups = [
      [put(0), ...WORKERS.map(put)],
      [get(0), ...WORKERS.map(get)],
    ];
    console.log(`\n${mb} MiB — load average before: ${load()}`);
    for (const group of groups) {
      for (let r = 0; r < REPS; r++) {
        for (let k = 0; k < group.length; k++) {
          const c = group[(k + r) % group.length]!;
          const cpu0 = process.cpuUsage();
          const t0 = process.hrtime.bigint();
          await c.fn();
          c.t.push(Number(process.hrtime.bigint() - t0) / 1e9);
          const cpu = process.cpuUsage(cpu0);
          c.cpu.push((cpu.user + cpu.system) / 1e6);
        }
      }
      const base = group[0]!;
      for (const c of group) {
        const mbps = size / 1e6 / median(c.t);
        const cpuPerGiB = median(c.cpu) / (size / 1024 ** 3);
        const ratio = median(base.t.map((tb, i) => tb / c.t[i]!));
        console.log(
          `  ${c.name.padEnd(28)} ${mbps.toFixed(0).padStart(5)} MB/s (median)  CPU ${cpuPerGiB.toFixed(2)} s/GiB  speed ÷ single thread ${ratio.toFixed(2)}  [${c.t.map((t) => t.toFixed(2)).join(', ')} s]`,
        );
      }
    }
    console.log(`${mb} MiB — load average after: ${load()}`);
    unlinkSync(file);
  }
  client.destroy();
  plain.destroy();
} finally {
  rmSync(dir, { recursive: true, force: true });
  await servers.stop();
}
