// Multi-Region keys: an object whose data key is wrapped by a multi-Region key in one Region
// decrypts in another Region with that key's replica, with no call to the first Region (it is
// stopped), through the strict and the discovery MRK-aware keyrings. Two local-kms instances act
// as us-east-1 and us-west-2. The replica is made by copying the object to a second bucket of
// the same MinIO (no bucket replication between two MinIO servers here).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CopyObjectCommand } from '@aws-sdk/client-s3';
import { kmsDiscoveryKeyring, kmsKeyring, type Keyring } from '@s3enc/core';
import { EncryptedS3Client } from '@s3enc/node';
import { LOCAL_ACCOUNT_ID, makeCerts } from '@s3enc/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestBucket, getTestEnv, makeS3Client, type TestBucket } from '../harness/env.js';
import { MiB, s3Settings } from '../transfer/helpers.js';
import {
  localOnlyArn,
  mrkArn,
  regionKmsProvider,
  startRegionKms,
  type RegionKms,
} from './region-kms.js';

const env = getTestEnv();
const EAST = 'us-east-1';
const WEST = 'us-west-2';
const s3 = makeS3Client(env);
let dir: string;
let east: RegionKms;
let west: RegionKms;
let source: TestBucket;
let replica: TestBucket;

function client(keyring: Keyring) {
  return new EncryptedS3Client({
    s3: s3Settings(env),
    keyring,
    frameLength: 4096,
    partSize: 5 * MiB,
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 's3enc-mrk-'));
  const certs = await makeCerts(dir);
  // The single-Region key gets different material in each Region, as two unrelated keys would.
  [east, west] = await Promise.all([
    startRegionKms(EAST, certs, dir, randomBytes(32).toString('hex')),
    startRegionKms(WEST, certs, dir, randomBytes(32).toString('hex')),
  ]);
  source = await createTestBucket(env, { versioning: true, prefix: 'mrk-east' });
  replica = await createTestBucket(env, { versioning: true, prefix: 'mrk-west' });
});
afterAll(async () => {
  await east?.stop();
  await west?.stop();
  await source?.cleanup();
  await replica?.cleanup();
  s3.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe('multi-Region keys across two Regions', () => {
  const plain = randomBytes(6 * MiB + 11);
  const key = 'mrk/object';
  const context = { tenant: 'acme' };

  it('written in us-east-1 under the MRK (and a single-Region key), replicated by copy', async () => {
    const asked: string[] = [];
    const writer = client(
      kmsKeyring({
        generatorKeyId: mrkArn(EAST),
        keyIds: [localOnlyArn(EAST)],
        clientProvider: regionKmsProvider({ [EAST]: east }, asked),
      }),
    );
    await writer.put(source.name, key, plain, { encryptionContext: context });
    expect(new Set(asked)).toEqual(new Set([EAST]));
    const h = await writer.head(source.name, key);
    expect(h.encrypted && h.envelope.keyIds).toEqual([mrkArn(EAST), localOnlyArn(EAST)]);
    await s3.send(
      new CopyObjectCommand({
        Bucket: replica.name,
        Key: key,
        CopySource: `${source.name}/${key}`,
      }),
    );
    writer.destroy();
  });

  it('us-east-1 is stopped: the strict MRK-aware keyring reads the replica in us-west-2', async () => {
    await east.stop();
    const asked: string[] = [];
    const reader = client(
      kmsKeyring({
        generatorKeyId: mrkArn(WEST),
        clientProvider: regionKmsProvider({ [WEST]: west }, asked),
      }),
    );
    const got = await reader.get(replica.name, key, { encryptionContext: context });
    expect((await got.bytes()).equals(plain)).toBe(true);
    expect(new Set(asked)).toEqual(new Set([WEST]));
    reader.destroy();
  });

  it('the discovery MRK-aware keyring in us-west-2 reads it too; a foreign account filter does not', async () => {
    const asked: string[] = [];
    const reader = client(
      kmsDiscoveryKeyring({
        regions: [WEST],
        discoveryFilter: { accountIDs: [LOCAL_ACCOUNT_ID], partition: 'aws' },
        clientProvider: regionKmsProvider({ [WEST]: west }, asked),
      }),
    );
    const got = await reader.get(replica.name, key);
    expect((await got.bytes()).equals(plain)).toBe(true);
    expect(new Set(asked)).toEqual(new Set([WEST]));
    reader.destroy();
    const foreign = client(
      kmsDiscoveryKeyring({
        regions: [WEST],
        discoveryFilter: { accountIDs: ['999999999999'], partition: 'aws' },
        clientProvider: regionKmsProvider({ [WEST]: west }, []),
      }),
    );
    await expect(foreign.get(replica.name, key)).rejects.toMatchObject({
      code: 'ERR_S3ENC_NO_DATA_KEY',
    });
    foreign.destroy();
  });

  it('a single-Region key does not match across Regions: its us-west-2 namesake cannot read', async () => {
    const reader = client(
      kmsKeyring({
        generatorKeyId: localOnlyArn(WEST),
        clientProvider: regionKmsProvider({ [WEST]: west }, []),
      }),
    );
    await expect(reader.get(replica.name, key)).rejects.toMatchObject({
      code: 'ERR_S3ENC_NO_DATA_KEY',
    });
    reader.destroy();
  });

  it('rewrap in us-west-2: the replica keeps only the MRK, read and re-wrapped by its replica', async () => {
    const asked: string[] = [];
    const west1 = kmsKeyring({
      generatorKeyId: mrkArn(WEST),
      clientProvider: regionKmsProvider({ [WEST]: west }, asked),
    });
    const c = client(west1);
    const r = await c.rewrap(replica.name, key, { removeKeyIds: [localOnlyArn(EAST)] });
    expect(r.status).toBe('rewrapped');
    expect(r.keyIdsAfter).toEqual([mrkArn(EAST)]);
    const got = await c.get(replica.name, key, { encryptionContext: context });
    expect((await got.bytes()).equals(plain)).toBe(true);
    expect(new Set(asked)).toEqual(new Set([WEST]));
    c.destroy();
  });
});
