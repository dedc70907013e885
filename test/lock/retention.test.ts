// Object Lock against MinIO over TLS: retention, legal hold, the guard options, bucket
// default retention, COMPLIANCE (in its own bucket, which may be left behind if cleanup runs
// before the short retention expires).
import { randomBytes } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetBucketVersioningCommand,
  PutObjectRetentionCommand,
} from '@aws-sdk/client-s3';
import {
  createObjectLockBucket,
  deleteVersion,
  extendRetention,
  getBucketDefaultRetention,
  getBucketObjectLock,
  getLegalHold,
  getRetention,
  headVersion,
  listVersions,
  lockParamsFor,
  putBucketDefaultRetention,
  putLegalHold,
  putRetention,
  removeRetention,
} from '@s3enc/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestBucket, getTestEnv, makeS3Client, type TestBucket } from '../harness/env.js';
import { dropBucket, put, read, rejection, uniqueBucketName } from './helpers.js';

const env = getTestEnv();
const s3 = makeS3Client(env, { maxAttempts: 1 });
let lockBucket: TestBucket;
let plainBucket: TestBucket;
const DAY = 86_400_000;

beforeAll(async () => {
  [lockBucket, plainBucket] = await Promise.all([
    createTestBucket(env, { objectLock: true, prefix: 'lock-retention' }),
    createTestBucket(env, { versioning: true, prefix: 'lock-plain' }),
  ]);
});
afterAll(async () => {
  await Promise.all([lockBucket.cleanup(), plainBucket.cleanup()]);
  s3.destroy();
});

describe('GOVERNANCE retention', () => {
  it('a retained version resists delete; only bypassGovernanceRetention deletes it', async () => {
    const b = lockBucket.name;
    const body = randomBytes(1000);
    const v = await put(
      s3,
      b,
      'gov',
      body,
      lockParamsFor({ mode: 'GOVERNANCE', retainFor: { days: 1 } }),
    );
    const head = await headVersion(s3, { bucket: b, key: 'gov', versionId: v });
    expect(head.lock.mode).toBe('GOVERNANCE');
    expect(head.lock.retainUntil!.getTime()).toBeGreaterThan(Date.now() + DAY - 60_000);

    // Our guard refuses before the request …
    expect(
      await rejection(deleteVersion(s3, { bucket: b, key: 'gov', versionId: v })),
    ).toMatchObject({
      name: 'InvalidArgumentError',
      code: 'ERR_S3ENC_LOCK_GOVERNED_VERSION',
    });
    // … and the server refuses too when the guard is skipped (typed from its answer).
    expect(
      await rejection(
        deleteVersion(s3, { bucket: b, key: 'gov', versionId: v, checkLockFirst: false }),
      ),
    ).toMatchObject({ name: 'S3RequestError', code: 'ERR_S3ENC_OBJECT_LOCKED' });
    expect(
      await rejection(s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'gov', VersionId: v }))),
    ).toBeTruthy();
    expect(await read(s3, b, 'gov', { VersionId: v })).toEqual(body);

    // A plain delete only adds a delete marker; the retained version stays.
    await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'gov' }));
    expect(await read(s3, b, 'gov', { VersionId: v })).toEqual(body);

    const out = await deleteVersion(s3, {
      bucket: b,
      key: 'gov',
      versionId: v,
      bypassGovernanceRetention: true,
    });
    expect(out).toEqual({ versionId: v, wasDeleteMarker: false });
    const left = await listVersions(s3, { bucket: b, key: 'gov' });
    expect(left.map((e) => e.versionId)).not.toContain(v);
  });

  it('extendRetention lengthens, refuses to shorten; putRetention shortens only with the bypass', async () => {
    const b = lockBucket.name;
    const v = await put(s3, b, 'extend', 'x');
    const address = { bucket: b, key: 'extend', versionId: v };
    expect(await getRetention(s3, address)).toBeUndefined();
    expect(
      await rejection(extendRetention(s3, { ...address, retainFor: { days: 2 } })),
    ).toMatchObject({
      code: 'ERR_S3ENC_LOCK_NO_RETENTION',
    });

    const first = await putRetention(s3, {
      ...address,
      mode: 'GOVERNANCE',
      retainFor: { days: 1 },
    });
    expect(await getRetention(s3, address)).toEqual(first);

    const extended = await extendRetention(s3, { ...address, retainFor: { days: 3 } });
    expect(extended.mode).toBe('GOVERNANCE');
    expect(extended.retainUntil.getTime()).toBeGreaterThan(first.retainUntil.getTime() + DAY);
    expect(await getRetention(s3, address)).toEqual(extended);

    expect(
      await rejection(extendRetention(s3, { ...address, retainFor: { days: 2 } })),
    ).toMatchObject({
      code: 'ERR_S3ENC_LOCK_EXTEND_WOULD_SHORTEN',
    });
    expect(
      await rejection(putRetention(s3, { ...address, mode: 'GOVERNANCE', retainFor: { days: 2 } })),
    ).toMatchObject({ code: 'ERR_S3ENC_LOCK_SHORTEN_NEEDS_BYPASS' });
    expect(await getRetention(s3, address)).toEqual(extended);

    const shortened = await putRetention(s3, {
      ...address,
      mode: 'GOVERNANCE',
      retainFor: { days: 2 },
      bypassGovernanceRetention: true,
    });
    expect(await getRetention(s3, address)).toEqual(shortened);
    expect(shortened.retainUntil.getTime()).toBeLessThan(extended.retainUntil.getTime());

    // Removing a GOVERNANCE retention also needs the bypass; afterwards nothing protects the version.
    expect(await rejection(removeRetention(s3, address))).toMatchObject({
      code: 'ERR_S3ENC_LOCK_SHORTEN_NEEDS_BYPASS',
    });
    expect(await getRetention(s3, address)).toEqual(shortened);
    expect(await removeRetention(s3, { ...address, bypassGovernanceRetention: true })).toEqual(
      shortened,
    );
    expect(await getRetention(s3, address)).toBeUndefined();
    expect(await removeRetention(s3, address)).toBeUndefined();
    await deleteVersion(s3, address);
  });

  it('reads the lock state of an SSE-C version (which HEAD cannot read without the key) before deleting', async () => {
    const b = lockBucket.name;
    const key = randomBytes(32);
    const v = await put(s3, b, 'gov-ssec', 'secret', {
      SSECustomerAlgorithm: 'AES256',
      SSECustomerKey: key.toString('base64'),
      ...lockParamsFor({ mode: 'GOVERNANCE', retainFor: { days: 1 } }),
    });
    expect(
      await rejection(deleteVersion(s3, { bucket: b, key: 'gov-ssec', versionId: v })),
    ).toMatchObject({
      code: 'ERR_S3ENC_LOCK_GOVERNED_VERSION',
    });
    await deleteVersion(s3, {
      bucket: b,
      key: 'gov-ssec',
      versionId: v,
      bypassGovernanceRetention: true,
    });
  });
});

describe('legal hold', () => {
  it('blocks delete (bypass or not) until released', async () => {
    const b = lockBucket.name;
    const v = await put(s3, b, 'hold', 'held', lockParamsFor({ legalHold: true }));
    const address = { bucket: b, key: 'hold', versionId: v };
    expect(await getLegalHold(s3, address)).toBe(true);
    expect(await getRetention(s3, address)).toBeUndefined();

    expect(
      await rejection(deleteVersion(s3, { ...address, bypassGovernanceRetention: true })),
    ).toMatchObject({ code: 'ERR_S3ENC_LOCK_LEGAL_HOLD_ACTIVE' });
    expect(
      await rejection(
        deleteVersion(s3, { ...address, bypassGovernanceRetention: true, checkLockFirst: false }),
      ),
    ).toMatchObject({ code: 'ERR_S3ENC_OBJECT_LOCKED' });
    expect((await read(s3, b, 'hold', { VersionId: v })).toString()).toBe('held');

    await putLegalHold(s3, { ...address, legalHold: false });
    expect(await getLegalHold(s3, address)).toBe(false);
    await deleteVersion(s3, address);
    expect(await listVersions(s3, { bucket: b, key: 'hold' })).toEqual([]);
  });

  it('can be placed on an existing version', async () => {
    const b = lockBucket.name;
    const v = await put(s3, b, 'hold-later', 'x');
    await putLegalHold(s3, { bucket: b, key: 'hold-later', versionId: v, legalHold: true });
    expect(await getLegalHold(s3, { bucket: b, key: 'hold-later', versionId: v })).toBe(true);
    expect(
      await rejection(
        deleteVersion(s3, { bucket: b, key: 'hold-later', versionId: v, checkLockFirst: false }),
      ),
    ).toMatchObject({ code: 'ERR_S3ENC_OBJECT_LOCKED' });
    await putLegalHold(s3, { bucket: b, key: 'hold-later', versionId: v, legalHold: false });
  });
});

describe('bucket default retention', () => {
  it('round-trips, applies to new versions, and clears', async () => {
    const b = lockBucket.name;
    expect(await getBucketDefaultRetention(s3, { bucket: b })).toBeUndefined();
    expect(
      await rejection(
        putBucketDefaultRetention(s3, {
          bucket: b,
          defaultRetention: { mode: 'COMPLIANCE', retainFor: { days: 1 } },
        }),
      ),
    ).toMatchObject({ code: 'ERR_S3ENC_LOCK_COMPLIANCE_NOT_ACKNOWLEDGED' });

    await putBucketDefaultRetention(s3, {
      bucket: b,
      defaultRetention: { mode: 'GOVERNANCE', retainFor: { days: 2 } },
    });
    expect(await getBucketDefaultRetention(s3, { bucket: b })).toEqual({
      mode: 'GOVERNANCE',
      retainFor: { days: 2 },
    });
    try {
      const v = await put(s3, b, 'defaulted', 'x');
      const r = await getRetention(s3, { bucket: b, key: 'defaulted', versionId: v });
      expect(r?.mode).toBe('GOVERNANCE');
      expect(Math.abs(r!.retainUntil.getTime() - (Date.now() + 2 * DAY))).toBeLessThan(5 * 60_000);

      await putBucketDefaultRetention(s3, {
        bucket: b,
        defaultRetention: { mode: 'GOVERNANCE', retainFor: { years: 1 } },
      });
      expect(await getBucketDefaultRetention(s3, { bucket: b })).toEqual({
        mode: 'GOVERNANCE',
        retainFor: { years: 1 },
      });
    } finally {
      await putBucketDefaultRetention(s3, { bucket: b, defaultRetention: null });
    }
    expect(await getBucketDefaultRetention(s3, { bucket: b })).toBeUndefined();
    const v2 = await put(s3, b, 'not-defaulted', 'x');
    expect(
      await getRetention(s3, { bucket: b, key: 'not-defaulted', versionId: v2 }),
    ).toBeUndefined();
  });

  it('createObjectLockBucket creates a versioned Object Lock bucket with its default', async () => {
    const name = uniqueBucketName('lock-created');
    try {
      await createObjectLockBucket(s3, {
        bucket: name,
        defaultRetention: { mode: 'GOVERNANCE', retainFor: { days: 1 } },
      });
      expect(await getBucketObjectLock(s3, { bucket: name })).toEqual({
        enabled: true,
        defaultRetention: { mode: 'GOVERNANCE', retainFor: { days: 1 } },
      });
      const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket: name }));
      expect(versioning.Status).toBe('Enabled');
    } finally {
      await dropBucket(s3, name);
    }
  });
});

describe('a bucket without Object Lock', () => {
  it('every lock call says so with ERR_S3ENC_LOCK_NOT_ENABLED', async () => {
    const b = plainBucket.name;
    const v = await put(s3, b, 'k', 'x');
    const address = { bucket: b, key: 'k', versionId: v };
    expect(await getBucketObjectLock(s3, { bucket: b })).toEqual({
      enabled: false,
      defaultRetention: undefined,
    });
    for (const call of [
      () => putRetention(s3, { ...address, mode: 'GOVERNANCE', retainFor: { days: 1 } }),
      () => putLegalHold(s3, { ...address, legalHold: true }),
      () => getRetention(s3, address),
      () => getLegalHold(s3, address),
      () => getBucketDefaultRetention(s3, { bucket: b }),
      () =>
        putBucketDefaultRetention(s3, {
          bucket: b,
          defaultRetention: { mode: 'GOVERNANCE', retainFor: { days: 1 } },
        }),
    ]) {
      expect(await rejection(call())).toMatchObject({
        name: 'InvalidArgumentError',
        code: 'ERR_S3ENC_LOCK_NOT_ENABLED',
        message: expect.stringContaining('Object Lock'),
      });
    }
    // Nothing was locked: the version can be deleted without options.
    await deleteVersion(s3, address);
  });
});

describe('COMPLIANCE retention (own bucket: it cannot be emptied before the retention expires)', () => {
  let b: TestBucket;
  beforeAll(async () => {
    b = await createTestBucket(env, { objectLock: true, prefix: 'lock-compliance' });
  });
  afterAll(async () => {
    // The retention below is a few seconds and the test waits it out, so cleanup normally
    // succeeds; if the test failed early the harness leaves the bucket behind with a warning.
    await b.cleanup().catch((e: unknown) => {
      console.warn(`[test/lock] COMPLIANCE bucket ${b.name} left behind: ${String(e)}`);
    });
  });

  it('is refused without the acknowledgement; with it nobody can delete or shorten until expiry', async () => {
    const key = 'compliance';
    // lockParamsFor throws synchronously, before any request can be built.
    expect(() => lockParamsFor({ mode: 'COMPLIANCE', retainFor: { days: 1 } })).toThrow(
      expect.objectContaining({ code: 'ERR_S3ENC_LOCK_COMPLIANCE_NOT_ACKNOWLEDGED' }),
    );
    expect(
      await rejection(
        putRetention(s3, { bucket: b.name, key, mode: 'COMPLIANCE', retainFor: { days: 1 } }),
      ),
    ).toMatchObject({ code: 'ERR_S3ENC_LOCK_COMPLIANCE_NOT_ACKNOWLEDGED' });
    expect(await listVersions(s3, { bucket: b.name, key })).toEqual([]);

    const retainUntil = new Date(Date.now() + 4_000);
    const v = await put(
      s3,
      b.name,
      key,
      'immutable',
      lockParamsFor({ mode: 'COMPLIANCE', retainUntil, acknowledgeComplianceIsIrreversible: true }),
    );
    const address = { bucket: b.name, key, versionId: v };
    expect((await getRetention(s3, address))?.mode).toBe('COMPLIANCE');

    expect(
      await rejection(deleteVersion(s3, { ...address, bypassGovernanceRetention: true })),
    ).toMatchObject({ code: 'ERR_S3ENC_LOCK_COMPLIANCE_IMMUTABLE' });
    expect(
      await rejection(
        deleteVersion(s3, { ...address, bypassGovernanceRetention: true, checkLockFirst: false }),
      ),
    ).toMatchObject({ code: 'ERR_S3ENC_OBJECT_LOCKED' });
    expect(
      await rejection(
        putRetention(s3, {
          ...address,
          mode: 'GOVERNANCE',
          retainUntil: new Date(Date.now() + 60_000),
          bypassGovernanceRetention: true,
        }),
      ),
    ).toMatchObject({ code: 'ERR_S3ENC_LOCK_COMPLIANCE_IMMUTABLE' });
    expect(
      await rejection(removeRetention(s3, { ...address, bypassGovernanceRetention: true })),
    ).toMatchObject({ code: 'ERR_S3ENC_LOCK_COMPLIANCE_IMMUTABLE' });
    // The server enforces it as well: a raw shortening with the bypass header is refused.
    expect(
      await rejection(
        s3.send(
          new PutObjectRetentionCommand({
            Bucket: b.name,
            Key: key,
            VersionId: v,
            Retention: { Mode: 'COMPLIANCE', RetainUntilDate: new Date(Date.now() + 1_000) },
            BypassGovernanceRetention: true,
          }),
        ),
      ),
    ).toBeTruthy();
    expect((await getRetention(s3, address))?.retainUntil.getTime()).toBe(
      Math.ceil(retainUntil.getTime() / 1000) * 1000,
    );
    // Extending a COMPLIANCE retention is irreversible too, so it also needs the acknowledgement.
    expect(
      await rejection(
        extendRetention(s3, { ...address, retainUntil: new Date(retainUntil.getTime() + 1_000) }),
      ),
    ).toMatchObject({ code: 'ERR_S3ENC_LOCK_COMPLIANCE_NOT_ACKNOWLEDGED' });
    const extended = await extendRetention(s3, {
      ...address,
      retainUntil: new Date(retainUntil.getTime() + 1_000),
      acknowledgeComplianceIsIrreversible: true,
    });
    expect(extended.mode).toBe('COMPLIANCE');

    // Once expired, the version can be deleted without any option.
    await new Promise((r) =>
      setTimeout(r, Math.max(0, extended.retainUntil.getTime() - Date.now()) + 1_500),
    );
    await deleteVersion(s3, address);
    expect(await listVersions(s3, { bucket: b.name, key })).toEqual([]);
  });
});
