// Put with unsigned payloads (the default) against signPayload (SigV4 SHA-256 of every body),
// same MinIO, same file, paired rotating rounds: speed and client CPU.
//   npx tsx --tsconfig bench/transfer-tsconfig.json bench/transfer-put-signing.ts
// S3ENC_BENCH_MB (default 256), S3ENC_BENCH_REPS (default 7).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EncryptedS3Client } from '@s3enc/node';
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
const SIZE = Number(process.env.S3ENC_BENCH_MB ?? 256) * MiB;
const REPS = Number(process.env.S3ENC_BENCH_REPS ?? 7);
const servers = await startTestServers();
mkdirSync(join(repoDir, '.cache'), { recursive: true });
const dir = mkdtempSync(join(repoDir, '.cache', 'put-signing-'));
try {
  const plain = plainS3(servers.env);
  const bucket = await makeBucket(plain, `sign-${Date.now().toString(36)}`);
  const file = join(dir, 'data.bin');
  await writeRandomFile(file, SIZE);
  const client = (signPayload: boolean) =>
    new EncryptedS3Client({
      s3: s3Settings(servers.env),
      keyring: keyring(),
      concurrency: 4,
      partSize: 8 * MiB,
      signPayload,
    });
  const cs = [
    { name: 'unsigned (default)', c: client(false), t: [] as number[], cpu: [] as number[] },
    { name: 'signPayload', c: client(true), t: [] as number[], cpu: [] as number[] },
  ];
  for (const x of cs) await x.c.put(bucket, `warm-${x.name}`, { path: file });
  for (let r = 0; r < REPS; r++) {
    for (let k = 0; k < cs.length; k++) {
      const x = cs[(k + r) % cs.length]!;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await x.c.put(bucket, `o-${k}`, { path: file });
      x.t.push((performance.now() - t0) / 1000);
      const u = process.cpuUsage(c0);
      x.cpu.push((u.user + u.system) / 1e6);
    }
  }
  const med = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!;
  const [u, s] = cs as [(typeof cs)[0], (typeof cs)[0]];
  const gib = SIZE / 1024 ** 3;
  console.log(
    `${SIZE / MiB} MiB put, ${REPS} rounds, load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  for (const x of cs)
    console.log(
      `  ${x.name.padEnd(20)} ${(SIZE / 1e6 / med(x.t)).toFixed(0)} MB/s, ${(med(x.cpu) / gib).toFixed(2)} CPU s/GiB (medians)`,
    );
  console.log(
    `  unsigned / signed: speed ${med(u.t.map((t, i) => s.t[i]! / t)).toFixed(2)}, client CPU ${med(u.cpu.map((c, i) => c / s.cpu[i]!)).toFixed(2)} (paired medians)`,
  );
  for (const x of cs) x.c.destroy();
  plain.destroy();
} finally {
  rmSync(dir, { recursive: true, force: true });
  await servers.stop();
}
