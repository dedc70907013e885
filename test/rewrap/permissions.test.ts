// Rewrap with a principal that lacks a permission the rewrap needs to carry an attribute over:
// a clear error and nothing written. The principal is a MinIO STS session (AssumeRole with a
// session policy that omits the permission), so the refusal comes from the real server.
import { randomBytes } from 'node:crypto';
import { ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { rawAesKeyring } from '@s3enc/core';
import { EncryptedS3Client } from '@s3enc/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestBucket, getTestEnv, makeS3Client, type TestBucket } from '../harness/env.js';
import { MiB, openUploads, s3Settings } from '../transfer/helpers.js';
import { REWRAP_ACTIONS, sessionClient } from './sts-session.js';

const env = getTestEnv();
const plain = makeS3Client(env);
const keyA = () =>
  rawAesKeyring({ key: Buffer.alloc(32, 4), keyName: 'perm-a', keyNamespace: 's3enc-tests' });
const keyB = () =>
  rawAesKeyring({ key: Buffer.alloc(32, 5), keyName: 'perm-b', keyNamespace: 's3enc-tests' });
let locked: TestBucket;

function restrictedClient(omit: string[]): Promise<EncryptedS3Client> {
  const actions = REWRAP_ACTIONS.filter((a) => !omit.includes(a));
  return sessionClient(env, locked.name, actions, keyA());
}

async function versions(key: string): Promise<number> {
  const r = await plain.send(new ListObjectVersionsCommand({ Bucket: locked.name, Prefix: key }));
  return (r.Versions ?? []).filter((v) => v.Key === key).length;
}

beforeAll(async () => {
  locked = await createTestBucket(env, { objectLock: true, prefix: 'rewrap-perm' });
});
afterAll(async () => {
  await locked.cleanup();
  plain.destroy();
});

describe('rewrap without a permission it needs', () => {
  it.each([
    [['s3:GetObjectRetention'], 'ERR_S3ENC_REWRAP_OBJECT_LOCK'],
    [['s3:GetObjectLegalHold'], 'ERR_S3ENC_REWRAP_OBJECT_LOCK'],
    [
      ['s3:GetObjectTagging', 's3:GetObjectVersionTagging'],
      'ERR_S3ENC_REWRAP_ATTRIBUTES_UNREADABLE',
    ],
  ])('without %s: %s, nothing written', async (omit, code) => {
    const key = `perm/${omit[0]!}`;
    const writer = new EncryptedS3Client({
      s3: s3Settings(env),
      keyring: keyA(),
      frameLength: 4096,
    });
    await writer.put(locked.name, key, randomBytes(6 * MiB), {
      objectLock: { mode: 'GOVERNANCE', retainFor: { days: 1 }, legalHold: true },
      tags: { team: 'green' },
    });
    writer.destroy();
    const c = await restrictedClient(omit);
    await expect(
      c.rewrap(locked.name, key, { addKeyring: keyB(), removeKeyIds: 'all' }),
    ).rejects.toMatchObject({ code });
    expect(await versions(key)).toBe(1);
    expect(await openUploads(plain, locked.name)).toBe(0);
    c.destroy();
  });

  it('with every permission of the list the same session rewraps (the control)', async () => {
    const key = 'perm/all';
    const writer = new EncryptedS3Client({
      s3: s3Settings(env),
      keyring: keyA(),
      frameLength: 4096,
    });
    await writer.put(locked.name, key, randomBytes(6 * MiB), {
      objectLock: { mode: 'GOVERNANCE', retainFor: { days: 1 }, legalHold: true },
      tags: { team: 'green' },
    });
    writer.destroy();
    const c = await restrictedClient([]);
    const r = await c.rewrap(locked.name, key, { addKeyring: keyB(), removeKeyIds: 'all' });
    expect(r.status).toBe('rewrapped');
    expect(await versions(key)).toBe(2);
    c.destroy();
  });
});
