// The audit's replication-readability check against a real replication configuration: two
// MinIO servers (us-east-1 → us-west-2, MinIO bucket replication over TLS) and local-kms as
// us-east-1 and us-west-2. Objects under a multi-Region key, under us-east-1 single-Region
// keys only, under keys of both Regions, in the S3 Encryption Client format and in plaintext;
// the audit (library and CLI) names the ones unreadable in us-west-2.
import { randomBytes } from 'node:crypto';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { kmsKeyring } from '@s3enc/core';
import { auditBucket, EncryptedS3Client, type AuditReport, type Finding } from '@s3enc/node';
import { EAST, startTwoRegions, WEST, type TwoRegions } from '../mrk/two-regions.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, ensureCliBuilt, runCli } from '../cli/cli-helpers.js';
import { getTestEnv, makeKmsClient, type TestBucket } from '../harness/env.js';
import { waitForReplica, type MinioPair } from '../harness/minio-replication.js';
import { localOnlyArn, mrkArn, regionKmsProvider, type RegionKms } from '../mrk/region-kms.js';
import { MiB, s3Settings } from '../transfer/helpers.js';

let regions: TwoRegions;
let east: RegionKms;
let west: RegionKms;
let pair: MinioPair;
let source: TestBucket;
let replica: TestBucket;

/** Waits (bounded poll) until the source object's replication status is `want`. */
async function sourceStatus(key: string, want: string): Promise<void> {
  for (let i = 0; i < 240; i++) {
    const h = await pair.a.s3.send(new HeadObjectCommand({ Bucket: source.name, Key: key }));
    if (h.ReplicationStatus === want) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${key}: replication status never became ${want}`);
}

const readable = (r: AuditReport): Finding[] =>
  r.findings.filter((f) => f.id === 'replication.readable');

beforeAll(async () => {
  ensureCliBuilt();
  regions = await startTwoRegions('s3enc-repl-audit-', 'audit-east', 'audit-west');
  ({ east, west, pair, source, replica } = regions);

  const put = async (key: string, generatorKeyId: string, keyIds: string[], s3ec = false) => {
    const c = new EncryptedS3Client({
      s3: s3Settings(pair.a.env),
      keyring: kmsKeyring({
        generatorKeyId,
        keyIds,
        clientProvider: regionKmsProvider({ [EAST]: east, [WEST]: west }),
      }),
    });
    await c.put(source.name, key, randomBytes(100), s3ec ? { format: 's3ec-v3' } : {});
    c.destroy();
  };
  await put('data/mrk', mrkArn(EAST), []);
  await put('data/east-only', localOnlyArn(EAST), []);
  await put('data/both-regions', localOnlyArn(EAST), [localOnlyArn(WEST)]);
  await put('data/s3ec', localOnlyArn(EAST), [], true);
  await pair.a.s3.send(
    new PutObjectCommand({ Bucket: source.name, Key: 'data/plain.txt', Body: 'plain' }),
  );
  // Multipart with s3enc's default checksum (FULL_OBJECT CRC32C): MinIO fails to replicate it.
  const big = new EncryptedS3Client({
    s3: s3Settings(pair.a.env),
    keyring: kmsKeyring({
      generatorKeyId: mrkArn(EAST),
      clientProvider: regionKmsProvider({ [EAST]: east, [WEST]: west }),
    }),
    partSize: 5 * MiB,
  });
  await big.put(source.name, 'data/zz-multipart', randomBytes(5 * MiB + 1));
  big.destroy();
  await sourceStatus('data/zz-multipart', 'FAILED');
  // The configuration is real: the objects do reach the destination.
  await waitForReplica(pair.b.s3, replica.name, 'data/east-only');
});
afterAll(async () => {
  await regions?.stop();
});

describe('audit: will replicas be readable in the destination Region?', () => {
  it('fails us-west-2 for the object under us-east-1 single-Region keys only, naming it', async () => {
    const r = await auditBucket(pair.a.s3, source.name, { skipAccountChecks: true });
    const [f, ...more] = readable(r);
    expect(more).toEqual([]);
    expect(f).toMatchObject({ practice: 10, status: 'fail' });
    expect(f!.details).toMatchObject({ region: WEST, regionSource: 'arn', prefixes: [''] });
    const text = f!.evidence.join('\n');
    expect(text).toContain(
      `${replica.name} in ${WEST}: 1 of 4 s3enc objects NOT readable there (only single-Region keys of other Regions): data/east-only [${localOnlyArn(EAST)}]`,
    );
    expect(text).toContain('3 of 4 s3enc objects readable there (2 through a multi-Region key');
    expect(text).toContain('1 object whose replication FAILED (no replica): data/zz-multipart');
    expect(text).toMatch(/1 multipart object with a FULL_OBJECT CRC32C.*: data\/zz-multipart$/m);
    expect(text).toMatch(/1 S3 Encryption Client object \(s3ec-v3\).*data\/s3ec/);
    expect(text).toContain('1 object not client-side encrypted: data/plain.txt');
    const objects = (f!.details as { objects: { key: string; readable?: boolean }[] }).objects;
    expect(objects.filter((o) => o.readable !== undefined)).toEqual([
      expect.objectContaining({ key: 'data/both-regions', readable: true }),
      expect.objectContaining({ key: 'data/east-only', readable: false }),
      expect.objectContaining({ key: 'data/mrk', readable: true }),
      expect.objectContaining({ key: 'data/zz-multipart', readable: true }),
    ]);
    // The existing rule check reads the real configuration too.
    expect(r.findings.find((x) => x.id === 'replication')?.evidence[0]).toContain(
      `arn:minio:replication:${WEST}:`,
    );
  });

  it('a given destination Region overrides the ARN; the sample is bounded', async () => {
    const r = await auditBucket(pair.a.s3, source.name, {
      skipAccountChecks: true,
      replicationDestinationRegions: { [replica.name]: EAST },
      replicationSampleSize: 2,
    });
    const [f] = readable(r);
    expect(f!.details).toMatchObject({ region: EAST, regionSource: 'option', sampleLimit: 2 });
    expect((f!.details as { objects: unknown[] }).objects).toHaveLength(2);
    expect(f!.status).toBe('pass'); // data/both-regions and data/east-only: us-east-1 keys
    const off = await auditBucket(pair.a.s3, source.name, {
      skipAccountChecks: true,
      replicationSampleSize: 0,
    });
    expect(readable(off)).toEqual([]);
  });

  it('with KMS clients, DescribeKey in us-west-2 proves the keys exist there (or not)', async () => {
    const westKms = west.client();
    const proved = await auditBucket(pair.a.s3, source.name, {
      skipAccountChecks: true,
      replicationKmsClients: (region) => region === WEST && westKms,
    });
    const [f] = readable(proved);
    expect(f!.status).toBe('fail'); // still data/east-only
    expect(f!.evidence.join('\n')).toContain(`kms:DescribeKey in ${WEST}: 2 of 2 keys enabled`);
    // A us-west-2 KMS without the multi-Region key's replica nor the us-west-2 key (the kit's
    // local-kms, seeded with other keys): every s3enc object is named as unreadable there.
    const other = makeKmsClient(getTestEnv());
    const missing = await auditBucket(pair.a.s3, source.name, {
      skipAccountChecks: true,
      replicationKmsClients: (region) => region === WEST && other,
    });
    const text = readable(missing)[0]!.evidence.join('\n');
    expect(text).toContain('4 of 4 s3enc objects NOT readable there');
    expect(text).toContain(`${localOnlyArn(WEST)} (not-found)`);
    expect(text).toContain(`data/mrk [${mrkArn(EAST)}]`);
    expect(text).toContain(`${mrkArn(WEST)} (not-found)`);
    expect(text).toContain(`0 of 2 keys enabled; NOT usable:`);
    other.destroy();
  });

  it('s3enc audit reports it in its JSON and exits 5; flags map to the options', async () => {
    const env = cliEnv(pair.a.env);
    const r = await runCli(['audit', `s3://${source.name}`, '--json'], { env });
    expect(r.code, r.stderr).toBe(5);
    const report = JSON.parse(r.out) as AuditReport;
    expect(readable(report)[0]?.status).toBe('fail');
    const given = await runCli(
      [
        'audit',
        `s3://${source.name}`,
        '--json',
        '--destination-region',
        `${replica.name}=${EAST}`,
        '--replication-sample',
        '5',
      ],
      { env },
    );
    const g = readable(JSON.parse(given.out) as AuditReport)[0];
    expect(g?.details).toMatchObject({ region: EAST, regionSource: 'option', sampleLimit: 5 });
    // The 5 sampled (data/zz-multipart, sixth, is not) have keys usable in us-east-1: what is
    // left are the S3EC and plaintext objects.
    expect(g?.evidence.join('\n')).not.toContain('NOT readable');
    expect(g?.status).toBe('warn');
    // --verify-destination-keys, with the KMS endpoint being us-west-2's local-kms.
    const verified = await runCli(['audit', `s3://${source.name}`, '--verify-destination-keys'], {
      env: { ...env, AWS_ENDPOINT_URL_KMS: west.endpoint },
    });
    const v = readable(JSON.parse(verified.out) as AuditReport)[0];
    expect(v?.evidence.join('\n'), verified.stderr).toContain(
      `kms:DescribeKey in ${WEST}: 2 of 2 keys enabled`,
    );
    const bad = await runCli(['audit', `s3://${source.name}`, '--replication-sample', 'many'], {
      env,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--replication-sample expects a number from 0 to 1000');
  });
});
