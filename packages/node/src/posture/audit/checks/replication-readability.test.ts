// The replication-readability check as a pure function of a sample: which keys serve which
// Region, and the status and evidence per destination.
import { describe, expect, it } from 'vitest';
import type { AuditInput } from '../input.js';
import type { ReplicationSampleRead, SampledObject } from '../replication-sample.js';
import { keyUseIn, replicationReadabilityCheck } from './replication-readability.js';

const ACCT = '111122223333';
const key = (region: string, id: string) => `arn:aws:kms:${region}:${ACCT}:key/${id}`;
const MRK_EAST = key('us-east-1', 'mrk-0123456789abcdef0123456789abcdef');
const SRK_EAST = key('us-east-1', '7c2e4a6b-8d0f-4e1a-9b3c-5d7e9f1a3b04');
const SRK_WEST = key('us-west-2', '1b2c3d4e-0000-4e1a-9b3c-5d7e9f1a3b04');

const run = (sample: ReplicationSampleRead) =>
  replicationReadabilityCheck({ replicationSample: sample } as unknown as AuditInput);

const dest = (region: string | undefined, prefixes = ['']) => ({
  bucket: 'arn:aws:s3:::dst',
  name: 'dst',
  region,
  regionSource: region === undefined ? undefined : ('location' as const),
  prefixes,
  tagFilters: false,
});

const sampled = (objects: SampledObject[], d = [dest('us-west-2')]): ReplicationSampleRead => ({
  kind: 'sampled',
  destinations: d,
  objects,
  limit: 20,
  unlistedPrefixes: [],
  keyProbes: [],
});

describe('keyUseIn', () => {
  it('a key of the Region, a multi-Region key anywhere, a raw key; another Region’s key not', () => {
    expect(keyUseIn(SRK_WEST, 'us-west-2')).toBe('region-key');
    expect(keyUseIn(MRK_EAST, 'us-west-2')).toBe('multi-region-key');
    expect(keyUseIn('mrk-0123', 'us-west-2')).toBe('multi-region-key');
    expect(keyUseIn('my-raw-key', 'us-west-2')).toBe('raw-key');
    expect(keyUseIn(SRK_EAST, 'us-west-2')).toBe('other-region');
    expect(keyUseIn(`arn:aws:kms:us-east-1:${ACCT}:alias/a`, 'us-west-2')).toBe('other-region');
  });
});

describe('replicationReadabilityCheck', () => {
  it('nothing to say without enabled rules or with sampling off', () => {
    expect(run({ kind: 'skipped', reason: 'no-rules' })).toEqual([]);
    expect(run({ kind: 'skipped', reason: 'disabled' })).toEqual([]);
  });

  it('fails a destination where an object has only single-Region keys of another Region', () => {
    const [f] = run(
      sampled([
        { key: 'a/mrk', kind: 's3enc', keyIds: [MRK_EAST] },
        { key: 'a/east-only', kind: 's3enc', keyIds: [SRK_EAST] },
        { key: 'a/both', kind: 's3enc', keyIds: [SRK_EAST, SRK_WEST] },
      ]),
    );
    expect(f).toMatchObject({ id: 'replication.readable', practice: 10, status: 'fail' });
    expect(f!.evidence[0]).toContain('1 of 3 s3enc objects NOT readable');
    expect(f!.evidence[0]).toContain(`a/east-only [${SRK_EAST}]`);
    expect(f!.evidence[1]).toContain(
      '2 of 3 s3enc objects readable there (1 through a multi-Region',
    );
    expect(f!.fix?.note).toContain('multi-Region key');
  });

  it('passes when every object names a usable key; S3EC and plaintext objects warn', () => {
    const ok = run(sampled([{ key: 'm', kind: 's3enc', keyIds: [MRK_EAST, SRK_EAST] }]));
    expect(ok[0]!.status).toBe('pass');
    const mixed = run(
      sampled([
        { key: 'm', kind: 's3enc', keyIds: [MRK_EAST] },
        { key: 'legacy', kind: 's3ec', format: 's3ec-v3', keyIds: [] },
        { key: 'clear.txt', kind: 'plaintext' },
        { key: 'broken', kind: 'error', code: 'ERR_S3ENC_FORMAT' },
      ]),
    );
    expect(mixed[0]!.status).toBe('warn');
    expect(mixed[0]!.evidence.join('\n')).toMatch(
      /1 S3 Encryption Client object \(s3ec-v3\).*legacy/,
    );
    expect(mixed[0]!.evidence.join('\n')).toMatch(/1 object not client-side encrypted: clear.txt/);
    expect(mixed[0]!.evidence.join('\n')).toMatch(/broken \(ERR_S3ENC_FORMAT\)/);
  });

  it('a destination only sees the objects its rules replicate; one finding per destination', () => {
    const fs = run(
      sampled(
        [
          { key: 'logs/x', kind: 's3enc', keyIds: [SRK_EAST] },
          { key: 'data/y', kind: 's3enc', keyIds: [MRK_EAST] },
        ],
        [dest('us-west-2', ['data/']), { ...dest('us-east-1', ['logs/']), name: 'dst2' }],
      ),
    );
    expect(fs.map((f) => f.status)).toEqual(['pass', 'pass']);
  });

  it('an unknown destination Region warns and names the Region-bound objects', () => {
    const [f] = run(sampled([{ key: 'e', kind: 's3enc', keyIds: [SRK_EAST] }], [dest(undefined)]));
    expect(f!.status).toBe('warn');
    expect(f!.evidence[0]).toContain('--destination-region dst=REGION');
    expect(f!.evidence[0]).toContain('1 of 1 s3enc objects are wrapped only under single-Region');
  });

  it('DescribeKey answers in the destination decide: a missing MRK replica fails, unknown warns', () => {
    const mrkWest = MRK_EAST.replace('us-east-1', 'us-west-2');
    const base = sampled([
      { key: 'm', kind: 's3enc', keyIds: [MRK_EAST] },
      { key: 'w', kind: 's3enc', keyIds: [SRK_EAST, SRK_WEST] },
    ]);
    if (base.kind !== 'sampled') throw new Error('sampled');
    const [missing] = run({
      ...base,
      keyProbes: [
        { region: 'us-west-2', arn: mrkWest, state: 'not-found' },
        { region: 'us-west-2', arn: SRK_WEST, state: 'Enabled' },
      ],
    });
    expect(missing!.status).toBe('fail');
    expect(missing!.evidence.join('\n')).toContain(`m [${MRK_EAST}]`);
    expect(missing!.evidence.join('\n')).toContain(`NOT usable: ${mrkWest} (not-found)`);
    const [pending] = run({
      ...base,
      keyProbes: [
        { region: 'us-west-2', arn: mrkWest, state: 'Enabled' },
        { region: 'us-west-2', arn: SRK_WEST, state: 'PendingDeletion' },
      ],
    });
    expect(pending!.evidence.join('\n')).toMatch(/1 of 2 s3enc objects NOT readable.*w \[/);
    const [unknown] = run({
      ...base,
      keyProbes: [
        { region: 'us-west-2', arn: mrkWest, state: 'unknown', code: 'AccessDeniedException' },
      ],
    });
    expect(unknown!.status).toBe('warn');
    expect(unknown!.evidence.join('\n')).toContain(
      `not verified: ${mrkWest} (AccessDeniedException)`,
    );
  });

  it('names objects whose replication FAILED; on MinIO, hints at FULL_OBJECT CRC multipart', () => {
    const objects: SampledObject[] = [
      {
        key: 'big',
        kind: 's3enc',
        keyIds: [MRK_EAST],
        replication: { status: 'FAILED', multipartFullObjectCrc: 'CRC32C' },
      },
      {
        key: 'ok',
        kind: 's3enc',
        keyIds: [MRK_EAST],
        replication: { status: 'COMPLETED', multipartFullObjectCrc: 'CRC32C' },
      },
      {
        key: 'new',
        kind: 's3enc',
        keyIds: [MRK_EAST],
        replication: { status: 'PENDING', multipartFullObjectCrc: undefined },
      },
    ];
    const [aws] = run(sampled(objects));
    expect(aws!.status).toBe('fail');
    const text = aws!.evidence.join('\n');
    expect(text).toContain('1 object whose replication FAILED (no replica): big');
    expect(text).toContain('1 object still PENDING replication: new');
    expect(text).not.toContain('MinIO');
    const [minio] = run(
      sampled(objects, [
        { ...dest('us-west-2'), bucket: 'arn:minio:replication:us-west-2:id:dst' },
      ]),
    );
    expect(minio!.evidence.join('\n')).toMatch(
      /1 multipart object with a FULL_OBJECT CRC32C\/CRC32 checksum, which MinIO does not replicate.*: big$/m,
    );
  });

  it('a listing that fails is reported as such', () => {
    const [f] = run({
      kind: 'unlisted',
      destinations: [dest('us-west-2')],
      read: { kind: 'access-denied', code: 'AccessDenied' },
    });
    expect(f).toMatchObject({ status: 'access-denied' });
  });
});
