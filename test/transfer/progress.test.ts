// onProgress of put, get and getToFile: monotonic plaintext byte counts that end at the size,
// and a listener that throws fails the transfer without leaving anything behind.
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@s3enc/core';
import type { EncryptedS3Client, TransferProgress } from '@s3enc/node';
import { createTestBucket, getTestEnv, type TestBucket } from '../harness/env.js';
import { data, makeClient, MiB, openUploads } from './helpers.js';

const env = getTestEnv();
let bucket: TestBucket;
let client: EncryptedS3Client;

beforeAll(async () => {
  bucket = await createTestBucket(env, { prefix: 'transfer-progress' });
  client = makeClient(env, { concurrency: 3 });
});
afterAll(async () => {
  client.destroy();
  await bucket.cleanup();
});

/** Checks a run of progress events: strictly increasing, ending at `size`, with `total`. */
function expectRun(events: TransferProgress[], size: number, total: number | undefined): void {
  expect(events.length).toBeGreaterThan(0);
  for (let i = 1; i < events.length; i++)
    expect(events[i]!.bytes).toBeGreaterThan(events[i - 1]!.bytes);
  expect(events.at(-1)!.bytes).toBe(size);
  for (const e of events) expect(e.total).toBe(total);
}

describe('onProgress', () => {
  const size = 17 * MiB + 123; // four parts of about 5 MiB

  it('put reports each acknowledged part, with the total when it is known', async () => {
    const p = data(size);
    const known: TransferProgress[] = [];
    await client.put(bucket.name, 'known', p, { onProgress: (e) => known.push(e) });
    expectRun(known, size, size);
    expect(known.length).toBe(4);

    const unknown: TransferProgress[] = [];
    const chunks = Array.from({ length: 18 }, (_, i) => p.subarray(i * MiB, (i + 1) * MiB));
    await client.put(bucket.name, 'unknown', Readable.from(chunks), {
      onProgress: (e) => unknown.push(e),
    });
    expectRun(unknown, size, undefined);

    const small: TransferProgress[] = [];
    await client.put(bucket.name, 'small', p.subarray(0, 1000), {
      onProgress: (e) => small.push(e),
    });
    expect(small).toEqual([{ bytes: 1000, total: 1000 }]);
  });

  it('get and getToFile report verified bytes up to the range length', async () => {
    const p = data(size);
    await client.put(bucket.name, 'read', p);
    const events: TransferProgress[] = [];
    const r = await client.get(bucket.name, 'read', {
      chunkSize: 5 * MiB,
      onProgress: (e) => events.push(e),
    });
    expect((await r.bytes()).equals(p)).toBe(true);
    expectRun(events, size, size);
    expect(events.length).toBeGreaterThan(3);

    const dir = mkdtempSync(join(tmpdir(), 'progress-'));
    const ranged: TransferProgress[] = [];
    const range = { start: 3 * MiB + 5, end: 11 * MiB + 7 };
    const f = await client.getToFile(bucket.name, 'read', join(dir, 'out'), {
      range,
      chunkSize: 5 * MiB,
      onProgress: (e) => ranged.push(e),
    });
    expect(f.bytesWritten).toBe(range.end - range.start);
    expectRun(ranged, range.end - range.start, range.end - range.start);
  });

  it('a listener that throws fails the transfer and leaves no upload and no file', async () => {
    const boom = new Error('listener failed');
    let calls = 0;
    const failing = () => {
      calls++;
      throw boom;
    };
    await expect(
      client.put(bucket.name, 'fails', data(size), { onProgress: failing }),
    ).rejects.toBe(boom);
    expect(calls).toBe(1);
    expect(await openUploads(client.s3, bucket.name)).toBe(0);

    await client.put(bucket.name, 'fine', data(size));
    const dir = mkdtempSync(join(tmpdir(), 'progress-'));
    await expect(
      client.getToFile(bucket.name, 'fine', join(dir, 'out'), { onProgress: failing }),
    ).rejects.toBe(boom);
    expect(existsSync(join(dir, 'out'))).toBe(false);
    expect(readdirSync(dir)).toEqual([]);

    const r = await client.get(bucket.name, 'fine', { onProgress: failing });
    await expect(r.bytes()).rejects.toBe(boom);
  });

  it('refuses an onProgress that is not a function before any request', async () => {
    const bad = { onProgress: 'yes' as unknown as () => void };
    await expect(client.put(bucket.name, 'x', data(10), bad)).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(client.get(bucket.name, 'x', bad)).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});
