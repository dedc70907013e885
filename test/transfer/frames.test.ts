// Frame structure checks of get against crafted (validly encrypted) messages.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beginEncryption } from '@s3enc/core';
import type { EncryptedS3Client } from '@s3enc/node';
import { createTestBucket, getTestEnv, type TestBucket } from '../harness/env.js';
import { data, F, makeClient, testKeyring } from './helpers.js';

const env = getTestEnv();
let bucket: TestBucket;
let client: EncryptedS3Client;

beforeAll(async () => {
  bucket = await createTestBucket(env, { prefix: 'transfer-frames' });
  client = makeClient(env);
});
afterAll(async () => {
  client.destroy();
  await bucket.cleanup();
});

describe('final frame placement', () => {
  it('a final frame of F−8 bytes where a regular frame belongs is refused, even in a range', async () => {
    const session = await beginEncryption({ keyring: testKeyring(), frameLength: F });
    // header ‖ final frame #1 (F−8 bytes: the size of a regular frame) ‖ final frame #2 (empty)
    // has the size of a 2-frame message with P = F, whose frame 1 should be regular.
    const body = Buffer.concat([
      session.header,
      session.sealFrames(1, data(F - 8), true),
      session.sealFrames(2, Buffer.alloc(0), true),
    ]);
    session.destroy();
    expect(body.length).toBe(session.headerLength + (F + 32) + 40);
    await client.s3.send(
      new PutObjectCommand({ Bucket: bucket.name, Key: 'frames/early-final', Body: body }),
    );
    for (const range of [
      { start: 0, end: 10 },
      { start: 5, end: F - 100 },
    ]) {
      const got = await client.get(bucket.name, 'frames/early-final', { range });
      await expect(got.bytes()).rejects.toMatchObject({
        name: 'IntegrityError',
        code: 'ERR_S3ENC_FRAME_SEQUENCE',
      });
    }
    const whole = await client.get(bucket.name, 'frames/early-final');
    await expect(whole.bytes()).rejects.toMatchObject({ name: 'IntegrityError' });
  });
});
