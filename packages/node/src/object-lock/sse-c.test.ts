import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';
import { InsecureTransportError } from '@s3enc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getVersion, headVersion, restoreVersion } from './index.js';

let server: Server;
let hits = 0;
let endpoint = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    req.resume();
    res.statusCode = 500;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

const client = (): S3Client =>
  new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });

describe('SSE-C keys never travel over a clear-text client', () => {
  const sseCustomerKey = Buffer.alloc(32, 7);
  const address = { bucket: 'b', key: 'k', versionId: 'v1' };

  it('headVersion and getVersion refuse before a byte leaves', async () => {
    await expect(headVersion(client(), { ...address, sseCustomerKey })).rejects.toBeInstanceOf(
      InsecureTransportError,
    );
    await expect(getVersion(client(), { ...address, sseCustomerKey })).rejects.toBeInstanceOf(
      InsecureTransportError,
    );
    expect(hits).toBe(0);
  });

  it('restoreVersion with an SSE-C source refuses before a byte leaves', async () => {
    await expect(
      restoreVersion(client(), { ...address, sourceSseCustomerKey: sseCustomerKey }),
    ).rejects.toBeInstanceOf(InsecureTransportError);
    expect(hits).toBe(0);
  });
});
