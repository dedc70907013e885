// The encrypt-on-ingest Lambda, bundled with esbuild and invoked with a realistic S3 event
// against MinIO + local-kms.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestBucket,
  getTestEnv,
  makeS3Client,
  type TestBucket,
} from '../../../test/harness/env.js';
import { EncryptedS3Client } from '@s3enc/node';
import { kmsKeyring } from '@s3enc/core';
import { makeKmsClient } from '../../../test/harness/env.js';
import { bundleExample } from '../../shared/src/bundle.js';

const env = getTestEnv();
let staging: TestBucket;
let vault: TestBucket;
type Handler = (event: unknown) => Promise<
  Array<{
    source: string;
    status: string;
    reason?: string;
    vault?: {
      bucket: string;
      key: string;
      versionId?: string;
      plaintextSize: number;
      retainUntil?: string;
    };
  }>
>;
let handler: Handler;
let bundleBytes = 0;

const fixture = readFileSync(new URL('./fixtures/s3-object-created.json', import.meta.url), 'utf8');

function eventFor(o: {
  bucket: string;
  key: string;
  etag: string;
  versionId: string;
  size: number;
  eventName?: string;
}): unknown {
  const ev = JSON.parse(
    fixture
      .replaceAll('__STAGING_BUCKET__', o.bucket)
      // S3 notifications URL-encode the key, with '+' for spaces.
      .replace('__KEY__', encodeURIComponent(o.key).replace(/%20/g, '+').replace(/%2F/g, '/'))
      .replace('__ETAG__', o.etag)
      .replace('__VERSION_ID__', o.versionId),
  );
  ev.Records[0].s3.object.size = o.size;
  if (o.eventName) ev.Records[0].eventName = o.eventName;
  return ev;
}

beforeAll(async () => {
  staging = await createTestBucket(env, { versioning: true, prefix: 's3enc-ex-staging' });
  vault = await createTestBucket(env, { objectLock: true, prefix: 's3enc-ex-vault' });
  const b = await bundleExample('encrypt-on-ingest');
  bundleBytes = b.bytes;
  // The function's configuration, as the SAM template sets it (plus the local endpoints).
  Object.assign(process.env, {
    VAULT_BUCKET: vault.name,
    KMS_KEY_ARN: env.kmsKeys.primary.arn,
    RETENTION_MODE: 'GOVERNANCE',
    RETENTION_DAYS: '1',
    AWS_REGION: env.s3.region,
    AWS_ENDPOINT_URL_S3: env.s3.endpoint,
    AWS_ENDPOINT_URL_KMS: env.kms.endpoint,
    AWS_CA_BUNDLE: env.caPath,
    AWS_ACCESS_KEY_ID: env.s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: env.s3.credentials.secretAccessKey,
  });
  const mod = (await import(pathToFileURL(b.outfile).href)) as { handler: Handler };
  handler = mod.handler;
});
afterAll(async () => {
  await staging.cleanup();
  await vault.cleanup();
});

async function stage(key: string, body: Buffer) {
  const s3 = makeS3Client(env);
  try {
    const r = await s3.send(new PutObjectCommand({ Bucket: staging.name, Key: key, Body: body }));
    return { etag: r.ETag!.replaceAll('"', ''), versionId: r.VersionId! };
  } finally {
    s3.destroy();
  }
}

describe('encrypt-on-ingest (bundled handler)', () => {
  it('bundles to one file', () => {
    console.log(`encrypt-on-ingest bundle: ${(bundleBytes / 1024).toFixed(1)} KiB`);
    expect(bundleBytes).toBeGreaterThan(10_000);
  });

  it('encrypts into the locked vault, then deletes the plaintext', async () => {
    const key = 'incoming/report 2026 (final).csv';
    const body = randomBytes(6 * 1024 * 1024 + 17);
    const { etag, versionId } = await stage(key, body);
    const out = await handler(
      eventFor({ bucket: staging.name, key, etag, versionId, size: body.length }),
    );
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      status: 'ingested',
      source: `s3://${staging.name}/${key}`,
      vault: { bucket: vault.name, key, plaintextSize: body.length },
    });

    const s3 = makeS3Client(env);
    try {
      // The plaintext version is gone from staging.
      await expect(
        s3.send(new HeadObjectCommand({ Bucket: staging.name, Key: key, VersionId: versionId })),
      ).rejects.toMatchObject({
        $metadata: { httpStatusCode: 404 },
      });
      // The vault holds ciphertext (not the plaintext), under GOVERNANCE retention.
      const stored = await s3.send(new GetObjectCommand({ Bucket: vault.name, Key: key }));
      const cipher = Buffer.from(await stored.Body!.transformToByteArray());
      expect(cipher.length).toBeGreaterThan(body.length);
      expect(cipher.includes(body.subarray(1000, 1064))).toBe(false);
      expect(stored.ObjectLockMode).toBe('GOVERNANCE');
      expect(stored.ObjectLockRetainUntilDate!.getTime()).toBeGreaterThan(
        Date.now() + 23 * 3600_000,
      );
    } finally {
      s3.destroy();
    }
    // And it decrypts to the original with the KMS key and the recorded context.
    const kms = makeKmsClient(env);
    const reader = new EncryptedS3Client({
      s3: makeS3Client(env),
      keyring: kmsKeyring({ generatorKeyId: env.kmsKeys.primary.arn, clientProvider: () => kms }),
    });
    try {
      const got = await reader.get(vault.name, key, {
        encryptionContext: { 'ingest-source-bucket': staging.name },
      });
      const plain = await got.bytes();
      expect(createHash('sha256').update(plain).digest('hex')).toBe(
        createHash('sha256').update(body).digest('hex'),
      );
    } finally {
      reader.destroy();
      reader.s3.destroy();
      kms.destroy();
    }
  });

  it('skips a redelivered event whose plaintext is already gone', async () => {
    const key = 'incoming/twice.txt';
    const { etag, versionId } = await stage(key, Buffer.from('deliver me twice'));
    const ev = eventFor({ bucket: staging.name, key, etag, versionId, size: 16 });
    expect((await handler(ev))[0]!.status).toBe('ingested');
    const again = await handler(ev);
    expect(again[0]).toMatchObject({ status: 'skipped' });
  });

  it('on an unversioned staging bucket, a stale event never deletes a newer upload', async () => {
    const plain = await createTestBucket(env, { prefix: 's3enc-ex-staging-plain' });
    const s3 = makeS3Client(env);
    try {
      const key = 'incoming/replaced.txt';
      const first = await s3.send(
        new PutObjectCommand({ Bucket: plain.name, Key: key, Body: 'first upload' }),
      );
      await s3.send(new PutObjectCommand({ Bucket: plain.name, Key: key, Body: 'second upload' }));
      const stale = eventFor({
        bucket: plain.name,
        key,
        etag: first.ETag!.replaceAll('"', ''),
        versionId: '',
        size: 12,
      });
      const out = await handler(stale);
      expect(out[0]).toMatchObject({ status: 'skipped' });
      const still = await s3.send(new GetObjectCommand({ Bucket: plain.name, Key: key }));
      expect(await still.Body!.transformToString()).toBe('second upload');
    } finally {
      s3.destroy();
      await plain.cleanup();
    }
  });

  it('ignores events other than ObjectCreated', async () => {
    const out = await handler(
      eventFor({
        bucket: staging.name,
        key: 'x',
        etag: 'e',
        versionId: 'v',
        size: 1,
        eventName: 'ObjectRemoved:Delete',
      }),
    );
    expect(out[0]).toMatchObject({ status: 'skipped' });
  });

  it('keeps the plaintext when the vault write fails (the event is retried)', async () => {
    const key = 'incoming/keep-me.txt';
    const { etag, versionId } = await stage(key, Buffer.from('keep me'));
    const saved = process.env.VAULT_BUCKET;
    // A fresh module instance configured with a vault bucket that does not exist.
    process.env.VAULT_BUCKET = 'no-such-vault-bucket-s3enc';
    const b = await bundleExample('encrypt-on-ingest');
    const mod = (await import(`${pathToFileURL(b.outfile).href}?broken`)) as { handler: Handler };
    try {
      await expect(
        mod.handler(eventFor({ bucket: staging.name, key, etag, versionId, size: 7 })),
      ).rejects.toThrow();
    } finally {
      process.env.VAULT_BUCKET = saved;
    }
    const s3 = makeS3Client(env);
    try {
      const h = await s3.send(
        new HeadObjectCommand({ Bucket: staging.name, Key: key, VersionId: versionId }),
      );
      expect(h.ContentLength).toBe(7);
    } finally {
      s3.destroy();
    }
  });
});
