// Issue #14: `convertObject` on objects the official clients wrote (the SES shape from the Java
// SDK v1 client, Java S3EC 4.x V3 with an instruction file and multipart, Python S3EC V2): a new
// version in the s3enc format with the same plaintext and context, readable by ranges; the
// source version is kept and still reads; a dry run writes nothing.
import { ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EncryptedS3Client } from '@s3enc/node';
import { createTestBucket, getTestEnv, makeS3Client, type TestBucket } from '../harness/env.js';
import {
  makeKeys,
  P,
  peerFlags,
  peerRun,
  plaintexts,
  s3ecClientOptions,
  type MatrixCase,
} from './s3ec-matrix.js';

const env = getTestEnv();
const keys = makeKeys();
const s3 = makeS3Client(env);
let bucket: TestBucket;
let client: EncryptedS3Client;

const ses = {
  'aws:ses:message-id': 'convert-0001',
  'aws:ses:rule-name': 'inbound',
  'aws:ses:source-account': '111122223333',
};
const context = { Project: 'convert', env: 'test' };

type ConvertCase = Pick<MatrixCase, 'name' | 'writer' | 'key' | 'flags' | 'format'> & {
  size: number;
  context: Record<string, string>;
};

const CASES: ConvertCase[] = [
  {
    name: 'ses',
    writer: 'sdk1-v1',
    key: 'kms',
    flags: { matdesc: ses },
    format: 's3ec-v1',
    size: 70_001,
    context: ses,
  },
  {
    name: 'v3-instruction',
    writer: 'v4',
    key: 'kms',
    flags: { context, instructionFile: true },
    format: 's3ec-v3',
    size: 4099,
    context,
  },
  {
    name: 'v3-multipart',
    writer: 'v4',
    key: 'kms',
    flags: { context, multipart: true, partSize: P },
    format: 's3ec-v3',
    size: 2 * P + 17,
    context,
  },
  {
    name: 'python-v2',
    writer: 'python',
    key: 'kms',
    flags: { format: 'v2', context },
    format: 's3ec-v2',
    size: 17,
    context,
  },
];

beforeAll(async () => {
  bucket = await createTestBucket(env, { prefix: 's3ec-convert', versioning: true });
  client = new EncryptedS3Client(s3ecClientOptions(env, keys));
});
afterAll(async () => {
  client.destroy();
  await bucket.cleanup();
  s3.destroy();
});

async function versionsOf(key: string): Promise<string[]> {
  const r = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket.name, Prefix: key }));
  return (r.Versions ?? []).filter((v) => v.Key === key).map((v) => v.VersionId ?? '');
}

describe('convertObject on peer-written objects', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const [plain] = plaintexts([c.size]);
    const key = `convert/${c.name}`;
    await peerRun(env, c.writer, 'put', peerFlags(env, keys, bucket.name, c), [[key, plain!.file]]);
    const [sourceVersion] = await versionsOf(key);

    const dry = await client.convertObject(bucket.name, key, { dryRun: true });
    expect(dry).toMatchObject({ status: 'would-convert', sourceFormat: c.format });
    expect(await versionsOf(key)).toEqual([sourceVersion]);

    const done = await client.convertObject(bucket.name, key);
    expect(done).toMatchObject({
      status: 'converted',
      sourceFormat: c.format,
      sourceVersionId: sourceVersion,
      plaintextSize: c.size,
    });
    expect(done.newVersionId).toBeDefined();
    expect(done.newVersionId).not.toBe(sourceVersion);

    // The current version is an s3enc object with the same plaintext, the source's context,
    // and authenticated ranges.
    expect((await client.head(bucket.name, key)).format).toBe('s3enc');
    const got = await client.get(bucket.name, key, { encryptionContext: c.context });
    expect((await got.bytes()).equals(plain!.bytes)).toBe(true);
    const start = Math.floor(c.size / 3);
    const ranged = await client.get(bucket.name, key, { range: { start, end: start + 5 } });
    expect((await ranged.bytes()).equals(plain!.bytes.subarray(start, start + 5))).toBe(true);

    // The source version is kept and still reads in its own format.
    const old = await client.get(bucket.name, key, { versionId: sourceVersion });
    expect((await old.bytes()).equals(plain!.bytes)).toBe(true);
    expect((await client.head(bucket.name, key, { versionId: sourceVersion })).format).toBe(
      c.format,
    );

    // Converting again is a no-op.
    expect((await client.convertObject(bucket.name, key)).status).toBe('skipped');
  });
});
