// The batch-operations Lambda, bundled with esbuild and invoked with S3 Batch Operations schema
// 2.0 events against MinIO + local-kms: mixed results, a retried task (idempotent), an object
// that changed since the manifest, and encryption of a plaintext object in place.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { GetObjectCommand, ListObjectVersionsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { kmsKeyring } from '@s3enc/core';
import { EncryptedS3Client, batchJobRequest, writeBatchManifest } from '@s3enc/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestBucket,
  getTestEnv,
  makeKmsClient,
  makeS3Client,
  type TestBucket,
} from '../../../test/harness/env.js';
import { bundleExample } from '../../shared/src/bundle.js';

const env = getTestEnv();
const s3 = makeS3Client(env);
const kms = makeKmsClient(env);
let bucket: TestBucket;
type Result = {
  invocationSchemaVersion: string;
  treatMissingKeysAs: string;
  invocationId: string;
  results: { taskId: string; resultCode: string; resultString: string }[];
};
let handler: (event: unknown) => Promise<Result>;

const fixture = readFileSync(new URL('./fixtures/batch-2.0.json', import.meta.url), 'utf8');

/** A schema 2.0 invocation as Batch Operations sends it (keys URL-encoded). */
function invocation(
  userArguments: Record<string, string>,
  tasks: { key: string; versionId?: string }[],
): unknown {
  const ev = JSON.parse(fixture) as {
    job: { userArguments: Record<string, string> };
    tasks: unknown[];
  };
  ev.job.userArguments = userArguments;
  ev.tasks = tasks.map((t, i) => ({
    taskId: `task-${i}`,
    s3Bucket: bucket.name,
    s3Key: encodeURIComponent(t.key),
    s3VersionId: t.versionId ?? null,
  }));
  return ev;
}

const reader = (arn: string) =>
  new EncryptedS3Client({
    s3: {
      endpoint: env.s3.endpoint,
      region: env.s3.region,
      credentials: env.s3.credentials,
      forcePathStyle: true,
      ca: env.ca,
    },
    keyring: kmsKeyring({ generatorKeyId: arn, clientProvider: () => kms }),
  });

const REWRAP = {
  task: 'rewrap',
  addKmsKeyIds: env.kmsKeys.secondary.arn,
  removeKeyIds: 'all',
};

beforeAll(async () => {
  bucket = await createTestBucket(env, { versioning: true, prefix: 's3enc-ex-batch' });
  const b = await bundleExample('batch-operations');
  // The function's configuration, as the SAM template sets it (plus the local endpoints).
  Object.assign(process.env, {
    DECRYPT_KMS_KEY_ARNS: `${env.kmsKeys.primary.arn},${env.kmsKeys.secondary.arn}`,
    KMS_KEY_ARN: env.kmsKeys.secondary.arn,
    AWS_REGION: env.s3.region,
    AWS_ENDPOINT_URL_S3: env.s3.endpoint,
    AWS_ENDPOINT_URL_KMS: env.kms.endpoint,
    AWS_CA_BUNDLE: env.caPath,
    AWS_ACCESS_KEY_ID: env.s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: env.s3.credentials.secretAccessKey,
  });
  const mod = (await import(pathToFileURL(b.outfile).href)) as { handler: typeof handler };
  handler = mod.handler;
});
afterAll(async () => {
  await bucket.cleanup();
  s3.destroy();
  kms.destroy();
});

describe('batch-operations (bundled handler, schema 2.0)', () => {
  it('rewrap: mixed results, then the retried invocation succeeds without writing again', async () => {
    const old = reader(env.kmsKeys.primary.arn);
    const plains = [randomBytes(100), randomBytes(6 * 1024 * 1024 + 3)];
    const keys = ['rotate/a b.bin', 'rotate/ü+2.bin'];
    const versions: string[] = [];
    for (const [i, k] of keys.entries())
      versions.push((await old.put(bucket.name, k, plains[i]!)).versionId!);
    await s3.send(
      new PutObjectCommand({ Bucket: bucket.name, Key: 'rotate/plain.txt', Body: 'x' }),
    );
    const ev = invocation(REWRAP, [
      { key: keys[0]!, versionId: versions[0]! },
      { key: keys[1]! },
      { key: 'rotate/missing' },
      { key: 'rotate/plain.txt' },
    ]);
    const r = await handler(ev);
    expect(r.invocationSchemaVersion).toBe('2.0');
    expect(r.treatMissingKeysAs).toBe('PermanentFailure');
    expect(r.results.map((x) => x.resultCode)).toEqual([
      'Succeeded',
      'Succeeded',
      'PermanentFailure',
      'PermanentFailure',
    ]);
    expect(r.results[0]!.resultString).toMatch(/^rewrapped: new version/);
    expect(r.results[2]!.resultString).toMatch(/ERR_S3ENC_NO_SUCH_KEY/);
    expect(r.results[3]!.resultString).toMatch(/ERR_S3ENC_NOT_ENCRYPTED/);
    // The new key alone reads them; the old one no longer does.
    const fresh = reader(env.kmsKeys.secondary.arn);
    for (const [i, k] of keys.entries())
      expect((await (await fresh.get(bucket.name, k)).bytes()).equals(plains[i]!)).toBe(true);
    await expect(old.get(bucket.name, keys[0]!)).rejects.toMatchObject({
      code: 'ERR_S3ENC_NO_DATA_KEY',
    });

    // At-least-once delivery: the same invocation again.
    const again = await handler(ev);
    expect(again.results.slice(0, 2).map((x) => x.resultCode)).toEqual(['Succeeded', 'Succeeded']);
    for (const x of again.results.slice(0, 2)) expect(x.resultString).toMatch(/^unchanged/);
    for (const c of [old, fresh]) c.destroy();
  });

  it('rewrap: an object changed since the manifest is a permanent failure that says so', async () => {
    const old = reader(env.kmsKeys.primary.arn);
    const k = 'rotate/changed.bin';
    const v1 = (await old.put(bucket.name, k, randomBytes(50))).versionId!;
    await old.put(bucket.name, k, randomBytes(60)); // a newer version, still under the old key
    const r = await handler(invocation(REWRAP, [{ key: k, versionId: v1 }]));
    expect(r.results[0]).toMatchObject({ resultCode: 'PermanentFailure' });
    expect(r.results[0]!.resultString).toMatch(/changed since the manifest/);
    old.destroy();
  });

  it('rewrap with deleteSourceVersionAfterVerify: the source version goes once the new one verified; a retry is a no-op', async () => {
    const old = reader(env.kmsKeys.primary.arn);
    const k = 'rotate/delete-source.bin';
    const plain = randomBytes(6 * 1024 * 1024 + 11);
    const v1 = (await old.put(bucket.name, k, plain)).versionId!;
    const ev = invocation({ ...REWRAP, deleteSourceVersionAfterVerify: 'true' }, [
      { key: k, versionId: v1 },
    ]);
    const r = await handler(ev);
    expect(r.results[0]!.resultCode, r.results[0]!.resultString).toBe('Succeeded');
    expect(r.results[0]!.resultString).toMatch(
      new RegExp(`version ${v1} deleted after verification`),
    );
    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket.name, Prefix: k }));
    const ids = (listed.Versions ?? []).map((v) => v.VersionId);
    expect(ids).toHaveLength(1);
    expect(ids).not.toContain(v1);
    const fresh = reader(env.kmsKeys.secondary.arn);
    expect((await (await fresh.get(bucket.name, k)).bytes()).equals(plain)).toBe(true);
    const again = await handler(ev);
    expect(again.results[0]).toMatchObject({ resultCode: 'Succeeded' });
    expect(again.results[0]!.resultString).toMatch(/^unchanged/);
    for (const c of [old, fresh]) c.destroy();
  });

  it('encrypt: a plaintext object becomes an encrypted version; a retry leaves it alone', async () => {
    const k = 'ingest/plain.csv';
    const body = randomBytes(7000);
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: bucket.name,
        Key: k,
        Body: body,
        ContentType: 'text/csv',
        Metadata: { origin: 'batch-test' },
        Tagging: 'team=red',
      }),
    );
    const ev = invocation({ task: 'encrypt' }, [{ key: k, versionId: put.VersionId! }]);
    const r = await handler(ev);
    expect(r.results[0]!.resultCode, r.results[0]!.resultString).toBe('Succeeded');
    const c = reader(env.kmsKeys.secondary.arn);
    const got = await c.get(bucket.name, k);
    expect(got.encrypted).toBe(true);
    expect((await got.bytes()).equals(body)).toBe(true);
    const again = await handler(ev);
    expect(again.results[0]).toMatchObject({ resultCode: 'Succeeded' });
    expect(again.results[0]!.resultString).toMatch(/^unchanged: already encrypted/);
    c.destroy();
  });

  it('an unknown task is a permanent failure naming the user argument', async () => {
    const r = await handler(invocation({ task: 'shred' }, [{ key: 'x' }]));
    expect(r.results[0]).toMatchObject({ resultCode: 'PermanentFailure' });
    expect(r.results[0]!.resultString).toMatch(/user argument task/);
  });

  it('the manifest of a prefix drives a job: rows become schema 2.0 tasks, all rewrapped', async () => {
    const old = reader(env.kmsKeys.primary.arn);
    const keys = ['job/one.bin', 'job/sub dir/two.bin', 'job/3 + 4.bin'];
    for (const k of keys) await old.put(bucket.name, k, randomBytes(500));
    await old.put(bucket.name, keys[0]!, randomBytes(400)); // only the current version is listed
    const manifest = await writeBatchManifest(s3, {
      bucket: bucket.name,
      prefix: 'job/',
      manifestBucket: bucket.name,
      manifestKey: 'manifests/job.csv',
    });
    expect(manifest.objects).toBe(3);
    const request = batchJobRequest({
      accountId: '111122223333',
      functionArn: 'arn:aws:lambda:us-east-1:111122223333:function:s3enc-batch',
      roleArn: 'arn:aws:iam::111122223333:role/s3enc-batch',
      reportBucketArn: 'arn:aws:s3:::s3enc-reports',
      manifest,
      userArguments: REWRAP,
    });
    expect(request.Operation?.LambdaInvoke).toMatchObject({
      InvocationSchemaVersion: '2.0',
      UserArguments: REWRAP,
    });
    expect(request.Manifest?.Location?.ETag).toBe(manifest.etag.replaceAll('"', ''));
    expect(request.ConfirmationRequired).toBe(true);
    const csv = await s3.send(
      new GetObjectCommand({ Bucket: bucket.name, Key: 'manifests/job.csv' }),
    );
    const rows = (await csv.Body!.transformToString())
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    // Batch Operations hands each row to the function as a task (the key stays URL-encoded).
    const ev = JSON.parse(fixture) as { job: { userArguments: unknown }; tasks: unknown[] };
    ev.job.userArguments = REWRAP;
    ev.tasks = rows.map(([b, k, v], i) => ({
      taskId: `row-${i}`,
      s3Bucket: b,
      s3Key: k,
      s3VersionId: v,
    }));
    const r = await handler(ev);
    expect(r.results.map((x) => x.resultCode)).toEqual(['Succeeded', 'Succeeded', 'Succeeded']);
    const fresh = reader(env.kmsKeys.secondary.arn);
    for (const k of keys) expect((await fresh.head(bucket.name, k)).encrypted).toBe(true);
    for (const k of keys) await (await fresh.get(bucket.name, k)).bytes();
    for (const c of [old, fresh]) c.destroy();
  });
});
