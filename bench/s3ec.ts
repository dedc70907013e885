// S3 Encryption Client V3 objects (issue #14): s3enc against the official Python and Java
// clients, same objects, same server (MinIO + local-kms over TLS, started here), one run.
//   npx tsx --tsconfig bench/transfer-tsconfig.json bench/s3ec.ts
// S3ENC_BENCH_MB (default 256) sets the object size; S3ENC_BENCH_REPS (default 3) the rounds;
// S3ENC_BENCH_RSS_MB (default "64,512") the sizes of the getToFile peak-RSS runs.
// The peers run as processes (test/peers, built by scripts/peers.sh): their time includes their
// interpreter's or JVM's start, measured separately on a 1-byte object each round so the
// ratios can be read with and without it.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadavg } from 'node:os';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { EncryptedS3Client, type EncryptedS3ClientOptions } from '@s3enc/node';
import type { TestEnv } from '../test/harness/types.js';
import { javaTrustStore, peerProcessEnv, peersManifest } from '../test/peers/peers.js';
import { MiB } from './transfer-common.js';

const CONCURRENCY = 4;
const PART = 8 * MiB;
const repoDir = fileURLToPath(new URL('..', import.meta.url));
const execFileP = promisify(execFile);

/** Runs a peer; a failure leads with the peer's JSON lines and stderr. */
async function run(cmd: string, args: string[], o: { env: NodeJS.ProcessEnv }): Promise<void> {
  try {
    await execFileP(cmd, args, { ...o, maxBuffer: 1 << 20 });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `peer ${args.find((a) => a === 'get' || a === 'put') ?? ''} failed: ${err.stdout ?? ''} ${err.stderr ?? err.message}`,
      { cause: e },
    );
  }
}

/** s3enc's client for these objects: the run's KMS key (strict), part and chunk 8 MiB. */
function s3encOptions(env: TestEnv): EncryptedS3ClientOptions {
  return {
    s3: {
      endpoint: env.s3.endpoint,
      region: env.s3.region,
      credentials: env.s3.credentials,
      forcePathStyle: env.s3.forcePathStyle,
      ca: env.ca,
    },
    kmsKeyIds: [env.kmsKeys.primary.arn],
    kms: {
      endpoint: env.kms.endpoint,
      region: env.kms.region,
      credentials: env.kms.credentials,
      ca: env.ca,
    },
    concurrency: CONCURRENCY,
    partSize: PART,
    downloadChunkSize: PART,
  };
}

/** Child mode: one getToFile, reporting its peak RSS (the parent runs one child per size). */
async function child(bucket: string, key: string, path: string): Promise<void> {
  const env = JSON.parse(process.env.S3ENC_TEST_ENV_JSON!) as TestEnv;
  const c = new EncryptedS3Client(s3encOptions(env));
  let peak = process.memoryUsage().rss;
  const base = peak;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  const t = performance.now();
  await c.getToFile(bucket, key, path);
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
  c.destroy();
  process.stdout.write(JSON.stringify({ base, peak, seconds: (performance.now() - t) / 1000 }));
}

async function sha256(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(path)) h.update(c as Buffer);
  return h.digest('hex');
}

const median = (xs: number[]) => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 === 1 ? v[v.length >> 1]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
};

async function parent(): Promise<void> {
  const { startTestServers } = await import('../test/harness/env.js');
  const { plainS3, makeBucket, writeRandomFile, drain } = await import('./transfer-common.js');
  const SIZE = Number(process.env.S3ENC_BENCH_MB ?? 256) * MiB;
  const REPS = Number(process.env.S3ENC_BENCH_REPS ?? 3);
  const RSS_SIZES = (process.env.S3ENC_BENCH_RSS_MB ?? '64,512').split(',').map(Number);
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
  const loadBefore = load();
  const peers = peersManifest();
  const servers = await startTestServers();
  mkdirSync(join(repoDir, '.cache'), { recursive: true });
  const dir = mkdtempSync(join(repoDir, '.cache', 's3ec-bench-'));
  try {
    const env = servers.env;
    const plain = plainS3(env);
    const bucket = await makeBucket(plain, `s3ec-${Date.now().toString(36)}`);
    const arn = env.kmsKeys.primary.arn;
    const store = javaTrustStore(env);
    const peerEnv = peerProcessEnv(env);
    // The JVM's defaults (full JIT), not the tests' fast-start flags: how a user runs it.
    const java = (args: string[]) =>
      run(
        peers.java,
        [
          `-Djavax.net.ssl.trustStore=${store}`,
          '-Djavax.net.ssl.trustStorePassword=changeit',
          '-Djavax.net.ssl.trustStoreType=PKCS12',
          '-cp',
          peers.javaClasspath,
          'dev.s3enc.peers.Main',
          'v4',
          ...args,
          '--bucket',
          bucket,
          '--kms-key-id',
          arn,
        ],
        { env: peerEnv },
      );
    const python = (args: string[]) =>
      run(
        peers.python,
        [join(peers.pythonDir, 's3ec_peer.py'), ...args, '--bucket', bucket, '--kms-key-id', arn],
        { env: peerEnv },
      );
    // The Java client authenticates a whole object in memory before releasing it, up to 64 MiB
    // unless told more (it counts the ciphertext); the bound is raised (not delayed authentication): same guarantee as ours.
    const javaBuffer = ['--buffer-size', String(Math.max(SIZE + MiB, 64 * MiB))]; // ciphertext = SIZE + 16
    const javaGet = (key: string, out: string) =>
      java(['get', ...javaBuffer, '--object', `${key}=${out}`]);
    const javaPutMultipart = (key: string, file: string) =>
      java(['put', '--multipart', '--part-size', String(PART), '--object', `${key}=${file}`]);
    const enc = new EncryptedS3Client(s3encOptions(env));

    const file = join(dir, 'data.bin');
    await writeRandomFile(file, SIZE);
    const tiny = join(dir, 'tiny.bin');
    writeFileSync(tiny, 'x');
    const want = await sha256(file);
    console.error('writing the V3 objects with the Java client');
    await javaPutMultipart('java-v3', file);
    await javaPutMultipart('java-v3-1b', tiny);

    type Contender = { name: string; fn: () => Promise<unknown>; t: number[]; check?: string };
    const runAll = async (group: Contender[]) => {
      for (let r = 0; r < REPS; r++) {
        for (let k = 0; k < group.length; k++) {
          const c = group[(k + r) % group.length]!;
          const t0 = process.hrtime.bigint();
          await c.fn();
          c.t.push(Number(process.hrtime.bigint() - t0) / 1e9);
          if (c.check) {
            // Outside the timing: the plaintext is the source, then the output is dropped.
            if (r === 0 && (await sha256(c.check)) !== want)
              throw new Error(`${c.name}: wrong bytes`);
            rmSync(c.check, { force: true });
          }
          console.error(`  round ${r + 1} ${c.name}: ${c.t.at(-1)!.toFixed(2)} s`);
        }
      }
    };
    const out = (n: string) => join(dir, `out-${n}.bin`);

    // ---- reads of the Java-written object ----
    const getOurs: Contender = {
      name: 'get: s3enc getToFile',
      fn: () => enc.getToFile(bucket, 'java-v3', out('ours')),
      t: [],
      check: out('ours'),
    };
    const getPy: Contender = {
      name: 'get: Python S3EC get_object',
      fn: () => python(['get', '--object', `java-v3=${out('py')}`]),
      t: [],
      check: out('py'),
    };
    const getJava: Contender = {
      name: 'get: Java S3EC getObject',
      fn: () => javaGet('java-v3', out('java')),
      t: [],
      check: out('java'),
    };
    const getOurs1: Contender = {
      name: 'get 1 B: s3enc getToFile',
      fn: () => enc.getToFile(bucket, 'java-v3-1b', out('ours1')),
      t: [],
    };
    const getPy1: Contender = {
      name: 'get 1 B: Python (process start)',
      fn: () => python(['get', '--object', `java-v3-1b=${out('py1')}`]),
      t: [],
    };
    const getJava1: Contender = {
      name: 'get 1 B: Java (JVM start)',
      fn: () => javaGet('java-v3-1b', out('java1')),
      t: [],
    };
    // The transport's ceiling: one plain GetObject of the ciphertext, bytes dropped.
    const getRaw: Contender = {
      name: 'get: plain GetObject, dropped',
      fn: async () =>
        drain(
          (await plain.send(new GetObjectCommand({ Bucket: bucket, Key: 'java-v3' })))
            .Body as AsyncIterable<Uint8Array>,
        ),
      t: [],
    };
    await runAll([getOurs, getPy, getJava, getRaw, getOurs1, getPy1, getJava1]);

    // ---- V3 multipart writes of the same file ----
    const putOurs: Contender = {
      name: 'put: s3enc put s3ec-v3',
      fn: () => enc.put(bucket, 'ours-v3', { path: file }, { format: 's3ec-v3' }),
      t: [],
    };
    const putJava: Contender = {
      name: 'put: Java S3EC multipart',
      fn: () => javaPutMultipart('java-v3-w', file),
      t: [],
    };
    const putOurs1: Contender = {
      name: 'put 1 B: s3enc put s3ec-v3',
      fn: () => enc.put(bucket, 'ours-v3-1b', { path: tiny }, { format: 's3ec-v3' }),
      t: [],
    };
    const putJava1: Contender = {
      name: 'put 1 B: Java (JVM start)',
      fn: () => javaPutMultipart('java-v3-w-1b', tiny),
      t: [],
    };
    await runAll([putOurs, putJava, putOurs1, putJava1]);
    // The writes are real: the Java client reads ours back.
    await javaGet('ours-v3', out('back'));
    if ((await sha256(out('back'))) !== want) throw new Error('Java read of our V3 object differs');
    rmSync(out('back'));

    // ---- getToFile peak RSS, one child per size ----
    const rss: { mib: number; base: number; peak: number; seconds: number }[] = [];
    for (const mib of RSS_SIZES) {
      const f = join(dir, `rss-${mib}.bin`);
      await writeRandomFile(f, mib * MiB);
      await enc.put(bucket, `rss-${mib}`, { path: f }, { format: 's3ec-v3' });
      rmSync(f);
      const r = await new Promise<{ base: number; peak: number; seconds: number }>(
        (resolve, reject) => {
          const p = spawn(
            process.execPath,
            [
              ...process.execArgv,
              fileURLToPath(import.meta.url),
              '--child',
              bucket,
              `rss-${mib}`,
              out(`rss-${mib}`),
            ],
            {
              env: {
                ...process.env,
                S3ENC_TEST_ENV_JSON: JSON.stringify(env),
                NODE_NO_WARNINGS: '1',
              },
              stdio: ['ignore', 'pipe', 'inherit'],
            },
          );
          let s = '';
          p.stdout.on('data', (d: Buffer) => (s += d.toString()));
          p.on('exit', (code) => {
            if (code === 0)
              resolve(JSON.parse(s) as { base: number; peak: number; seconds: number });
            else reject(new Error(`getToFile child exited ${code}`));
          });
        },
      );
      if (statSync(out(`rss-${mib}`)).size !== mib * MiB) throw new Error('short getToFile');
      rmSync(out(`rss-${mib}`));
      rss.push({ mib, ...r });
    }
    enc.destroy();
    plain.destroy();

    // ---- report ----
    const s = (c: Contender) => median(c.t).toFixed(2);
    const mbps = (c: Contender) => (SIZE / 1e6 / median(c.t)).toFixed(0);
    /** Median over rounds of t(peer) / t(ours); `minus`: the peer's 1-byte run of that round taken off. */
    const ratio = (peer: Contender, ours: Contender, minus?: Contender) =>
      median(peer.t.map((tp, i) => (tp - (minus ? minus.t[i]! : 0)) / ours.t[i]!)).toFixed(2);
    console.log(
      `\nV3 object ${SIZE / MiB} MiB written by the Java client (multipart, ${PART / MiB} MiB parts); s3enc part/chunk ${PART / MiB} MiB, concurrency ${CONCURRENCY}; ${REPS} rounds, rotating order, medians; MinIO + local-kms over TLS on this machine. Load average before ${loadBefore}, after ${load()}.\n`,
    );
    for (const c of [getOurs, getPy, getJava, getRaw, putOurs, putJava])
      console.log(`${c.name.padEnd(34)} ${s(c).padStart(7)} s ${mbps(c).padStart(6)} MB/s`);
    for (const c of [getOurs1, getPy1, getJava1, putOurs1, putJava1])
      console.log(`${c.name.padEnd(34)} ${s(c).padStart(7)} s`);
    console.log(
      "\ntime ratios, peer / s3enc (> 1: s3enc faster); raw, and minus the peer's 1-byte run:",
    );
    console.log(
      `  read:  Python / s3enc getToFile   ${ratio(getPy, getOurs)}   ${ratio(getPy, getOurs, getPy1)}`,
    );
    console.log(
      `  read:  Java / s3enc getToFile     ${ratio(getJava, getOurs)}   ${ratio(getJava, getOurs, getJava1)}`,
    );
    console.log(
      `  write: Java multipart / s3enc put ${ratio(putJava, putOurs)}   ${ratio(putJava, putOurs, putJava1)}`,
    );
    console.log(
      `\ntime of s3enc getToFile / plain GetObject, dropped (< 1: faster than the transport) ${median(getOurs.t.map((t, k) => t / getRaw.t[k]!)).toFixed(2)}`,
    );
    console.log('\ngetToFile peak RSS (own child process per size):');
    for (const r of rss)
      console.log(
        `  ${`${r.mib} MiB`.padEnd(9)} baseline ${(r.base / MiB).toFixed(0)} MiB, peak ${(r.peak / MiB).toFixed(0)} MiB, delta ${((r.peak - r.base) / MiB).toFixed(0)} MiB, ${((r.mib * MiB) / 1e6 / r.seconds).toFixed(0)} MB/s`,
      );
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await servers.stop();
  }
}

const i = process.argv.indexOf('--child');
if (i >= 0) await child(process.argv[i + 1]!, process.argv[i + 2]!, process.argv[i + 3]!);
else
  await parent().catch((err: unknown) => {
    console.error('benchmark failed:', err);
    process.exitCode = 1;
  });
