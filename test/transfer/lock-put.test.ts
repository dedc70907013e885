// put with Object Lock settings: validated by the object-lock helpers before any request,
// then sent on PutObject and CreateMultipartUpload.
import { GetObjectLegalHoldCommand, GetObjectRetentionCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EncryptedS3Client } from '@s3enc/node';
import { createTestBucket, getTestEnv, type TestBucket } from '../harness/env.js';
import { data, makeClient, MiB, openUploads } from './helpers.js';

const env = getTestEnv();
let bucket: TestBucket;
let client: EncryptedS3Client;
let sent: string[] = [];

beforeAll(async () => {
  bucket = await createTestBucket(env, { objectLock: true, prefix: 'transfer-lock' });
  client = makeClient(env);
  client.s3.middlewareStack.add(
    (next, context) => (args) => {
      sent.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
});
afterAll(async () => {
  client.destroy();
  await bucket.cleanup();
});

describe('put with objectLock', () => {
  it('COMPLIANCE without the acknowledgement is refused before any request', async () => {
    sent = [];
    for (const size of [1000, 11 * MiB]) {
      await expect(
        client.put(bucket.name, 'lock/compliance', data(size), {
          objectLock: { mode: 'COMPLIANCE', retainFor: { days: 1 } },
        }),
      ).rejects.toMatchObject({
        name: 'InvalidArgumentError',
        code: 'ERR_S3ENC_LOCK_COMPLIANCE_NOT_ACKNOWLEDGED',
      });
    }
    await expect(
      client.put(bucket.name, 'lock/both', 'x', {
        objectLock: { mode: 'GOVERNANCE', retainFor: { days: 1 }, retainUntil: new Date() },
      }),
    ).rejects.toMatchObject({ name: 'InvalidArgumentError' });
    expect(sent).toEqual([]);
    expect(await openUploads(client.s3, bucket.name)).toBe(0);
  });
  it('GOVERNANCE with retainFor (single part and multipart) and a legal hold', async () => {
    const t0 = Date.now();
    for (const [key, size] of [
      ['lock/gov-small', 1000],
      ['lock/gov-multi', 11 * MiB],
    ] as const) {
      const put = await client.put(bucket.name, key, data(size), {
        objectLock: { mode: 'GOVERNANCE', retainFor: { days: 1 }, legalHold: true },
      });
      expect(put.multipart).toBe(size > 5 * MiB);
      const r = await client.s3.send(
        new GetObjectRetentionCommand({ Bucket: bucket.name, Key: key, VersionId: put.versionId }),
      );
      expect(r.Retention?.Mode).toBe('GOVERNANCE');
      const until = r.Retention!.RetainUntilDate!.getTime();
      expect(until).toBeGreaterThanOrEqual(t0 + 86_400_000 - 2000);
      expect(until).toBeLessThanOrEqual(Date.now() + 86_400_000 + 2000);
      const h = await client.s3.send(
        new GetObjectLegalHoldCommand({ Bucket: bucket.name, Key: key, VersionId: put.versionId }),
      );
      expect(h.LegalHold?.Status).toBe('ON');
    }
  });
});
