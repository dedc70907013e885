import { mkdtempSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { PutObjectCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InsecureTransportError } from '@s3enc/core';
import { EncryptedS3Client } from '@s3enc/node';
import { createTestBucket, getTestEnv, type TestBucket } from '../harness/env.js';
import { startFaultProxy, type FaultProxy } from '../harness/fault-proxy.js';
import {
  data,
  F,
  kmsSettings,
  makeClient,
  MiB,
  openUploads,
  s3Settings,
  testKeyring,
} from './helpers.js';

const env = getTestEnv();
let bucket: TestBucket;
let proxy: FaultProxy;
let client: EncryptedS3Client; // through the fault proxy
let direct: EncryptedS3Client;

beforeAll(async () => {
  bucket = await createTestBucket(env, { prefix: 'transfer-fault' });
  proxy = await startFaultProxy({ upstream: env.s3.endpoint, upstreamCa: env.ca });
  client = new EncryptedS3Client({
    s3: {
      ...s3Settings(env, { endpoint: proxy.endpoint, ca: [env.ca, proxy.ca] }),
      maxAttempts: 4,
    },
    keyring: testKeyring(),
    frameLength: F,
    partSize: 5 * MiB,
  });
  direct = makeClient(env);
});
afterAll(async () => {
  client.destroy();
  direct.destroy();
  await proxy.close();
  await bucket.cleanup();
});

const partUrl = (n: number) => new RegExp(`partNumber=${n}(&|$)`);

describe('upload faults', () => {
  it('a connection cut mid-part is retried with the same bytes', async () => {
    const plain = data(12 * MiB);
    proxy.setFaults([
      { kind: 'cut-request', match: { method: 'PUT', url: partUrl(2) }, afterBytes: 1 * MiB },
    ]);
    const put = await client.put(bucket.name, 'f/cut', plain, { concurrency: 2 });
    expect(proxy.fired()).toEqual([1]);
    expect(put.parts).toBe(3);
    expect((await (await direct.get(bucket.name, 'f/cut')).bytes()).equals(plain)).toBe(true);
    expect(await openUploads(direct.s3, bucket.name)).toBe(0);
  });
  it('a 5xx on a part is retried', async () => {
    const plain = data(11 * MiB);
    proxy.setFaults([
      { kind: 'status', match: { method: 'PUT', url: partUrl(1) }, status: 503, times: 2 },
    ]);
    await client.put(bucket.name, 'f/503', plain);
    expect(proxy.fired()).toEqual([2]);
    expect((await (await direct.get(bucket.name, 'f/503')).bytes()).equals(plain)).toBe(true);
  });
  it('a part that keeps failing gives a typed error and no orphaned upload', async () => {
    proxy.setFaults([
      { kind: 'status', match: { method: 'PUT', url: partUrl(2) }, status: 500, times: 1000 },
    ]);
    const err = await client.put(bucket.name, 'f/dead', data(11 * MiB)).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'S3RequestError', statusCode: 500 });
    proxy.setFaults([]);
    expect(await openUploads(direct.s3, bucket.name)).toBe(0);
    expect(proxy.requests.length).toBe(0);
  });
  it('CompleteMultipartUpload failing aborts the upload', async () => {
    proxy.setFaults([
      { kind: 'status', match: { method: 'POST', url: /uploadId=/ }, status: 500, times: 1000 },
    ]);
    await expect(client.put(bucket.name, 'f/complete', data(6 * MiB))).rejects.toMatchObject({
      name: 'S3RequestError',
    });
    proxy.setFaults([]);
    expect(await openUploads(direct.s3, bucket.name)).toBe(0);
  });
});

describe('KMS faults', () => {
  let kmsProxy: FaultProxy;
  let kc: EncryptedS3Client;
  beforeAll(async () => {
    kmsProxy = await startFaultProxy({ upstream: env.kms.endpoint, upstreamCa: env.ca });
    kc = new EncryptedS3Client({
      s3: s3Settings(env),
      kmsKeyIds: [env.kmsKeys.primary.arn],
      kms: kmsSettings(env, { endpoint: kmsProxy.endpoint, ca: [env.ca, kmsProxy.ca] }),
      frameLength: F,
    });
  });
  afterAll(async () => {
    kc.destroy();
    await kmsProxy.close();
  });
  it('a transient KMS 5xx is retried', async () => {
    kmsProxy.setFaults([{ kind: 'status', match: { method: 'POST' }, status: 503 }]);
    await kc.put(bucket.name, 'kms/ok', 'hello');
    expect(kmsProxy.fired()).toEqual([1]);
    expect((await (await kc.get(bucket.name, 'kms/ok')).bytes()).toString()).toBe('hello');
  });
  it('KMS unavailable: put and get fail with KeyUnwrapError, no upload is started', async () => {
    kmsProxy.setDown(true);
    try {
      await expect(kc.put(bucket.name, 'kms/down', data(11 * MiB))).rejects.toMatchObject({
        name: 'KeyUnwrapError',
      });
      await expect(kc.get(bucket.name, 'kms/ok')).rejects.toMatchObject({ name: 'KeyUnwrapError' });
      expect(await openUploads(direct.s3, bucket.name)).toBe(0);
      // A stream source put never got to read is released, not left open.
      const stream = new Readable({ read() {} });
      stream.push(data(1024));
      await expect(kc.put(bucket.name, 'kms/down-stream', stream)).rejects.toMatchObject({
        name: 'KeyUnwrapError',
      });
      expect(stream.destroyed).toBe(true);
      let cancelled = false;
      const web = new ReadableStream<Uint8Array>({
        cancel() {
          cancelled = true;
        },
      });
      await expect(kc.put(bucket.name, 'kms/down-web', web)).rejects.toMatchObject({
        name: 'KeyUnwrapError',
      });
      await new Promise((r) => setTimeout(r, 10));
      expect(cancelled).toBe(true);
    } finally {
      kmsProxy.setDown(false);
    }
  });
});

describe('download faults', () => {
  const plain = data(6 * MiB + 123);
  beforeAll(async () => {
    await direct.put(bucket.name, 'd/obj', plain);
  });
  it('a response cut mid-chunk is refetched', async () => {
    proxy.setFaults([
      {
        kind: 'cut-response',
        match: { method: 'GET', url: /^\/[^?]*d\/obj/ },
        nth: 2,
        afterBytes: 100_000,
      },
    ]);
    const got = await client.get(bucket.name, 'd/obj', { chunkSize: 1 * MiB, concurrency: 3 });
    expect((await got.bytes()).equals(plain)).toBe(true);
    expect(proxy.fired()).toEqual([1]);
  });
  it('a tampered frame: the stream emits only verified plaintext, then IntegrityError; no file is left', async () => {
    const raw = Buffer.from(
      await (
        await direct.s3.send(new GetObjectCommand({ Bucket: bucket.name, Key: 'd/obj' }))
      ).Body!.transformToByteArray(),
    );
    const bad = Buffer.from(raw);
    bad[4 * MiB] = bad[4 * MiB]! ^ 1;
    await direct.s3.send(
      new PutObjectCommand({
        Bucket: bucket.name,
        Key: 'd/bad',
        Body: bad,
        Metadata: { 's3enc-format': 'aws-encryption-sdk', 's3enc-format-version': '2' },
      }),
    );
    const got = await direct.get(bucket.name, 'd/bad', { chunkSize: 1 * MiB, concurrency: 2 });
    const seen: Buffer[] = [];
    const err = await (async () => {
      for await (const c of got.body) seen.push(c as Buffer);
    })().catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'IntegrityError' });
    const emitted = Buffer.concat(seen);
    expect(emitted.length).toBeLessThan(4 * MiB);
    expect(emitted.equals(plain.subarray(0, emitted.length))).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 's3enc-fault-'));
    await expect(direct.getToFile(bucket.name, 'd/bad', join(dir, 'out'))).rejects.toMatchObject({
      name: 'IntegrityError',
    });
    expect(readdirSync(dir)).toEqual([]);
    // truncated object: final frame missing
    await direct.s3.send(
      new PutObjectCommand({
        Bucket: bucket.name,
        Key: 'd/trunc',
        Body: raw.subarray(0, raw.length - 40),
      }),
    );
    await expect(direct.getToFile(bucket.name, 'd/trunc', join(dir, 'out'))).rejects.toMatchObject({
      name: expect.stringMatching(/IntegrityError|FormatError/),
    });
    expect(readdirSync(dir)).toEqual([]);
  });
  it('a download that keeps failing leaves no partial file', async () => {
    proxy.setFaults([
      { kind: 'cut-response', match: { method: 'GET' }, nth: 2, times: 1000, afterBytes: 1000 },
    ]);
    const dir = mkdtempSync(join(tmpdir(), 's3enc-fault-'));
    await expect(
      client.getToFile(bucket.name, 'd/obj', join(dir, 'out'), { chunkSize: 1 * MiB }),
    ).rejects.toMatchObject({ name: 'S3RequestError' });
    expect(readdirSync(dir)).toEqual([]);
    proxy.setFaults([]);
  });
  it('an overwrite during a download fails it cleanly (pinned to the first ETag)', async () => {
    const big = data(8 * MiB);
    await direct.put(bucket.name, 'd/moving', big);
    const got = await direct.get(bucket.name, 'd/moving', {
      chunkSize: 256 * 1024,
      concurrency: 1,
    });
    const it = got.body[Symbol.asyncIterator]();
    const first = await it.next();
    expect((first.value as Buffer).equals(big.subarray(0, (first.value as Buffer).length))).toBe(
      true,
    );
    await direct.put(bucket.name, 'd/moving', data(8 * MiB));
    const err = await (async () => {
      for (;;) if ((await it.next()).done) return undefined;
    })().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_S3ENC_OBJECT_CHANGED' });
  });
});

describe('transport policy end to end', () => {
  let srv: Server;
  let port: number;
  let connections = 0;
  beforeAll(async () => {
    srv = createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    port = (srv.address() as { port: number }).port;
  });
  afterAll(
    () =>
      new Promise<void>((r) =>
        srv.close(() => {
          r();
        }),
      ),
  );
  it('http:// S3 or KMS endpoints are refused at construction, before a byte leaves', async () => {
    expect(
      () =>
        new EncryptedS3Client({
          s3: { endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1' },
          keyring: testKeyring(),
        }),
    ).toThrow(InsecureTransportError);
    expect(
      () =>
        new EncryptedS3Client({
          s3: s3Settings(env),
          kmsKeyIds: [env.kmsKeys.primary.arn],
          kms: { endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1' },
        }),
    ).toThrow(expect.objectContaining({ code: 'ERR_S3ENC_INSECURE_TRANSPORT' }));
    expect(
      () =>
        new EncryptedS3Client({
          s3: { ...s3Settings(env), rejectUnauthorized: false } as never,
          keyring: testKeyring(),
        }),
    ).toThrow(InsecureTransportError);
    // an S3Client built by the caller with an http:// endpoint: refused per request
    const plainClient = new S3Client({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: env.s3.credentials,
      maxAttempts: 1,
    });
    const c = new EncryptedS3Client({ s3: plainClient, keyring: testKeyring() });
    await expect(c.put('b', 'k', 'secret')).rejects.toBeInstanceOf(InsecureTransportError);
    await expect(c.get('b', 'k')).rejects.toBeInstanceOf(InsecureTransportError);
    expect(connections).toBe(0);
  });
  it('a server whose certificate is not trusted is refused', async () => {
    const c = new EncryptedS3Client({
      s3: { ...s3Settings(env), ca: undefined, maxAttempts: 1 },
      keyring: testKeyring(),
    });
    await expect(c.put(bucket.name, 'k', 'x')).rejects.toMatchObject({ name: 'S3RequestError' });
    c.destroy();
  });
});
