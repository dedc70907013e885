import { createServer } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { InsecureTransportError } from '@s3enc/core';
import { getObjectChecksumAttributes } from './object-checksum.js';

describe('getObjectChecksumAttributes with an SSE-C key', () => {
  it('never sends the key over a clear-text client the caller passed', async () => {
    let connections = 0;
    const srv = createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as { port: number }).port;
    const s3 = new S3Client({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      forcePathStyle: true,
      maxAttempts: 1,
    });
    try {
      await expect(
        getObjectChecksumAttributes(s3, 'bucket', 'key', { sseCustomerKey: Buffer.alloc(32, 1) }),
      ).rejects.toBeInstanceOf(InsecureTransportError);
      expect(connections).toBe(0);
    } finally {
      s3.destroy();
      await new Promise<void>((r) =>
        srv.close(() => {
          r();
        }),
      );
    }
  });
});
