// Encrypted transfers against the alternatives, same server, same data, one run.
//   npx tsx --tsconfig bench/transfer-tsconfig.json bench/transfer-throughput.ts
// S3ENC_BENCH_MB (default 256) sets the object size; S3ENC_BENCH_REPS (default 2) the runs
// per figure (the best is kept).
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
import { EncryptedS3Client, type HandlerKind } from '@s3enc/node';
import { startTestServers } from '../test/harness/env.js';
import {
  drain,
  keyring,
  makeBucket,
  mbps,
  MiB,
  plainS3,
  s3Settings,
  writeRandomFile,
} from './transfer-common.js';

const repoDir = fileURLToPath(new URL('..', import.meta.url));
const SIZE = Number(process.env.S3ENC_BENCH_MB ?? 256) * MiB;
const REPS = Number(process.env.S3ENC_BENCH_REPS ?? 2);
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

  const rows: [string, number][] = [];
  const row = async (name: string, fn: () => Promise<unknown>) => {
    const r = await mbps(SIZE, REPS, fn);
    rows.push([name, r]);
    console.error(`${name}: ${r.toFixed(0)} MB/s`);
    return r;
  };

  // ---- uploads ----
  const putPlain = await row('put: plain lib-storage Upload', () =>
    new Upload({
      client: plain,
      params: { Bucket: bucket, Key: 'plain', Body: createReadStream(file) },
      partSize: PART,
      queueSize: CONCURRENCY,
    }).done(),
  );
  const putEnc = await row('put: s3enc EncryptedS3Client.put (default handler)', () =>
    enc.put(bucket, 'enc', { path: file }),
  );
  const putOfficial = await row('put: encryptStream -> lib-storage Upload', () =>
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
  const putNodeHttps = await row('put: s3enc, node:https handler only', () =>
    clients['node-https'].put(bucket, 'enc-nh', { path: file }),
  );
  const putUndici = await row('put: s3enc, undici handler only', () =>
    clients.undici.put(bucket, 'enc-un', { path: file }),
  );

  // ---- downloads ----
  const getPlain = await row('get: plain GetObject stream (ciphertext)', async () =>
    drain(
      (await plain.send(new GetObjectCommand({ Bucket: bucket, Key: 'enc' })))
        .Body as AsyncIterable<Uint8Array>,
    ),
  );
  const getEnc = await row('get: s3enc EncryptedS3Client.get (default handler)', async () =>
    drain((await enc.get(bucket, 'enc')).body),
  );
  // Our engine with crypto off: the same parallel ranged GETs over the plaintext object
  // (same bytes, 0.01 % smaller than the ciphertext), no header, no decryption.
  const getNoCrypto = await row('get: s3enc engine, crypto off', async () =>
    drain((await enc.get(bucket, 'plain', { allowPlaintext: true })).body),
  );
  const getOfficial = await row('get: GetObject -> decryptUnsignedMessageStream', async () => {
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
  const getNodeHttps = await row('get: s3enc, node:https handler only', async () =>
    drain((await clients['node-https'].get(bucket, 'enc')).body),
  );
  const getUndici = await row('get: s3enc, undici handler only', async () =>
    drain((await clients.undici.get(bucket, 'enc')).body),
  );

  console.log(
    `\nobject ${SIZE / MiB} MiB, part ${PART / MiB} MiB, concurrency ${CONCURRENCY}, best of ${REPS}; MinIO + TLS on this machine (${(await import('node:os')).cpus().length} cores)\n`,
  );
  for (const [n, r] of rows) console.log(`${n.padEnd(52)} ${r.toFixed(0).padStart(6)} MB/s`);
  const ratio = (a: number, b: number) => (a / b).toFixed(2);
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
    `  encrypted put / encryptStream -> Upload           ${ratio(putEnc, putOfficial)}  (>= 2)`,
  );
  console.log(
    `  encrypted get / GetObject -> decryptUnsigned...   ${ratio(getEnc, getOfficial)}  (>= 2)`,
  );
  console.log(
    `  undici / node:https handler, put                  ${ratio(putUndici, putNodeHttps)}`,
  );
  console.log(
    `  undici / node:https handler, get                  ${ratio(getUndici, getNodeHttps)}`,
  );
  for (const c of Object.values(clients)) c.destroy();
  plain.destroy();
} catch (err) {
  console.error('benchmark failed:', err);
  process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
  await servers.stop();
}
