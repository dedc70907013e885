// diagnostics_channel events of real transfers against MinIO (issue #12, item 8): a multipart
// put with a retried part, get and getToFile, a get of a tampered object, and a put whose
// multipart upload is aborted — each publishes what docs/observability.md says, and no event
// carries plaintext, key bytes or encryption context values.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIAGNOSTICS_CHANNELS, EncryptedS3Client } from '@s3enc/node';
import { createTestBucket, getTestEnv, type TestBucket } from '../harness/env.js';
import { startFaultProxy, type FaultProxy } from '../harness/fault-proxy.js';
import { data, F, makeClient, MiB, s3Settings, testKeyring } from './helpers.js';

const env = getTestEnv();
let bucket: TestBucket;
let proxy: FaultProxy;
let client: EncryptedS3Client; // through the fault proxy, no SDK retries
let direct: EncryptedS3Client;

type Seen = [name: string, payload: Record<string, unknown>];
let seen: Seen[] = [];
const listeners = Object.values(DIAGNOSTICS_CHANNELS).map((name) => {
  const fn = (payload: unknown) => {
    seen.push([name, payload as Record<string, unknown>]);
  };
  return { name, fn };
});
const of = (name: string) => seen.filter(([n]) => n === name).map(([, p]) => p);

const CONTEXT_VALUE = 'ctx-value-never-in-events';
const KEY_ID = 's3enc-tests/transfer-test';

beforeAll(async () => {
  bucket = await createTestBucket(env, { prefix: 'transfer-events' });
  proxy = await startFaultProxy({ upstream: env.s3.endpoint, upstreamCa: env.ca });
  client = new EncryptedS3Client({
    s3: {
      ...s3Settings(env, { endpoint: proxy.endpoint, ca: [env.ca, proxy.ca] }),
      maxAttempts: 1,
    },
    keyring: testKeyring(),
    frameLength: F,
    partSize: 5 * MiB,
  });
  direct = makeClient(env);
  for (const l of listeners) subscribe(l.name, l.fn);
});
afterAll(async () => {
  for (const l of listeners) unsubscribe(l.name, l.fn);
  client.destroy();
  direct.destroy();
  await proxy.close();
  await bucket.cleanup();
});
beforeEach(() => {
  seen = [];
  proxy.setFaults([]);
});

/** Nothing secret in any event: the plaintext marker, the context value, the raw key. */
function expectNoSecrets(plainMarker: string): void {
  const text = JSON.stringify(seen);
  expect(text).not.toContain(CONTEXT_VALUE);
  expect(text).not.toContain(plainMarker);
  expect(text).not.toContain(Buffer.alloc(32, 7).toString('base64'));
  expect(text).not.toContain(Buffer.alloc(32, 7).toString('hex'));
}

describe('diagnostics_channel events', () => {
  it('a multipart put with a retried part, then get and getToFile', async () => {
    const marker = 'PLAINTEXT-MARKER-1234';
    const plain = Buffer.concat([Buffer.from(marker), data(11 * MiB)]);
    proxy.setFaults([
      { kind: 'status', match: { method: 'PUT', url: /partNumber=1(&|$)/ }, status: 503 },
    ]);
    const put = await client.put(bucket.name, 'ev/big', plain, {
      encryptionContext: { purpose: CONTEXT_VALUE },
      concurrency: 2,
    });
    expect(proxy.fired()).toEqual([1]);
    expect(of(DIAGNOSTICS_CHANNELS.putStart)).toEqual([
      { bucket: bucket.name, key: 'ev/big', plaintextSize: plain.length },
    ]);
    expect(of(DIAGNOSTICS_CHANNELS.keyGenerate)).toMatchObject([
      { bucket: bucket.name, key: 'ev/big', format: 'aws-encryption-sdk', keyIds: [KEY_ID] },
    ]);
    const parts = of(DIAGNOSTICS_CHANNELS.partFinish);
    expect(parts.map((p) => p.partNumber).sort()).toEqual([1, 2, 3]);
    expect(parts.reduce((s, p) => s + (p.size as number), 0)).toBe(put.ciphertextSize);
    expect(new Set(parts.map((p) => p.uploadId)).size).toBe(1);
    expect(of(DIAGNOSTICS_CHANNELS.retry)).toMatchObject([
      { operation: 'UploadPart', bucket: bucket.name, key: 'ev/big', attempt: 1, statusCode: 503 },
    ]);
    const [finish] = of(DIAGNOSTICS_CHANNELS.putFinish);
    expect(finish).toMatchObject({
      versionId: put.versionId,
      plaintextSize: plain.length,
      ciphertextSize: put.ciphertextSize,
      multipart: true,
      parts: 3,
      error: undefined,
    });
    expect(finish!.durationMs).toBeGreaterThan(0);

    seen = [];
    const got = await direct.get(bucket.name, 'ev/big');
    expect((await got.bytes()).equals(plain)).toBe(true);
    expect(of(DIAGNOSTICS_CHANNELS.getStart)).toEqual([
      {
        bucket: bucket.name,
        key: 'ev/big',
        versionId: undefined,
        range: undefined,
        target: 'stream',
      },
    ]);
    expect(of(DIAGNOSTICS_CHANNELS.keyUnwrap)).toMatchObject([{ keyIds: [KEY_ID] }]);
    const ranges = of(DIAGNOSTICS_CHANNELS.rangeFinish);
    expect(ranges.length).toBeGreaterThan(1);
    expect(ranges.at(-1)!.end).toBe(put.ciphertextSize);
    expect(of(DIAGNOSTICS_CHANNELS.getFinish)).toMatchObject([
      {
        format: 'aws-encryption-sdk',
        plaintextSize: plain.length,
        bytes: plain.length,
        complete: true,
        error: undefined,
      },
    ]);

    seen = [];
    const dir = mkdtempSync(join(tmpdir(), 's3enc-events-'));
    await direct.getToFile(bucket.name, 'ev/big', join(dir, 'out'), {
      range: { start: 5, end: 70_000 },
    });
    expect(of(DIAGNOSTICS_CHANNELS.getStart)).toMatchObject([
      { range: { start: 5, end: 70_000 }, target: 'file' },
    ]);
    expect(of(DIAGNOSTICS_CHANNELS.getFinish)).toMatchObject([
      { bytes: 69_995, complete: true, error: undefined },
    ]);
    expect(of(DIAGNOSTICS_CHANNELS.integrityFailure)).toEqual([]);
    expectNoSecrets(marker);
  });

  it('a tampered object: an integrity failure, and the get finishes with its code', async () => {
    const marker = 'PLAINTEXT-MARKER-5678';
    await direct.put(
      bucket.name,
      'ev/tampered',
      Buffer.concat([Buffer.from(marker), data(50_000)]),
    );
    const stored = await direct.s3.send(
      new GetObjectCommand({ Bucket: bucket.name, Key: 'ev/tampered' }),
    );
    const bytes = Buffer.from(await stored.Body!.transformToByteArray());
    bytes[bytes.length - 100]! ^= 1; // inside the final frame
    await direct.s3.send(
      new PutObjectCommand({ Bucket: bucket.name, Key: 'ev/tampered', Body: bytes }),
    );
    seen = [];
    const got = await direct.get(bucket.name, 'ev/tampered');
    await expect(got.bytes()).rejects.toMatchObject({ code: 'ERR_S3ENC_TAG_MISMATCH' });
    expect(of(DIAGNOSTICS_CHANNELS.integrityFailure)).toEqual([
      {
        bucket: bucket.name,
        key: 'ev/tampered',
        versionId: got.versionId,
        operation: 'get',
        code: 'ERR_S3ENC_TAG_MISMATCH',
      },
    ]);
    expect(of(DIAGNOSTICS_CHANNELS.getFinish)).toMatchObject([
      { complete: false, error: { code: 'ERR_S3ENC_TAG_MISMATCH', name: 'IntegrityError' } },
    ]);
    expectNoSecrets(marker);
  });

  it('a put that fails: the multipart upload abort and the error code are published', async () => {
    proxy.setFaults([
      {
        kind: 'status',
        match: { method: 'PUT', url: /partNumber=2(&|$)/ },
        status: 500,
        times: 1000,
      },
    ]);
    await expect(client.put(bucket.name, 'ev/dead', data(11 * MiB))).rejects.toMatchObject({
      name: 'S3RequestError',
    });
    const [abort] = of(DIAGNOSTICS_CHANNELS.uploadAbort);
    expect(abort).toMatchObject({
      bucket: bucket.name,
      key: 'ev/dead',
      ok: true,
      error: undefined,
    });
    expect(typeof abort!.uploadId).toBe('string');
    expect(of(DIAGNOSTICS_CHANNELS.putFinish)).toMatchObject([
      { key: 'ev/dead', versionId: undefined, error: { name: 'S3RequestError' } },
    ]);
  });
});
