// A/B of the download engine: this checkout's against another checkout's (S3ENC_AB_BASE, a
// path to its packages/node/src/index.ts), in one process, same MinIO, same objects, paired
// rotating rounds. Not part of the suite; used to measure a change to the hot path.
//   S3ENC_AB_BASE=/path/to/other/packages/node/src/index.ts \
//     npx tsx --tsconfig bench/ab-tsconfig.json bench/ab-get.ts
// Both sides run from their built dist/ (pnpm build in each checkout): no path mapping, so
// each engine loads its own @s3enc/core.
import { createReadStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Upload } from '@aws-sdk/lib-storage';
import { EncryptedS3Client } from '@s3enc/node';
import { startTestServers } from '../test/harness/env.js';
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
const REPS = Number(process.env.S3ENC_BENCH_REPS ?? 5);
const base = (await import(process.env.S3ENC_AB_BASE!)) as {
  EncryptedS3Client: typeof EncryptedS3Client;
};
// The keyring must come from the other checkout's core (its own @aws-crypto classes).
const baseCore = (await import(process.env.S3ENC_AB_BASE!.replace('/node/', '/core/'))) as {
  rawAesKeyring: typeof import('@s3enc/core').rawAesKeyring;
};
const servers = await startTestServers();
mkdirSync(join(repoDir, '.cache'), { recursive: true });
const dir = mkdtempSync(join(repoDir, '.cache', 'ab-'));
try {
  const env = servers.env;
  const plain = plainS3(env);
  const bucket = await makeBucket(plain, `ab-${Date.now().toString(36)}`);
  const file = join(dir, 'data.bin');
  await writeRandomFile(file, SIZE);
  const opts = { s3: s3Settings(env), keyring: keyring(), concurrency: 4, partSize: 8 * MiB };
  const ours = new EncryptedS3Client(opts);
  const theirs = new base.EncryptedS3Client({
    ...opts,
    keyring: baseCore.rawAesKeyring({
      key: Buffer.alloc(32, 9),
      keyName: 'bench',
      keyNamespace: 's3enc-bench',
    }),
  });
  await ours.put(bucket, 'enc', { path: file });
  await new Upload({
    client: plain,
    params: { Bucket: bucket, Key: 'plain', Body: createReadStream(file) },
    partSize: 8 * MiB,
    queueSize: 4,
  }).done();
  const cs: { name: string; fn: () => Promise<unknown>; t: number[]; cpu: number[] }[] = [
    {
      name: 'base encrypted',
      fn: async () => drain((await theirs.get(bucket, 'enc')).body),
      t: [],
      cpu: [],
    },
    {
      name: 'base crypto off',
      fn: async () => drain((await theirs.get(bucket, 'plain', { allowPlaintext: true })).body),
      t: [],
      cpu: [],
    },
    {
      name: 'this encrypted',
      fn: async () => drain((await ours.get(bucket, 'enc')).body),
      t: [],
      cpu: [],
    },
    {
      name: 'this crypto off',
      fn: async () => drain((await ours.get(bucket, 'plain', { allowPlaintext: true })).body),
      t: [],
      cpu: [],
    },
  ];
  for (let r = 0; r < REPS; r++) {
    for (let k = 0; k < cs.length; k++) {
      const c = cs[(k + r) % cs.length]!;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await c.fn();
      c.t.push((performance.now() - t0) / 1000);
      const u = process.cpuUsage(c0);
      c.cpu.push((u.user + u.system) / 1e6);
    }
  }
  const med = (x: number[]) => [...x].sort((a, b) => a - b)[x.length >> 1]!;
  const gib = SIZE / 1024 ** 3;
  console.log(
    `${SIZE / MiB} MiB, ${REPS} rounds, load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  for (const c of cs)
    console.log(
      `  ${c.name.padEnd(16)} ${(SIZE / 1e6 / med(c.t)).toFixed(0)} MB/s median, ${(med(c.cpu) / gib).toFixed(2)} CPU s/GiB`,
    );
  const pr = (a: number, b: number, f: (c: (typeof cs)[0]) => number[]) =>
    med(f(cs[a]!).map((x, i) => x / f(cs[b]!)[i]!)).toFixed(2);
  console.log(
    `  speed enc/off: base ${pr(1, 0, (c) => c.t)}, this ${pr(3, 2, (c) => c.t)};  CPU enc/off: base ${pr(0, 1, (c) => c.cpu)}, this ${pr(2, 3, (c) => c.cpu)};  this/base encrypted speed ${pr(0, 2, (c) => c.t)}`,
  );
  ours.destroy();
  theirs.destroy();
  plain.destroy();
} finally {
  rmSync(dir, { recursive: true, force: true });
  await servers.stop();
}
