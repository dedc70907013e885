// Rewrap against download-re-encrypt-upload of the same object: bytes the client uploaded and
// downloaded, and time, paired rounds in one run (contenders back to back, order rotating; the
// time ratio is the median of per-round ratios). A third contender rewraps with
// deleteSourceVersionAfterVerify, to show what the read-back verification and the delete add. Each contender moves its own object between
// two raw AES keys, round after round, so every round does a real key change.
//   npx tsx --tsconfig bench/transfer-tsconfig.json bench/rewrap.ts
// S3ENC_BENCH_MB (default 1024) sets the object size; S3ENC_BENCH_REPS (default 3) the rounds.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import { rawAesKeyring, type Keyring } from '@s3enc/core';
import { EncryptedS3Client } from '@s3enc/node';
import { startTestServers } from '../test/harness/env.js';
import { makeBucket, MiB, plainS3, s3Settings, writeRandomFile } from './transfer-common.js';

const repoDir = fileURLToPath(new URL('..', import.meta.url));
const SIZE = Number(process.env.S3ENC_BENCH_MB ?? 1024) * MiB;
const REPS = Number(process.env.S3ENC_BENCH_REPS ?? 3);
const CONCURRENCY = 4;
const PART = 8 * MiB;

const keyrings: [Keyring, Keyring] = [
  rawAesKeyring({ key: Buffer.alloc(32, 1), keyName: 'rotate-a', keyNamespace: 's3enc-bench' }),
  rawAesKeyring({ key: Buffer.alloc(32, 2), keyName: 'rotate-b', keyNamespace: 's3enc-bench' }),
];

type Contender = 'rewrap' | 'reencrypt' | 'rewrapDelete';

/** Body bytes a client sent (PutObject / UploadPart) and received (GetObject), counted on the wire's API. */
interface Traffic {
  up: number;
  down: number;
}

function countedClient(env: Parameters<typeof s3Settings>[0], keyring: Keyring, t: Traffic) {
  const c = new EncryptedS3Client({
    s3: s3Settings(env),
    keyring,
    concurrency: CONCURRENCY,
    partSize: PART,
  });
  c.s3.middlewareStack.add(
    (next, context) => async (args) => {
      const body = (args.input as { Body?: unknown }).Body;
      if (body instanceof Uint8Array) t.up += body.byteLength;
      const out = await next(args);
      const len = (out.output as { ContentLength?: number }).ContentLength;
      if (context.commandName === 'GetObjectCommand' && typeof len === 'number') t.down += len;
      return out;
    },
    { step: 'initialize', name: 'benchTraffic' },
  );
  return c;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const fmt = (n: number) => (n >= MiB ? `${(n / MiB).toFixed(2)} MiB` : `${n} B`);

const servers = await startTestServers();
mkdirSync(join(repoDir, '.cache'), { recursive: true });
const dir = mkdtempSync(join(repoDir, '.cache', 'rewrap-bench-'));
try {
  const env = servers.env;
  const plain = plainS3(env);
  const bucket = await makeBucket(plain, `bench-rewrap-${Date.now().toString(36)}`);
  await plain.send(
    new PutBucketVersioningCommand({
      Bucket: bucket,
      VersioningConfiguration: { Status: 'Enabled' },
    }),
  );
  const file = join(dir, 'data.bin');
  await writeRandomFile(file, SIZE);
  const traffic: Record<Contender, Traffic> = {
    rewrap: { up: 0, down: 0 },
    reencrypt: { up: 0, down: 0 },
    rewrapDelete: { up: 0, down: 0 },
  };
  const rw = [0, 1].map((i) => countedClient(env, keyrings[i as 0 | 1], traffic.rewrap));
  const re = [0, 1].map((i) => countedClient(env, keyrings[i as 0 | 1], traffic.reencrypt));
  const rd = [0, 1].map((i) => countedClient(env, keyrings[i as 0 | 1], traffic.rewrapDelete));
  await rw[0]!.put(bucket, 'rewrap.bin', { path: file });
  await re[0]!.put(bucket, 'reencrypt.bin', { path: file });
  await rd[0]!.put(bucket, 'rewrap-delete.bin', { path: file });
  // The initial puts do not count (the middleware holds these objects: reset them in place).
  for (const t of Object.values(traffic)) t.up = t.down = 0;

  // The machine is shared: the load average before and after the rounds goes with the result.
  const loadBefore = loadavg();
  const times: Record<Contender, number[]> = { rewrap: [], reencrypt: [], rewrapDelete: [] };
  const perRound: Record<Contender, Traffic[]> = { rewrap: [], reencrypt: [], rewrapDelete: [] };
  for (let round = 0; round < REPS; round++) {
    const from = round % 2;
    const to = 1 - from;
    const contenders = {
      rewrap: async () => {
        const r = await rw[from]!.rewrap(bucket, 'rewrap.bin', {
          addKeyring: keyrings[to as 0 | 1],
          removeKeyIds: 'all',
        });
        if (r.status !== 'rewrapped') throw new Error(`rewrap said ${r.status}`);
      },
      // The same rewrap, then the new version read back, verified and the source deleted.
      rewrapDelete: async () => {
        const r = await rd[from]!.rewrap(bucket, 'rewrap-delete.bin', {
          addKeyring: keyrings[to as 0 | 1],
          removeKeyIds: 'all',
          deleteSourceVersionAfterVerify: true,
        });
        if (r.sourceVersionAction !== 'deleted') throw new Error(`rewrap said ${r.status}`);
      },
      reencrypt: async () => {
        const got = await re[from]!.get(bucket, 'reencrypt.bin');
        await re[to]!.put(bucket, 'reencrypt.bin', got.body);
      },
    };
    const all: Contender[] = ['rewrap', 'reencrypt', 'rewrapDelete'];
    const order = [...all.slice(round % 3), ...all.slice(0, round % 3)];
    for (const name of order) {
      const counter = traffic[name];
      const before = { ...counter };
      const t0 = performance.now();
      await contenders[name]();
      times[name].push(performance.now() - t0);
      perRound[name].push({ up: counter.up - before.up, down: counter.down - before.down });
    }
  }
  const loadAfter = loadavg();
  const ratios = times.rewrap.map((t, i) => times.reencrypt[i]! / t);
  const result = {
    objectBytes: SIZE,
    rounds: REPS,
    rewrap: { msMedian: median(times.rewrap), perRound: perRound.rewrap },
    downloadReencryptUpload: { msMedian: median(times.reencrypt), perRound: perRound.reencrypt },
    rewrapVerifyDeleteSource: {
      msMedian: median(times.rewrapDelete),
      perRound: perRound.rewrapDelete,
      timeRatioOverRewrap: median(times.rewrapDelete.map((t, i) => t / times.rewrap[i]!)),
    },
    timeRatioReencryptOverRewrap: median(ratios),
    loadAverage: { before: loadBefore, after: loadAfter },
  };
  console.log(JSON.stringify(result));
  const r0 = perRound.rewrap[0]!;
  const d0 = perRound.reencrypt[0]!;
  console.log(`\nrewrap vs download-re-encrypt-upload, ${fmt(SIZE)} object, ${REPS} paired rounds`);
  console.log(
    `  rewrap:                uploaded ${fmt(r0.up)}, downloaded ${fmt(r0.down)}, median ${(median(times.rewrap) / 1000).toFixed(2)} s`,
  );
  console.log(
    `  download-re-encrypt:   uploaded ${fmt(d0.up)}, downloaded ${fmt(d0.down)}, median ${(median(times.reencrypt) / 1000).toFixed(2)} s`,
  );
  console.log(
    `  time ratio (re-encrypt / rewrap, median of per-round ratios): ${median(ratios).toFixed(1)}x`,
  );
  const x0 = perRound.rewrapDelete[0]!;
  console.log(
    `  rewrap + verify + delete source: uploaded ${fmt(x0.up)}, downloaded ${fmt(x0.down)}, median ${(median(times.rewrapDelete) / 1000).toFixed(2)} s (${median(times.rewrapDelete.map((t, i) => t / times.rewrap[i]!)).toFixed(2)}x the rewrap)`,
  );
  const la = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  console.log(`  load average (1/5/15 min): before ${la(loadBefore)}, after ${la(loadAfter)}`);
  for (const c of [...rw, ...re, ...rd]) c.destroy();
  plain.destroy();
} catch (err) {
  console.error('benchmark failed:', err);
  process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
  await servers.stop();
}
