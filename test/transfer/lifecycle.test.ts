// Upload lifecycle: stalled sources, aborts and failures always settle, abort the multipart
// upload and release what the upload held (streams, file descriptors, listeners).
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getEventListeners } from 'node:events';
import { PassThrough } from 'node:stream';
import { KMSClient } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EncryptedS3Client } from '@s3enc/node';
import { EncryptedS3Client as Client } from '@s3enc/node';
import { liveDecryptionSessions } from '../../packages/node/src/transfer/formats/aws-encryption-sdk/sessions.js';
import { createTestBucket, getTestEnv, type TestBucket } from '../harness/env.js';
import { startFaultProxy, type FaultProxy } from '../harness/fault-proxy.js';
import { data, F, makeClient, MiB, openUploads, s3Settings, testKeyring } from './helpers.js';

const env = getTestEnv();
let bucket: TestBucket;
let client: EncryptedS3Client;
let proxy: FaultProxy;
let proxied: EncryptedS3Client;

beforeAll(async () => {
  bucket = await createTestBucket(env, { prefix: 'transfer-life' });
  client = makeClient(env);
  proxy = await startFaultProxy({ upstream: env.s3.endpoint, upstreamCa: env.ca });
  proxied = new Client({
    s3: {
      ...s3Settings(env, { endpoint: proxy.endpoint, ca: [env.ca, proxy.ca] }),
      maxAttempts: 2,
    },
    keyring: testKeyring(),
    frameLength: F,
    partSize: 5 * MiB,
  });
});
afterAll(async () => {
  client.destroy();
  proxied.destroy();
  await proxy.close();
  await bucket.cleanup();
});

/** A stream that holds `n` bytes, then stalls forever (never ends). */
function stalling(n: number): PassThrough {
  const s = new PassThrough({ highWaterMark: 1024 * 1024 });
  s.write(data(n));
  return s;
}

/** Settles within `ms` or fails the test (instead of hanging it). */
function within<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) =>
      setTimeout(() => {
        reject(new Error(`did not settle within ${ms} ms`));
      }, ms).unref(),
    ),
  ]);
}

async function until(cond: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition never became true');
}

describe('stalled sources', () => {
  it('abort while the source stalls: AbortError, the multipart upload is aborted', async () => {
    const ac = new AbortController();
    const src = stalling(12 * MiB);
    const p = client.put(bucket.name, 'stall/abort', src, { signal: ac.signal, concurrency: 4 });
    p.catch(() => undefined);
    await until(async () => (await openUploads(client.s3, bucket.name)) > 0);
    ac.abort();
    await expect(within(p, 10_000)).rejects.toMatchObject({ code: 'ERR_S3ENC_ABORTED' });
    expect(await openUploads(client.s3, bucket.name)).toBe(0);
    expect(src.destroyed).toBe(true);
  });
  it('abort before the first piece arrives (the source stalls at once)', async () => {
    const ac = new AbortController();
    const src = stalling(1024);
    const p = client.put(bucket.name, 'stall/first', src, { signal: ac.signal });
    p.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
    ac.abort();
    await expect(within(p, 10_000)).rejects.toMatchObject({ code: 'ERR_S3ENC_ABORTED' });
    expect(src.destroyed).toBe(true);
  });
  it('a part that fails while the source stalls: typed error, no orphaned upload', async () => {
    proxy.setFaults([
      {
        kind: 'status',
        match: { method: 'PUT', url: /partNumber=1(&|$)/ },
        status: 403,
        times: 1000,
      },
    ]);
    try {
      const src = stalling(12 * MiB);
      const p = proxied.put(bucket.name, 'stall/403', src, { concurrency: 4 });
      await expect(within(p, 15_000)).rejects.toMatchObject({ name: 'S3RequestError' });
      expect(src.destroyed).toBe(true);
    } finally {
      proxy.setFaults([]);
    }
    expect(await openUploads(client.s3, bucket.name)).toBe(0);
  });
});

describe('resources', () => {
  it('single-part puts from a path close their file descriptor', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's3enc-fd-'));
    const file = join(dir, 'small.bin');
    writeFileSync(file, data(10_000));
    await client.put(bucket.name, 'fd/warm', { path: file }); // sockets, lazy modules
    const before = readdirSync('/proc/self/fd').length;
    for (let i = 0; i < 20; i++) await client.put(bucket.name, `fd/${i}`, { path: file });
    expect(readdirSync('/proc/self/fd').length).toBe(before);
  });
  it('a long-lived signal does not collect a listener per put', async () => {
    const ac = new AbortController();
    const baseline = getEventListeners(ac.signal, 'abort').length;
    for (let i = 0; i < 20; i++)
      await client.put(bucket.name, `sig/${i}`, data(1000), { signal: ac.signal });
    await client.put(bucket.name, 'sig/multi', data(11 * MiB), { signal: ac.signal });
    expect(getEventListeners(ac.signal, 'abort').length).toBe(baseline);
  });
  it('a get whose body is dropped unread destroys its data key', async () => {
    await client.put(bucket.name, 'drop/a', data(100_000));
    const before = liveDecryptionSessions();
    const got = await client.get(bucket.name, 'drop/a');
    expect(liveDecryptionSessions()).toBe(before + 1);
    got.body.destroy();
    await new Promise((r) => setImmediate(r));
    expect(liveDecryptionSessions()).toBe(before);
    const read = await client.get(bucket.name, 'drop/a');
    await read.bytes();
    expect(liveDecryptionSessions()).toBe(before);
  });
  it('destroy() closes the KMS clients the client built', async () => {
    const kc = makeClient(env, { kms: true });
    await kc.put(bucket.name, 'kms/destroy', 'x'); // builds the KMS client for the key's Region
    const spy = vi.spyOn(KMSClient.prototype, 'destroy');
    try {
      kc.destroy();
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });
});
