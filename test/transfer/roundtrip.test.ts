import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  KmsKeyringNode,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
} from '@aws-crypto/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checksumOf, ciphertextSize } from '@s3enc/core';
import { describeObject, type EncryptedS3Client } from '@s3enc/node';
import { KMS } from '@aws-sdk/client-kms';
import {
  createTestBucket,
  getTestEnv,
  makeHttpsAgent,
  makeS3Client,
  type TestBucket,
} from '../harness/env.js';
import { data, F, makeClient, MiB, openUploads } from './helpers.js';

const env = getTestEnv();
let bucket: TestBucket;
let client: EncryptedS3Client;
const dir = mkdtempSync(join(tmpdir(), 's3enc-transfer-'));

beforeAll(async () => {
  bucket = await createTestBucket(env, { prefix: 'transfer-rt' });
  client = makeClient(env);
});
afterAll(async () => {
  client.destroy();
  await bucket.cleanup();
});

const PART = 5 * MiB; // target ciphertext per part
const framesPerPart = Math.floor(PART / (F + 32)) + 1; // planParts rounds up to reach 5 MiB
const partPlain = framesPerPart * F;

describe('round trips at size boundaries', () => {
  const sizes: [string, number][] = [
    ['0', 0],
    ['1', 1],
    ['F-1', F - 1],
    ['F', F],
    ['F+1', F + 1],
    ['one part - 1', partPlain - 1],
    ['one part', partPlain],
    ['one part + 1', partPlain + 1],
    ['3 parts + some', 3 * partPlain + 12345],
  ];
  for (const [name, n] of sizes) {
    it(`${name} (${n} bytes), buffer source, stream and file targets`, async () => {
      const plain = data(n);
      const key = `rt/${name}`;
      const put = await client.put(bucket.name, key, plain, { concurrency: 2 });
      expect(put.plaintextSize).toBe(n);
      expect(put.ciphertextSize).toBe(ciphertextSize(n, F, put.headerLength));
      expect(put.multipart).toBe(put.parts > 1);
      const got = await client.get(bucket.name, key);
      expect(got.plaintextSize).toBe(n);
      expect((await got.bytes()).equals(plain)).toBe(true);
      const path = join(dir, `rt-${n}`);
      const f = await client.getToFile(bucket.name, key, path, {
        concurrency: 3,
        chunkSize: 1 * MiB,
      });
      expect(f.bytesWritten).toBe(n);
      expect(readFileSync(path).equals(plain)).toBe(true);
    });
  }
  it('concurrency greater than the number of parts', async () => {
    const plain = data(2 * partPlain + 5);
    const put = await client.put(bucket.name, 'rt/conc', plain, { concurrency: 8 });
    expect(put.parts).toBe(3);
    expect(
      (
        await (
          await client.get(bucket.name, 'rt/conc', { concurrency: 16, chunkSize: 64 * 1024 })
        ).bytes()
      ).equals(plain),
    ).toBe(true);
    expect(await openUploads(client.s3, bucket.name)).toBe(0);
  });
});

describe('every source type', () => {
  const n = partPlain + 777; // multipart
  const plain = data(n);
  const path = join(dir, 'source.bin');
  writeFileSync(path, plain);
  const cases: [string, () => unknown][] = [
    ['Uint8Array', () => new Uint8Array(plain)],
    ['file path', () => ({ path })],
    [
      'Node Readable (unknown length)',
      () =>
        Readable.from([
          plain.subarray(0, 1000),
          plain.subarray(1000, 3_000_000),
          plain.subarray(3_000_000),
        ]),
    ],
    ['Web ReadableStream (unknown length)', () => Readable.toWeb(Readable.from([plain]))],
    [
      'async iterable',
      () =>
        (async function* () {
          for (let i = 0; i < n; i += 100_000) yield plain.subarray(i, i + 100_000);
        })(),
    ],
  ];
  for (const [name, make] of cases) {
    it(name, async () => {
      const put = await client.put(bucket.name, `src/${name}`, make() as never);
      expect(put.plaintextSize).toBe(n);
      expect(put.parts).toBe(2);
      expect((await (await client.get(bucket.name, `src/${name}`)).bytes()).equals(plain)).toBe(
        true,
      );
    });
  }
  it('string (UTF-8 content)', async () => {
    await client.put(bucket.name, 'src/string', 'héllo wörld');
    expect((await (await client.get(bucket.name, 'src/string')).bytes()).toString('utf8')).toBe(
      'héllo wörld',
    );
  });
  it('unknown-length streams: small (one PutObject), exactly a part, several parts', async () => {
    for (const m of [0, 10, partPlain, 2 * partPlain + 1]) {
      const p = data(m);
      const put = await client.put(
        bucket.name,
        `src/stream-${m}`,
        Readable.from(m === 0 ? [] : [p]),
      );
      expect(put.plaintextSize).toBe(m);
      expect((await (await client.get(bucket.name, `src/stream-${m}`)).bytes()).equals(p)).toBe(
        true,
      );
    }
  });
  it('a stream that delivers fewer bytes than announced fails without leaving an upload', async () => {
    await expect(
      client.put(bucket.name, 'src/short', Readable.from([data(partPlain + 10)]), {
        size: partPlain + 11,
      }),
    ).rejects.toMatchObject({
      code: 'ERR_S3ENC_SIZE_MISMATCH',
    });
    expect(await openUploads(client.s3, bucket.name)).toBe(0);
  });
  it('a body destroyed early (or never read) stops fetching without errors', async () => {
    const unread = await client.get(bucket.name, 'src/Uint8Array');
    unread.body.destroy();
    const partly = await client.get(bucket.name, 'src/Uint8Array', { chunkSize: 64 * 1024 });
    for await (const c of partly.body) {
      expect((c as Buffer).length).toBeGreaterThan(0);
      break; // destroys the stream
    }
    expect(partly.body.destroyed).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
  });
  it('a source that fails mid-stream: ERR_S3ENC_SOURCE_FAILED, no upload left', async () => {
    const failing = new Readable({
      read() {
        this.push(data(6 * MiB));
        this.destroy(new Error('disk on fire'));
      },
    });
    await expect(client.put(bucket.name, 'src/failing', failing)).rejects.toMatchObject({
      code: 'ERR_S3ENC_SOURCE_FAILED',
    });
    expect(await openUploads(client.s3, bucket.name)).toBe(0);
  });
  it('Web stream output', async () => {
    const got = await client.get(bucket.name, 'src/Uint8Array');
    const chunks: Uint8Array[] = [];
    for await (const c of got.toWeb()) chunks.push(c);
    expect(Buffer.concat(chunks).equals(plain)).toBe(true);
  });
});

describe('interoperability and metadata', () => {
  it('an object we wrote, fetched with plain GetObject, decrypts with @aws-crypto/client-node (KMS keyring)', async () => {
    const kc = makeClient(env, { kms: true });
    const plain = data(partPlain + 4321);
    const put = await kc.put(bucket.name, 'interop/kms', plain, {
      encryptionContext: { purpose: 'interop' },
    });
    expect(put.keyIds).toContain(env.kmsKeys.primary.arn);
    const raw = await kc.s3.send(new GetObjectCommand({ Bucket: bucket.name, Key: 'interop/kms' }));
    const bytes = Buffer.from(await raw.Body!.transformToByteArray());
    expect(raw.Metadata).toMatchObject({
      's3enc-format': 'aws-encryption-sdk',
      's3enc-format-version': '2',
    });
    const { decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
    const kms = new KMS({
      endpoint: env.kms.endpoint,
      region: env.kms.region,
      credentials: env.kms.credentials,
      requestHandler: { httpsAgent: makeHttpsAgent(env) },
    });
    const keyring = new KmsKeyringNode({
      keyIds: [env.kmsKeys.primary.arn],
      clientProvider: () => kms,
    });
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- the oracle's own keyring class
    const { plaintext, messageHeader } = await decrypt(keyring, bytes);
    expect(Buffer.from(plaintext).equals(plain)).toBe(true);
    expect(messageHeader.encryptionContext).toMatchObject({ purpose: 'interop' });
    // The checksum S3 holds is the one we computed over the ciphertext.
    expect(put.checksum.value).toBe(checksumOf('CRC32C', bytes).toString('base64'));
    const h = await kc.head(bucket.name, 'interop/kms');
    expect(h.encrypted).toBe(true);
    // The same description with no keyring at all, through a plain S3Client.
    const plainS3 = makeS3Client(env);
    try {
      expect(await describeObject(plainS3, bucket.name, 'interop/kms')).toEqual(h);
      const insecure = makeS3Client(env, { endpoint: env.s3.endpoint.replace('https:', 'http:') });
      await expect(describeObject(insecure, bucket.name, 'interop/kms')).rejects.toMatchObject({
        name: 'InsecureTransportError',
      });
      insecure.destroy();
    } finally {
      plainS3.destroy();
    }
    expect(h.envelope).toMatchObject({
      plaintextSize: plain.length,
      frameLength: F,
      keyIds: [env.kmsKeys.primary.arn],
      encryptionContext: { purpose: 'interop' },
      suiteId: 0x0478,
    });
    // get with the wrong required context fails before any plaintext
    await expect(
      kc.get(bucket.name, 'interop/kms', { encryptionContext: { purpose: 'other' } }),
    ).rejects.toMatchObject({ name: 'KeyUnwrapError' });
    kc.destroy();
  });
  it('objects written by the official library decrypt through get', async () => {
    const { encrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
    const keyring = new RawAesKeyringNode({
      keyName: 'transfer-test',
      keyNamespace: 's3enc-tests',
      unencryptedMasterKey: Buffer.alloc(32, 7),
      wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
    });
    const plain = data(3 * F);
    const { result } = await encrypt(keyring, plain, {
      frameLength: F,
      suiteId: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY,
    });
    await client.put(bucket.name, 'x', Buffer.alloc(0)); // warm
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    await client.s3.send(
      new PutObjectCommand({ Bucket: bucket.name, Key: 'interop/official', Body: result }),
    );
    expect((await (await client.get(bucket.name, 'interop/official')).bytes()).equals(plain)).toBe(
      true,
    );
    const part = await (
      await client.get(bucket.name, 'interop/official', { range: { start: F - 3, end: 2 * F + 2 } })
    ).bytes();
    expect(part.equals(plain.subarray(F - 3, 2 * F + 2))).toBe(true);
  });
  it('an object not written by s3enc is refused unless allowPlaintext', async () => {
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    await client.s3.send(
      new PutObjectCommand({ Bucket: bucket.name, Key: 'plain/obj', Body: 'just some text' }),
    );
    await client.s3.send(
      new PutObjectCommand({ Bucket: bucket.name, Key: 'plain/empty', Body: '' }),
    );
    for (const k of ['plain/obj', 'plain/empty']) {
      await expect(client.get(bucket.name, k)).rejects.toMatchObject({
        name: 'FormatError',
        code: 'ERR_S3ENC_NOT_ENCRYPTED',
      });
      await expect(client.getToFile(bucket.name, k, join(dir, 'never'))).rejects.toMatchObject({
        code: 'ERR_S3ENC_NOT_ENCRYPTED',
      });
      expect((await client.head(bucket.name, k)).encrypted).toBe(false);
    }
    const g = await client.get(bucket.name, 'plain/obj', { allowPlaintext: true });
    expect(g.encrypted).toBe(false);
    expect((await g.bytes()).toString()).toBe('just some text');
    const h = await client.s3.send(new HeadObjectCommand({ Bucket: bucket.name, Key: 'rt/1' }));
    expect(Object.keys(h.Metadata ?? {}).sort()).toEqual(['s3enc-format', 's3enc-format-version']);
  });
  it('noOverwrite refuses to replace an existing object (single and multipart)', async () => {
    await client.put(bucket.name, 'now/a', data(10), { noOverwrite: true });
    await expect(
      client.put(bucket.name, 'now/a', data(10), { noOverwrite: true }),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_OBJECT_EXISTS' });
    await expect(
      client.put(bucket.name, 'now/a', data(partPlain + 1), { noOverwrite: true }),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_OBJECT_EXISTS' });
    expect(await openUploads(client.s3, bucket.name)).toBe(0);
  });
  it('an aborted upload throws AbortError and leaves no upload behind', async () => {
    // Deterministic: the source yields two parts, then aborts from inside and waits, so the
    // multipart upload exists (part 1 is in flight or done) when the signal fires.
    const ac = new AbortController();
    let resume!: () => void;
    async function* source() {
      yield data(2 * partPlain);
      ac.abort();
      await new Promise<void>((r) => (resume = r));
      yield data(partPlain);
    }
    const p = client.put(bucket.name, 'abort/a', source(), {
      signal: ac.signal,
      concurrency: 1,
    });
    await expect(p).rejects.toMatchObject({ code: 'ERR_S3ENC_ABORTED' });
    expect(await openUploads(client.s3, bucket.name)).toBe(0);
    resume();
  });
});

describe('payload signing', () => {
  // The default sends UNSIGNED-PAYLOAD (every test above goes through it); signPayload signs
  // each body with SigV4's SHA-256 — both must be accepted and read back the same.
  for (const signPayload of [false, true]) {
    it(`multipart and single puts with signPayload: ${signPayload}`, async () => {
      const c = makeClient(env, { signPayload });
      try {
        for (const n of [1000, 2 * partPlain + 7]) {
          const plain = data(n);
          const key = `signing/${signPayload}/${n}`;
          await c.put(bucket.name, key, plain);
          expect((await (await c.get(bucket.name, key)).bytes()).equals(plain)).toBe(true);
        }
      } finally {
        c.destroy();
      }
    });
  }
  it('refuses a non-boolean signPayload before any request', () => {
    expect(() => makeClient(env, { signPayload: 'yes' as unknown as boolean })).toThrow(
      expect.objectContaining({ code: 'ERR_S3ENC_INVALID_ARGUMENT' }),
    );
  });
});
