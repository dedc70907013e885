// Share-nothing worker threads for file transfers (docs/transfer.md, "Worker threads"): put of
// a file and getToFile with workers forced on, against MinIO + local-kms over TLS. What they
// write decrypts with the single-thread path and with @aws-crypto/client-node; a part the
// server keeps refusing aborts the upload (nothing left); a tampered frame fails typed and
// leaves no file; the caller's signal reaches the workers.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { KMS } from '@aws-sdk/client-kms';
import { buildClient, CommitmentPolicy, KmsKeyringNode } from '@aws-crypto/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EncryptedS3Client } from '@s3enc/node';
import {
  createTestBucket,
  getTestEnv,
  makeHttpsAgent,
  makeS3Client,
  type TestBucket,
} from '../harness/env.js';
import { errorReply, startHostileS3, type HostileS3 } from '../harness/hostile-s3.js';
import { data, F, makeClient, MiB, openUploads, s3Settings, testKeyring } from './helpers.js';

const env = getTestEnv();
const s3 = makeS3Client(env);
let bucket: TestBucket;
let client: EncryptedS3Client;
let hostile: HostileS3;
let viaHostile: EncryptedS3Client;
const dir = mkdtempSync(join(tmpdir(), 's3enc-workers-'));

/** Plaintext bytes per 5 MiB part at F = 4096. */
const partPlain = Math.ceil((5 * MiB) / (F + 32)) * F;

beforeAll(async () => {
  bucket = await createTestBucket(env, { prefix: 'transfer-workers' });
  client = makeClient(env, { kms: true });
  hostile = await startHostileS3({ upstream: env.s3.endpoint, upstreamCa: env.ca });
  viaHostile = new EncryptedS3Client({
    s3: {
      ...s3Settings(env, { endpoint: hostile.endpoint, ca: [env.ca, hostile.ca] }),
      maxAttempts: 1,
    },
    keyring: testKeyring(),
    frameLength: F,
    partSize: 5 * MiB,
  });
});
afterAll(async () => {
  client.destroy();
  viaHostile.destroy();
  s3.destroy();
  await hostile.close();
  await bucket.cleanup();
});

function fileOf(name: string, bytes: Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

/** Files in `dir` whose name starts with `.name.` (getToFile's temporary files). */
function tempFilesOf(name: string): string[] {
  return readdirSync(dir).filter((f) => f.startsWith(`.${name}.`));
}

async function rawObject(key: string): Promise<Buffer> {
  const r = await s3.send(new GetObjectCommand({ Bucket: bucket.name, Key: key }));
  return Buffer.from(await r.Body!.transformToByteArray());
}

describe('put and getToFile on worker threads', () => {
  it.each([
    ['several parts and a partial last part', 4 * partPlain + 12_345],
    [
      'an exact multiple of the part plaintext (the final frame alone in the last part)',
      3 * partPlain,
    ],
  ])(
    '%s: byte-equal both ways, and readable by the single-thread path and @aws-crypto/client-node',
    async (_name, size) => {
      const plain = data(size);
      const key = `w/${size}`;
      const src = fileOf(`src-${size}`, plain);
      const progress: number[] = [];
      const put = await client.put(
        bucket.name,
        key,
        { path: src },
        {
          workers: 2,
          encryptionContext: { purpose: 'workers' },
          onProgress: (p) => progress.push(p.bytes),
        },
      );
      expect(put.multipart).toBe(true);
      expect(put.parts).toBe(Math.floor(size / partPlain) + 1);
      expect(put.plaintextSize).toBe(size);
      expect(progress.at(-1)).toBe(size);

      // Read back on workers, and on the single-thread path.
      const out = join(dir, `out-${size}`);
      const got = await client.getToFile(bucket.name, key, out, { workers: 2 });
      expect(got.bytesWritten).toBe(size);
      expect(got.workers).toBe(2);
      expect(readFileSync(out).equals(plain)).toBe(true);
      const single = join(dir, `single-${size}`);
      await client.getToFile(bucket.name, key, single, { workers: 0 });
      expect(readFileSync(single).equals(plain)).toBe(true);
      expect((await (await client.get(bucket.name, key)).bytes()).equals(plain)).toBe(true);

      // The oracle decrypts what the workers wrote.
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
      const { plaintext, messageHeader } = await decrypt(keyring, await rawObject(key));
      expect(Buffer.from(plaintext).equals(plain)).toBe(true);
      expect(messageHeader.encryptionContext).toMatchObject({ purpose: 'workers' });
      kms.destroy();
    },
  );

  it('an object written by the single-thread path reads on workers, a byte range included', async () => {
    const plain = data(3 * partPlain + 999);
    await client.put(bucket.name, 'w/single', plain, { workers: 0 });
    const out = join(dir, 'from-single');
    await client.getToFile(bucket.name, 'w/single', out, { workers: 2, chunkSize: 1 * MiB });
    expect(readFileSync(out).equals(plain)).toBe(true);
    const range = { start: 1_000_001, end: 2 * partPlain + 17 };
    const part = join(dir, 'range');
    const r = await client.getToFile(bucket.name, 'w/single', part, {
      workers: 2,
      chunkSize: 1 * MiB,
      range,
    });
    expect(r.bytesWritten).toBe(range.end - range.start);
    expect(r.workers).toBe(2);
    expect(readFileSync(part).equals(plain.subarray(range.start, range.end))).toBe(true);
  });
  it('SSE-C as a second layer: the workers send the key headers on every part and range', async () => {
    const key = Buffer.alloc(32, 0x42);
    const plain = data(3 * partPlain + 3);
    const put = await client.put(
      bucket.name,
      'w/ssec',
      { path: fileOf('ssec', plain) },
      { workers: 2, sse: { type: 'SSE-C', key } },
    );
    expect(put.workers).toBe(2);
    expect(put.sse).toMatchObject({ type: 'SSE-C' });
    const out = join(dir, 'ssec-out');
    const got = await client.getToFile(bucket.name, 'w/ssec', out, {
      workers: 2,
      chunkSize: 1 * MiB,
      sseCustomerKey: key,
    });
    expect(got.workers).toBe(2);
    expect(readFileSync(out).equals(plain)).toBe(true);
    // Without the key the server refuses every range: a typed error, no file.
    const err = await client
      .getToFile(bucket.name, 'w/ssec', join(dir, 'ssec-nokey'), { workers: 2 })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'S3RequestError' });
    expect(tempFilesOf('ssec-nokey')).toEqual([]);
  });
});

describe('failures on worker threads', () => {
  it('a part the server keeps refusing: typed error, the multipart upload aborted', async () => {
    const src = fileOf('refused', data(4 * partPlain + 5));
    hostile.program([
      {
        match: { method: 'PUT', url: /partNumber=3(&|$)/ },
        respond: () => errorReply(403, 'AccessDenied'),
      },
    ]);
    const err = await viaHostile
      .put(bucket.name, 'w/refused', { path: src }, { workers: 2 })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'S3RequestError', code: 'ERR_S3ENC_ACCESS_DENIED' });
    expect(hostile.fired()[0]).toBeGreaterThan(0);
    hostile.program([]);
    expect(await openUploads(s3, bucket.name)).toBe(0);
  });

  it('a tampered frame: IntegrityError, no output file and no temporary file', async () => {
    const plain = data(3 * partPlain + 77);
    await client.put(bucket.name, 'w/good', { path: fileOf('good', plain) }, { workers: 2 });
    const stored = await rawObject('w/good');
    // One bit of a frame in the middle of the object (inside the third part's range).
    stored[Math.floor(stored.length * 0.6)]! ^= 0x01;
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket.name,
        Key: 'w/tampered',
        Body: stored,
        Metadata: { 's3enc-format': 'aws-encryption-sdk', 's3enc-format-version': '2' },
      }),
    );
    const err = await client
      .getToFile(bucket.name, 'w/tampered', join(dir, 'tampered'), {
        workers: 2,
        chunkSize: 1 * MiB,
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'IntegrityError', code: 'ERR_S3ENC_TAG_MISMATCH' });
    expect(readdirSync(dir)).not.toContain('tampered');
    expect(tempFilesOf('tampered')).toEqual([]);
  });

  it('the caller aborting mid-upload reaches the workers: AbortError, nothing left', async () => {
    const src = fileOf('aborted', data(6 * partPlain));
    const ac = new AbortController();
    const err = await client
      .put(
        bucket.name,
        'w/aborted',
        { path: src },
        {
          workers: 2,
          concurrency: 2,
          signal: ac.signal,
          onProgress: () => {
            ac.abort(new Error('stop'));
          },
        },
      )
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'AbortError' });
    expect(await openUploads(s3, bucket.name)).toBe(0);
  });

  it('the caller aborting mid-download: AbortError, no file left', async () => {
    const plain = data(4 * partPlain);
    await client.put(bucket.name, 'w/abort-get', plain, { workers: 0 });
    const ac = new AbortController();
    const err = await client
      .getToFile(bucket.name, 'w/abort-get', join(dir, 'abort-get'), {
        workers: 2,
        chunkSize: 1 * MiB,
        signal: ac.signal,
        onProgress: () => {
          ac.abort(new Error('stop'));
        },
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'AbortError' });
    expect(readdirSync(dir)).not.toContain('abort-get');
    expect(tempFilesOf('abort-get')).toEqual([]);
  });

  it('workers forced on a client built around an S3Client: a typed usage error before any request', async () => {
    const own = new EncryptedS3Client({
      s3,
      keyring: testKeyring(),
      frameLength: F,
      partSize: 5 * MiB,
    });
    const src = fileOf('own-client', data(2 * partPlain));
    await expect(
      own.put(bucket.name, 'w/own', { path: src }, { workers: 2 }),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_WORKERS_UNSUPPORTED' });
    // 'auto' quietly keeps the single-thread path there.
    await own.put(bucket.name, 'w/own', { path: src }, { workers: 'auto' });
    expect(await openUploads(s3, bucket.name)).toBe(0);
  });
});
