// The data-key cache against local-kms over TLS (docs/transfer.md, "Data-key cache: the
// trade-off"): KMS GenerateDataKey / Decrypt calls counted on the KMS client for 50 small puts
// and gets with and without the cache; objects written with a cached data key decrypt with
// @aws-crypto/client-node and with the Python AWS Encryption SDK (an independent
// implementation); per-object encryption contexts never share a data key.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { KMS, KMSClient } from '@aws-sdk/client-kms';
import { buildClient, CommitmentPolicy, KmsKeyringNode } from '@aws-crypto/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataKeyCache, describeMessage, parseHeader } from '@s3enc/core';
import { DIAGNOSTICS_CHANNELS, EncryptedS3Client } from '@s3enc/node';
import {
  createTestBucket,
  getTestEnv,
  makeHttpsAgent,
  makeS3Client,
  type TestBucket,
} from '../harness/env.js';
import { runEsdkPeer, tempFile } from '../peers/peers.js';
import { data, F, s3Settings } from './helpers.js';

const env = getTestEnv();
const s3 = makeS3Client(env);
let bucket: TestBucket;

/** A KMS client that counts the commands it sends, by name. */
function countingKms(): { kms: KMSClient; counts: Map<string, number> } {
  const kms = new KMSClient({
    endpoint: env.kms.endpoint,
    region: env.kms.region,
    credentials: env.kms.credentials,
    requestHandler: { httpsAgent: makeHttpsAgent(env) },
  });
  const counts = new Map<string, number>();
  kms.middlewareStack.add(
    (next, context) => (args) => {
      const name = String(context.commandName);
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 's3encTestCountKmsCalls' },
  );
  return { kms, counts };
}

function client(kms: KMSClient, cache?: { maxAgeMs: number; maxMessages?: number }) {
  return new EncryptedS3Client({
    s3: s3Settings(env),
    kmsKeyIds: [env.kmsKeys.primary.arn],
    kms,
    frameLength: F,
    ...(cache ? { dataKeyCache: cache } : {}),
  });
}

/** Runs `fn` over `items` with at most `n` at once (as a bulk run does). */
async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (i < items.length) await fn(items[i++]!);
    }),
  );
}

async function rawObject(k: string): Promise<Buffer> {
  const r = await s3.send(new GetObjectCommand({ Bucket: bucket.name, Key: k }));
  return Buffer.from(await r.Body!.transformToByteArray());
}

/**
 * The encrypted data keys of a v2 header, as bytes (docs/FORMAT.md, "Header"): after version,
 * suite, message id and the length-prefixed context; before content type, frame length and
 * the 32-byte commitment, and the 16-byte header tag.
 */
function edkSection(message: Buffer): string {
  const { headerLength } = parseHeader(message)!;
  const start = 1 + 2 + 32 + 2 + message.readUInt16BE(35);
  return message.subarray(start, headerLength - 16 - 32 - 4 - 1).toString('hex');
}

const N = 50;
const context = { purpose: 'dk-cache-test', tenant: 'a' };
const plains = Array.from({ length: N }, (_, i) => data(1024 + i));
const keysOf = (prefix: string) => plains.map((_, i) => `${prefix}/obj-${i}`);

beforeAll(async () => {
  bucket = await createTestBucket(env, { prefix: 'dk-cache' });
});
afterAll(async () => {
  await bucket.cleanup();
  s3.destroy();
});

describe('data-key cache against local-kms', () => {
  it(`${N} small puts: ${N} GenerateDataKey without the cache, 1 with it; gets: ${N} Decrypt or 1`, async () => {
    const off = countingKms();
    const on = countingKms();
    const plain = client(off.kms);
    const cached = client(on.kms, { maxAgeMs: 60_000 });
    try {
      await pool(keysOf('off'), 8, async (k) => {
        const i = Number(k.split('-').at(-1));
        await plain.put(bucket.name, k, plains[i]!, { encryptionContext: context });
      });
      await pool(keysOf('on'), 8, async (k) => {
        const i = Number(k.split('-').at(-1));
        await cached.put(bucket.name, k, plains[i]!, { encryptionContext: context });
      });
      expect(off.counts.get('GenerateDataKeyCommand')).toBe(N);
      expect(on.counts.get('GenerateDataKeyCommand')).toBe(1);
      expect(cached.dataKeyCache?.stats).toMatchObject({ hits: N - 1, misses: 1 });
      // One wrapped data key in every header written with the cache; each its own message id.
      const headers = await Promise.all(keysOf('on').map(rawObject));
      expect(new Set(headers.map((h) => describeMessage(h).messageId)).size).toBe(N);
      expect(new Set(headers.map(edkSection)).size).toBe(1);
      const unshared = await Promise.all(keysOf('off').map(rawObject));
      expect(new Set(unshared.map(edkSection)).size).toBe(N);

      // Reading: the objects share one wrapped key, so a reader with the cache asks KMS once.
      const readOff = countingKms();
      const readOn = countingKms();
      const r1 = client(readOff.kms);
      const r2 = client(readOn.kms, { maxAgeMs: 60_000 });
      try {
        for (const [i, k] of keysOf('on').entries()) {
          expect((await (await r1.get(bucket.name, k)).bytes()).equals(plains[i]!)).toBe(true);
          expect((await (await r2.get(bucket.name, k)).bytes()).equals(plains[i]!)).toBe(true);
        }
        expect(readOff.counts.get('DecryptCommand')).toBe(N);
        expect(readOn.counts.get('DecryptCommand')).toBe(1);
        // Objects written without the cache have their own wrapped keys: no reuse on read.
        for (const k of keysOf('off').slice(0, 5)) await (await r2.get(bucket.name, k)).bytes();
        expect(readOn.counts.get('DecryptCommand')).toBe(6);
      } finally {
        r1.destroy();
        r2.destroy();
        readOff.kms.destroy();
        readOn.kms.destroy();
      }
    } finally {
      plain.destroy();
      cached.destroy();
      off.kms.destroy();
      on.kms.destroy();
    }
    // destroy() closed the cache the client made.
    expect(cached.dataKeyCache?.stats).toMatchObject({ entries: 0, closed: true });
  });

  it('maxMessages: 50 puts at 10 messages per data key make 5 data keys; events say which', async () => {
    const { kms, counts } = countingKms();
    const c = client(kms, { maxAgeMs: 60_000, maxMessages: 10 });
    const cached: boolean[] = [];
    const onKey = (m: unknown) => {
      if ((m as { key: string }).key.startsWith('m10/'))
        cached.push((m as { dataKeyFromCache: boolean }).dataKeyFromCache);
    };
    subscribe(DIAGNOSTICS_CHANNELS.keyGenerate, onKey);
    try {
      for (const [i, k] of keysOf('m10').entries()) await c.put(bucket.name, k, plains[i]!);
      expect(counts.get('GenerateDataKeyCommand')).toBe(5);
      expect(cached).toHaveLength(N);
      expect(cached.filter((x) => !x)).toHaveLength(5);
      expect(cached.slice(0, 11)).toEqual([false, ...Array<boolean>(9).fill(true), false]);
    } finally {
      unsubscribe(DIAGNOSTICS_CHANNELS.keyGenerate, onKey);
      c.destroy();
      kms.destroy();
    }
  });

  it('a per-object encryption context never shares a data key (the cache cannot help there)', async () => {
    const { kms, counts } = countingKms();
    const c = client(kms, { maxAgeMs: 60_000 });
    try {
      for (const [i, k] of keysOf('per-object').slice(0, 10).entries()) {
        await c.put(bucket.name, k, plains[i]!, { encryptionContext: { object: k } });
      }
      expect(counts.get('GenerateDataKeyCommand')).toBe(10);
      expect(c.dataKeyCache?.stats).toMatchObject({ hits: 0, misses: 10, entries: 10 });
    } finally {
      c.destroy();
      kms.destroy();
    }
  });

  it('a cache shared by two clients: partitions keep their data keys apart', async () => {
    const { kms, counts } = countingKms();
    const shared = createDataKeyCache({ maxAgeMs: 60_000, partition: 'tenant-a' });
    const a = new EncryptedS3Client({
      s3: s3Settings(env),
      kmsKeyIds: [env.kmsKeys.primary.arn],
      kms,
      dataKeyCache: shared,
    });
    const b = new EncryptedS3Client({
      s3: s3Settings(env),
      kmsKeyIds: [env.kmsKeys.primary.arn],
      kms,
      dataKeyCache: shared.withPartition('tenant-b'),
    });
    try {
      for (let i = 0; i < 3; i++) {
        await a.put(bucket.name, `part/a-${i}`, plains[i]!);
        await b.put(bucket.name, `part/b-${i}`, plains[i]!);
      }
      expect(counts.get('GenerateDataKeyCommand')).toBe(2);
    } finally {
      a.destroy();
      b.destroy();
      // A cache passed in is the caller's: destroy() left it open.
      expect(shared.stats.closed).toBe(false);
      shared.close();
      kms.destroy();
    }
  });
});

describe('objects written with a cached data key, read by independent implementations', () => {
  let written: { key: string; plain: Buffer }[] = [];
  beforeAll(async () => {
    const { kms } = countingKms();
    const c = client(kms, { maxAgeMs: 60_000 });
    try {
      written = [];
      for (const n of [0, 1, F - 1, F, F + 1, 3 * F + 7]) {
        const key = `peers/size-${n}`;
        const plain = data(n);
        await c.put(bucket.name, key, plain, { encryptionContext: context });
        written.push({ key, plain });
      }
      expect(c.dataKeyCache?.stats.hits).toBe(written.length - 1);
    } finally {
      c.destroy();
      kms.destroy();
    }
  });

  it('@aws-crypto/client-node decrypts them', async () => {
    const { decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
    const kms = new KMS({
      endpoint: env.kms.endpoint,
      region: env.kms.region,
      credentials: env.kms.credentials,
      requestHandler: { httpsAgent: makeHttpsAgent(env) },
    });
    try {
      const keyring = new KmsKeyringNode({
        generatorKeyId: env.kmsKeys.primary.arn,
        clientProvider: () => kms,
      });
      for (const w of written) {
        // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- KmsKeyringNode is built by a mixin factory
        const { plaintext, messageHeader } = await decrypt(keyring, await rawObject(w.key));
        expect(Buffer.from(plaintext).equals(w.plain)).toBe(true);
        expect(messageHeader.encryptionContext).toEqual(context);
      }
    } finally {
      kms.destroy();
    }
  });

  it('the Python AWS Encryption SDK decrypts them', async () => {
    const pairs: [string, string][] = [];
    for (const w of written)
      pairs.push([tempFile('ct', await rawObject(w.key)), tempFile('pt', '')]);
    const r = await runEsdkPeer(env, 'decrypt', pairs, { kmsKeyId: env.kmsKeys.primary.arn });
    expect(
      r.results.map((x) => x.error ?? 'ok'),
      r.stderr,
    ).toEqual(written.map(() => 'ok'));
    expect(r.code).toBe(0);
    for (const [i, res] of r.results.entries()) {
      expect(res.encryptionContext).toEqual(context);
      expect(readFileSync(pairs[i]![1]).equals(written[i]!.plain)).toBe(true);
    }
  });
});
