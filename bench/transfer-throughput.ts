// Encrypted transfers against the alternatives, same server, same data, one run.
//   npx tsx --tsconfig bench/transfer-tsconfig.json bench/transfer-throughput.ts
// S3ENC_BENCH_MB (default 256) sets the object size; S3ENC_BENCH_REPS (default 3) the rounds
// per figure (the best is kept); S3ENC_BENCH_GET_ONLY=1 uploads once and times only the gets
// that the engine ratios need (encrypted, crypto off, plain GetObject).
// Client CPU seconds per GiB are the process's (user + system) CPU over each timed run: the
// client's own work (TLS, HTTP, crypto, GC threads), not MinIO's (another process).
import { createReadStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
} from '@aws-crypto/client-node';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { DIAGNOSTICS_CHANNELS, EncryptedS3Client, type HandlerKind } from '@s3enc/node';
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
const REPS = Number(process.env.S3ENC_BENCH_REPS ?? 3);
const GET_ONLY = process.env.S3ENC_BENCH_GET_ONLY === '1';
const CONCURRENCY = 4;
const PART = 8 * MiB;

const servers = await startTestServers();
mkdirSync(join(repoDir, '.cache'), { recursive: true });
const dir = mkdtempSync(join(repoDir, '.cache', 'transfer-bench-'));
try {
  const env = servers.env;
  const plain = plainS3(env);
  const bucket = await makeBucket(plain, `bench-${Date.now().toString(36)}`);
  const file = join(dir, 'data.bin');
  await writeRandomFile(file, SIZE);
  const clients: Record<HandlerKind, EncryptedS3Client> = {
    auto: new EncryptedS3Client({
      s3: s3Settings(env),
      keyring: keyring(),
      concurrency: CONCURRENCY,
      partSize: PART,
    }),
    undici: new EncryptedS3Client({
      s3: { ...s3Settings(env), handler: 'undici' },
      keyring: keyring(),
      concurrency: CONCURRENCY,
      partSize: PART,
    }),
    'node-https': new EncryptedS3Client({
      s3: { ...s3Settings(env), handler: 'node-https' },
      keyring: keyring(),
      concurrency: CONCURRENCY,
      partSize: PART,
    }),
  };
  const enc = clients.auto;
  const official = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
  const officialKeyring = new RawAesKeyringNode({
    keyName: 'bench',
    keyNamespace: 's3enc-bench',
    unencryptedMasterKey: Buffer.alloc(32, 9),
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  });

  // Every contender of a direction runs once per repetition, back to back in a rotating
  // order; a ratio is the median of its per-repetition ratios (this VM drifts by up to 2x
  // over a minute, which best-of figures taken minutes apart do not cancel).
  const rows: [string, number][] = [];
  type Contender = { name: string; fn: () => Promise<unknown>; t: number[]; cpu: number[] };
  const contenders: Contender[] = [];
  const row = (name: string, fn: () => Promise<unknown>): Contender => {
    const c = { name, fn, t: [] as number[], cpu: [] as number[] };
    contenders.push(c);
    return c;
  };
  const runAll = async (group: Contender[]) => {
    for (let r = 0; r < REPS; r++) {
      for (let k = 0; k < group.length; k++) {
        const c = group[(k + r) % group.length]!;
        const c0 = process.cpuUsage();
        const t0 = process.hrtime.bigint();
        await c.fn();
        c.t.push(Number(process.hrtime.bigint() - t0) / 1e9);
        const used = process.cpuUsage(c0);
        c.cpu.push((used.user + used.system) / 1e6);
      }
    }
    for (const c of group) {
      const best = SIZE / 1e6 / Math.min(...c.t);
      rows.push([c.name, best]);
      console.error(
        `${c.name}: ${best.toFixed(0)} MB/s (best of ${REPS}), ${cpuPerGiB(c).toFixed(2)} CPU s/GiB (median)`,
      );
    }
  };
  const median = (xs: number[]) => {
    const v = [...xs].sort((a, b) => a - b);
    return v.length % 2 === 1 ? v[v.length >> 1]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
  };
  /** Runs `fn` with a listener on every s3enc diagnostics channel (the events' cost). */
  let events = 0;
  const count = () => {
    events++;
  };
  const withEvents = async (fn: () => Promise<unknown>) => {
    for (const name of Object.values(DIAGNOSTICS_CHANNELS)) subscribe(name, count);
    try {
      return await fn();
    } finally {
      for (const name of Object.values(DIAGNOSTICS_CHANNELS)) unsubscribe(name, count);
    }
  };
  /** Median over repetitions of speed(a) / speed(b). */
  const paired = (a: Contender, b: Contender) => median(a.t.map((ta, i) => b.t[i]! / ta));
  /** Median over repetitions of cpu(a) / cpu(b), per byte moved. */
  const pairedCpu = (a: Contender, b: Contender) => median(a.cpu.map((ca, i) => ca / b.cpu[i]!));
  const cpuPerGiB = (c: Contender) => median(c.cpu) / (SIZE / 1024 ** 3);

  // ---- uploads ----
  const putPlain = row('put: plain lib-storage Upload', () =>
    new Upload({
      client: plain,
      params: { Bucket: bucket, Key: 'plain', Body: createReadStream(file) },
      partSize: PART,
      queueSize: CONCURRENCY,
    }).done(),
  );
  const putEnc = row('put: s3enc EncryptedS3Client.put (default handler)', () =>
    enc.put(bucket, 'enc', { path: file }),
  );
  const putOfficial = row('put: encryptStream -> lib-storage Upload', () =>
    new Upload({
      client: plain,
      params: {
        Bucket: bucket,
        Key: 'official',
        // The official stream is a readable-stream v3 Duplex; lib-storage wants a core Readable.
        Body: createReadStream(file)
          .pipe(
            official.encryptStream(officialKeyring, {
              suiteId: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY,
            }),
          )
          .pipe(new PassThrough()),
      },
      partSize: PART,
      queueSize: CONCURRENCY,
    }).done(),
  );
  const signed = new EncryptedS3Client({
    s3: s3Settings(env),
    keyring: keyring(),
    concurrency: CONCURRENCY,
    partSize: PART,
    signPayload: true,
  });
  const putSigned = row('put: s3enc, signPayload (SigV4 SHA-256 of the body)', () =>
    signed.put(bucket, 'enc-signed', { path: file }),
  );
  const putEvents = row('put: s3enc, diagnostics events subscribed', () =>
    withEvents(() => enc.put(bucket, 'enc-ev', { path: file })),
  );
  const putNodeHttps = row('put: s3enc, node:https handler only', () =>
    clients['node-https'].put(bucket, 'enc-nh', { path: file }),
  );
  const putUndici = row('put: s3enc, undici handler only', () =>
    clients.undici.put(bucket, 'enc-un', { path: file }),
  );

  if (GET_ONLY) {
    contenders.splice(0);
    await putPlain.fn();
    await putEnc.fn();
  } else await runAll(contenders.splice(0));

  // ---- downloads ----
  const getPlain = row('get: plain GetObject stream (ciphertext)', async () =>
    drain(
      (await plain.send(new GetObjectCommand({ Bucket: bucket, Key: 'enc' })))
        .Body as AsyncIterable<Uint8Array>,
    ),
  );
  const getEnc = row('get: s3enc EncryptedS3Client.get (default handler)', async () =>
    drain((await enc.get(bucket, 'enc')).body),
  );
  // Our engine with crypto off: the same parallel ranged GETs over the plaintext object
  // (same bytes, 0.01 % smaller than the ciphertext), no header, no decryption.
  const getNoCrypto = row('get: s3enc engine, crypto off', async () =>
    drain((await enc.get(bucket, 'plain', { allowPlaintext: true })).body),
  );
  const getOfficial = row('get: GetObject -> decryptUnsignedMessageStream', async () => {
    const res = await plain.send(new GetObjectCommand({ Bucket: bucket, Key: 'enc' }));
    let n = 0;
    await pipeline(
      res.Body as NodeJS.ReadableStream,
      official.decryptUnsignedMessageStream(officialKeyring),
      async (src: AsyncIterable<Uint8Array>) => {
        for await (const c of src) n += c.length;
      },
    );
    return n;
  });
  const getEvents = row('get: s3enc, diagnostics events subscribed', () =>
    withEvents(async () => drain((await enc.get(bucket, 'enc')).body)),
  );
  const getNodeHttps = row('get: s3enc, node:https handler only', async () =>
    drain((await clients['node-https'].get(bucket, 'enc')).body),
  );
  const getUndici = row('get: s3enc, undici handler only', async () =>
    drain((await clients.undici.get(bucket, 'enc')).body),
  );

  await runAll(GET_ONLY ? [getPlain, getEnc, getNoCrypto] : contenders);
  contenders.splice(0);

  console.log(
    `\nobject ${SIZE / MiB} MiB, part ${PART / MiB} MiB, concurrency ${CONCURRENCY}, best of ${REPS}, ratios paired medians; MinIO + TLS on this machine (${(await import('node:os')).cpus().length} cores), load average ${(
      await import('node:os')
    )
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}\n`,
  );
  for (const [n, r] of rows) console.log(`${n.padEnd(52)} ${r.toFixed(0).padStart(6)} MB/s`);
  const ratio = (a: Contender, b: Contender) =>
    a.t.length > 0 && b.t.length > 0 ? paired(a, b).toFixed(2) : ' n/a';
  console.log('\nratios (target):');
  console.log(
    `  encrypted put / plain Upload                      ${ratio(putEnc, putPlain)}  (>= 0.90)`,
  );
  console.log(
    `  encrypted get / plain GetObject                   ${ratio(getEnc, getPlain)}  (>= 0.90)`,
  );
  console.log(
    `  encrypted get / our engine, crypto off            ${ratio(getEnc, getNoCrypto)}  (>= 0.90)`,
  );
  console.log(
    `  client CPU s/GiB, encrypted get / crypto off      ${pairedCpu(getEnc, getNoCrypto).toFixed(2)}  (<= 1.15; ${cpuPerGiB(getEnc).toFixed(2)} / ${cpuPerGiB(getNoCrypto).toFixed(2)} s/GiB)`,
  );
  console.log(
    `  encrypted put / encryptStream -> Upload           ${ratio(putEnc, putOfficial)}  (>= 2)`,
  );
  console.log(
    `  encrypted get / GetObject -> decryptUnsigned...   ${ratio(getEnc, getOfficial)}  (>= 2)`,
  );
  console.log(
    `  unsigned / signed payload put (default / signPayload) ${ratio(putEnc, putSigned)}  (CPU: ${putSigned.t.length > 0 ? pairedCpu(putEnc, putSigned).toFixed(2) : 'n/a'})`,
  );
  console.log(
    `  events subscribed / none, put                     ${ratio(putEvents, putEnc)}  (~1.00; ${events} events)`,
  );
  console.log(
    `  events subscribed / none, get                     ${ratio(getEvents, getEnc)}  (~1.00)`,
  );
  console.log(
    `  undici / node:https handler, put                  ${ratio(putUndici, putNodeHttps)}`,
  );
  console.log(
    `  undici / node:https handler, get                  ${ratio(getUndici, getNodeHttps)}`,
  );
  for (const c of Object.values(clients)) c.destroy();
  signed.destroy();
  plain.destroy();
} catch (err) {
  console.error('benchmark failed:', err);
  process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
  await servers.stop();
}
