import { S3Client } from '@aws-sdk/client-s3';
import { InsecureTransportError } from '@s3enc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startClearTextServer,
  type ClearTextServer,
} from '../../../../test/harness/clear-text-server.js';
import { getVersion, headVersion, restoreVersion } from './index.js';

let server: ClearTextServer;
let endpoint = '';
const hits = (): number => server.hits();
beforeAll(async () => {
  server = await startClearTextServer();
  endpoint = server.url;
});
afterAll(async () => {
  await server.close();
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
    expect(hits()).toBe(0);
  });

  it('restoreVersion with an SSE-C source refuses before a byte leaves', async () => {
    await expect(
      restoreVersion(client(), { ...address, sourceSseCustomerKey: sseCustomerKey }),
    ).rejects.toBeInstanceOf(InsecureTransportError);
    expect(hits()).toBe(0);
  });
});
