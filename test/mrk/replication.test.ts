// A replica made by real MinIO bucket replication (two MinIO servers over TLS acting as
// us-east-1 and us-west-2, a remote target registered through MinIO's admin API, a
// PutBucketReplication rule), read in us-west-2 with only us-west-2's KMS reachable. An object
// under the multi-Region key reads there byte for byte; one wrapped only under a single-Region
// key of us-east-1 fails with the typed KeyUnwrapError.
import { randomBytes } from 'node:crypto';
import { KeyUnwrapError, kmsDiscoveryKeyring, kmsKeyring, type Keyring } from '@s3enc/core';
import { EncryptedS3Client } from '@s3enc/node';
import { LOCAL_ACCOUNT_ID } from '@s3enc/testing';
import { EAST, startTwoRegions, WEST, type TwoRegions } from './two-regions.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestBucket } from '../harness/env.js';
import { waitForReplica, type MinioPair } from '../harness/minio-replication.js';
import { MiB, s3Settings } from '../transfer/helpers.js';
import { localOnlyArn, mrkArn, regionKmsProvider, type RegionKms } from './region-kms.js';

let east: RegionKms;
let west: RegionKms;
let pair: MinioPair;
let source: TestBucket;
let replica: TestBucket;

function client(side: 'a' | 'b', keyring: Keyring) {
  return new EncryptedS3Client({
    s3: s3Settings(pair[side].env),
    keyring,
    frameLength: 4096,
    partSize: 5 * MiB,
  });
}

let regions: TwoRegions;
beforeAll(async () => {
  regions = await startTwoRegions('s3enc-repl-', 'repl-east', 'repl-west');
  ({ east, west, pair, source, replica } = regions);
  expect(regions.arn).toMatch(new RegExp(`^arn:minio:replication:${WEST}:[^:]+:${replica.name}$`));
});
afterAll(async () => {
  await regions?.stop();
});

describe('bucket replication between two MinIO servers, read in the second Region', () => {
  const plain = randomBytes(6 * MiB + 11);
  const context = { tenant: 'acme' };

  it('objects written in us-east-1 reach us-west-2 by replication', async () => {
    const asked: string[] = [];
    const mrkWriter = client(
      'a',
      kmsKeyring({
        generatorKeyId: mrkArn(EAST),
        clientProvider: regionKmsProvider({ [EAST]: east }, asked),
      }),
    );
    // CRC64NVME: the pinned MinIO does not replicate a multipart object whose checksum is a
    // FULL_OBJECT CRC32C, s3enc's default ("The provided 'x-amz-checksum' header does not match
    // what was computed", docs/cross-region.md); CRC64NVME, composite CRC32C and SHA256 replicate.
    await mrkWriter.put(source.name, 'mrk/object', plain, {
      encryptionContext: context,
      checksumAlgorithm: 'CRC64NVME',
    });
    mrkWriter.destroy();
    const localWriter = client(
      'a',
      kmsKeyring({
        generatorKeyId: localOnlyArn(EAST),
        clientProvider: regionKmsProvider({ [EAST]: east }, asked),
      }),
    );
    await localWriter.put(source.name, 'single-region/object', plain.subarray(0, 1000));
    localWriter.destroy();
    expect(new Set(asked)).toEqual(new Set([EAST]));
    for (const key of ['mrk/object', 'single-region/object']) {
      const h = await waitForReplica(pair.b.s3, replica.name, key);
      expect(h.ReplicationStatus).toBe('REPLICA');
    }
  });

  it('us-east-1 KMS stopped: the MRK object reads in us-west-2 (strict and discovery)', async () => {
    await east.stop();
    const asked: string[] = [];
    const strict = client(
      'b',
      kmsKeyring({
        generatorKeyId: mrkArn(WEST),
        clientProvider: regionKmsProvider({ [WEST]: west }, asked),
      }),
    );
    const got = await strict.get(replica.name, 'mrk/object', { encryptionContext: context });
    expect((await got.bytes()).equals(plain)).toBe(true);
    strict.destroy();
    const discovery = client(
      'b',
      kmsDiscoveryKeyring({
        regions: [WEST],
        discoveryFilter: { accountIDs: [LOCAL_ACCOUNT_ID], partition: 'aws' },
        clientProvider: regionKmsProvider({ [WEST]: west }, asked),
      }),
    );
    const again = await discovery.get(replica.name, 'mrk/object');
    expect((await again.bytes()).equals(plain)).toBe(true);
    discovery.destroy();
    expect(new Set(asked)).toEqual(new Set([WEST]));
  });

  it('the object under a us-east-1 single-Region key only: KeyUnwrapError in us-west-2', async () => {
    for (const keyring of [
      kmsKeyring({
        generatorKeyId: localOnlyArn(WEST),
        clientProvider: regionKmsProvider({ [WEST]: west }, []),
      }),
      kmsDiscoveryKeyring({
        regions: [WEST],
        discoveryFilter: { accountIDs: [LOCAL_ACCOUNT_ID], partition: 'aws' },
        clientProvider: regionKmsProvider({ [WEST]: west }, []),
      }),
    ]) {
      const reader = client('b', keyring);
      const err: unknown = await reader.get(replica.name, 'single-region/object').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(KeyUnwrapError);
      expect(err).toMatchObject({ code: 'ERR_S3ENC_NO_DATA_KEY' });
      reader.destroy();
    }
  });
});
