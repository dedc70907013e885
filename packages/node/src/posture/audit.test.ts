// auditBucket and hardenBucket against a scripted S3 client: error classification, the
// never-weaken rules and dry runs. The same paths run against MinIO in test/posture.
import type { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { auditBucket } from './audit.js';
import { formatPlannedChange, hardenBucket } from './harden.js';
import { buildBucketPolicy } from './policy/build.js';
import { auditExitStatus, auditTableRows, type AuditReport, type Finding } from './report.js';

const sdkError = (name: string, status: number): Error =>
  Object.assign(new Error(`${name} message`), { name, $metadata: { httpStatusCode: status } });
const NOT_IMPLEMENTED = sdkError('NotImplemented', 501);

type Script = Record<string, unknown>;

function fakeS3(script: Script): { s3: S3Client; sent: { name: string; input: unknown }[] } {
  const sent: { name: string; input: unknown }[] = [];
  const s3 = {
    config: {
      endpoint: () => Promise.resolve({}),
      region: () => Promise.resolve('us-east-1'),
      credentials: () => Promise.resolve({ accessKeyId: 'a', secretAccessKey: 'b' }),
    },
    send: (cmd: { constructor: { name: string }; input: unknown }) => {
      const name = cmd.constructor.name.replace(/Command$/, '');
      sent.push({ name, input: cmd.input });
      const r = name in script ? script[name] : name.startsWith('Put') ? {} : NOT_IMPLEMENTED;
      return r instanceof Error ? Promise.reject(r) : Promise.resolve(r);
    },
  };
  return { s3: s3 as unknown as S3Client, sent };
}

const find = (r: AuditReport, id: Finding['id']): Finding => {
  const f = r.findings.find((x) => x.id === id);
  if (f === undefined) throw new Error(`no finding ${id}`);
  return f;
};

const fresh: Script = {
  GetBucketPolicy: sdkError('NoSuchBucketPolicy', 404),
  GetBucketEncryption: sdkError('ServerSideEncryptionConfigurationNotFoundError', 404),
  GetPublicAccessBlock: NOT_IMPLEMENTED,
  GetBucketOwnershipControls: NOT_IMPLEMENTED,
  GetBucketVersioning: {},
  GetObjectLockConfiguration: sdkError('ObjectLockConfigurationNotFoundError', 404),
  GetBucketLogging: {},
  GetBucketLifecycleConfiguration: sdkError('NoSuchLifecycleConfiguration', 404),
  GetBucketReplication: sdkError('ReplicationConfigurationNotFoundError', 404),
};

describe('auditBucket', () => {
  it('a fresh bucket: fails the expected rows, unsupported where NotImplemented, one finding per practice', async () => {
    const { s3 } = fakeS3(fresh);
    const r = await auditBucket(s3, 'bkt');
    expect(new Set(r.findings.map((f) => f.practice))).toEqual(
      new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
    );
    expect(find(r, 'policy.insecure-transport').status).toBe('fail');
    expect(find(r, 'policy.insecure-transport').fix?.cli).toBe('s3enc policy s3://bkt --apply');
    expect(find(r, 'encryption.default').status).toBe('fail');
    expect(find(r, 'versioning').status).toBe('fail');
    expect(find(r, 'versioning').fix).toEqual({
      library: "hardenBucket(s3, 'bkt', { apply: true })",
      cli: 's3enc harden s3://bkt --apply',
    });
    expect(find(r, 'public-access-block.bucket')).toMatchObject({
      status: 'unsupported',
      evidence: ['Bucket Block Public Access: not supported by this endpoint (NotImplemented)'],
    });
    expect(find(r, 'public-access-block.account').status).toBe('unsupported');
    expect(find(r, 'ownership-controls').status).toBe('unsupported');
    expect(find(r, 'policy.unencrypted-uploads').status).toBe('warn');
    expect(find(r, 'lifecycle.noncurrent-versions').status).toBe('warn');
    expect(find(r, 'logging').status).toBe('warn');
    expect(r.summary.fail).toBe(r.findings.filter((f) => f.status === 'fail').length);
    expect(auditExitStatus(r)).toBe(1);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    expect(auditTableRows(r)[0]).toEqual(
      expect.objectContaining({ practice: '1', status: expect.any(String) }),
    );
  });

  it('AccessDenied is access-denied, other errors a warning, and nothing throws', async () => {
    const { s3 } = fakeS3({
      ...fresh,
      GetBucketPolicy: sdkError('AccessDenied', 403),
      GetBucketVersioning: sdkError('SlowDown', 503),
      GetBucketEncryption: sdkError('XNotImplemented', 400),
    });
    const r = await auditBucket(s3, 'bkt');
    expect(find(r, 'policy.insecure-transport').status).toBe('access-denied');
    expect(find(r, 'policy.public-access').status).toBe('access-denied');
    expect(find(r, 'versioning').status).toBe('warn');
    expect(find(r, 'versioning').evidence[0]).toContain('SlowDown');
    expect(find(r, 'encryption.default').status).toBe('unsupported');
  });

  it('a hardened AWS-like bucket passes, expectations are checked', async () => {
    const key = 'arn:aws:kms:us-east-1:111122223333:key/k1';
    const policy = buildBucketPolicy({
      bucket: 'bkt',
      kmsKeyIds: [key],
      vpceIds: ['vpce-1a2b3c4d'],
    }).json;
    const all = {
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    };
    const script: Script = {
      ...fresh,
      GetBucketPolicy: { Policy: policy },
      GetBucketEncryption: {
        ServerSideEncryptionConfiguration: {
          Rules: [
            {
              ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key },
              BucketKeyEnabled: true,
            },
          ],
        },
      },
      GetPublicAccessBlock: { PublicAccessBlockConfiguration: all },
      GetBucketOwnershipControls: {
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      },
      GetBucketVersioning: { Status: 'Enabled', MFADelete: 'Enabled' },
      GetObjectLockConfiguration: {
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 30 } },
        },
      },
      GetBucketLogging: { LoggingEnabled: { TargetBucket: 'logs', TargetPrefix: 'bkt/' } },
      GetBucketLifecycleConfiguration: {
        Rules: [
          { ID: 'old', Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 90 } },
        ],
      },
      GetBucketReplication: {
        ReplicationConfiguration: {
          Role: 'r',
          Rules: [
            {
              ID: 'crr',
              Status: 'Enabled',
              Destination: {
                Bucket: 'arn:aws:s3:::dst',
                EncryptionConfiguration: {
                  ReplicaKmsKeyID: 'arn:aws:kms:eu-west-1:111122223333:key/k2',
                },
              },
              SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
            },
          ],
        },
      },
      // The replicas' readability sample: an empty bucket, destination in eu-west-1.
      GetBucketLocation: { LocationConstraint: 'eu-west-1' },
      ListObjectsV2: { Contents: [] },
    };
    const { s3 } = fakeS3(script);
    const r = await auditBucket(s3, 'bkt', { kmsKeyId: key, vpceIds: ['vpce-1a2b3c4d'] });
    const notPass = r.findings.filter((f) => f.status !== 'pass').map((f) => `${f.id}:${f.status}`);
    expect(notPass).toEqual(['public-access-block.account:unsupported', 'monitoring:unsupported']);
    expect(auditExitStatus(r)).toBe(0);

    // Another key expected: default encryption and the upload check fail.
    const other = await auditBucket(s3, 'bkt', {
      kmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/k9',
    });
    expect(find(other, 'encryption.default').status).toBe('fail');
    expect(find(other, 'policy.unencrypted-uploads').status).toBe('fail');

    // SSE-KMS objects that do not replicate fail.
    const noKmsRepl = fakeS3({
      ...script,
      GetBucketReplication: {
        ReplicationConfiguration: {
          Role: 'r',
          Rules: [{ ID: 'crr', Status: 'Enabled', Destination: { Bucket: 'arn:aws:s3:::dst' } }],
        },
      },
    });
    const r3 = await auditBucket(noKmsRepl.s3, 'bkt');
    expect(find(r3, 'replication')).toMatchObject({
      status: 'fail',
      evidence: ['Rule crr → arn:aws:s3:::dst: SSE-KMS objects NOT replicated'],
    });
  });

  it('account-level Block Public Access through S3 Control, account id from STS', async () => {
    const { s3 } = fakeS3(fresh);
    const control = fakeS3({
      GetPublicAccessBlock: {
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: false,
          RestrictPublicBuckets: true,
        },
      },
    });
    const sts = fakeS3({ GetCallerIdentity: { Account: '111122223333' } });
    const r = await auditBucket(s3, 'bkt', {
      s3ControlClient: control.s3 as never,
      stsClient: sts.s3 as never,
    });
    expect(find(r, 'public-access-block.account')).toMatchObject({
      status: 'fail',
      evidence: ['Account 111122223333 Block Public Access: off: BlockPublicPolicy'],
    });
    expect(control.sent[0]!.input).toEqual({ AccountId: '111122223333' });
    const denied = fakeS3({ GetCallerIdentity: sdkError('AccessDenied', 403) });
    const r2 = await auditBucket(s3, 'bkt', {
      s3ControlClient: control.s3 as never,
      stsClient: denied.s3 as never,
    });
    expect(find(r2, 'public-access-block.account').status).toBe('access-denied');
    const none = fakeS3({
      GetPublicAccessBlock: sdkError('NoSuchPublicAccessBlockConfiguration', 404),
    });
    const r3 = await auditBucket(s3, 'bkt', {
      s3ControlClient: none.s3 as never,
      accountId: '111122223333',
    });
    expect(find(r3, 'public-access-block.account')).toMatchObject({
      status: 'fail',
      evidence: ['Account 111122223333 Block Public Access: not configured (nothing blocked)'],
    });
  });

  it('a missing bucket or a dead endpoint is an error, not a report', async () => {
    const missing = fakeS3(
      Object.fromEntries(Object.keys(fresh).map((k) => [k, sdkError('NoSuchBucket', 404)])),
    );
    await expect(auditBucket(missing.s3, 'bkt')).rejects.toMatchObject({
      code: 'ERR_S3ENC_NO_SUCH_BUCKET',
    });
    await expect(hardenBucket(missing.s3, 'bkt')).rejects.toMatchObject({
      code: 'ERR_S3ENC_NO_SUCH_BUCKET',
    });
    const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ECONNREFUSED',
    });
    const dead = fakeS3(Object.fromEntries(Object.keys(fresh).map((k) => [k, down])));
    await expect(auditBucket(dead.s3, 'bkt')).rejects.toMatchObject({
      code: 'ERR_S3ENC_S3_REQUEST',
    });
  });

  it('rejects unusable expectations before any request', async () => {
    const { s3, sent } = fakeS3(fresh);
    await expect(auditBucket(s3, 'bkt', { sourceIpRanges: ['10.0.0.0/33'] })).rejects.toMatchObject(
      { code: 'ERR_S3ENC_AUDIT_EXPECTATIONS' },
    );
    await expect(auditBucket(s3, 'bkt', { minimumTlsVersion: 2 })).rejects.toMatchObject({
      code: 'ERR_S3ENC_AUDIT_EXPECTATIONS',
    });
    await expect(auditBucket(s3, '')).rejects.toMatchObject({ code: 'ERR_S3ENC_INVALID_ARGUMENT' });
    expect(sent).toEqual([]);
  });

  it('an unparsable policy fails the policy rows with the parser message', async () => {
    const { s3 } = fakeS3({
      ...fresh,
      GetBucketPolicy: { Policy: '{"Statement": {"Effect": "Allow"}}' },
    });
    const r = await auditBucket(s3, 'bkt');
    expect(find(r, 'policy.insecure-transport').status).toBe('fail');
    expect(find(r, 'policy.insecure-transport').evidence[0]).toContain('needs Action or NotAction');
  });
});

describe('hardenBucket', () => {
  it('dry run reads only and plans every change', async () => {
    const { s3, sent } = fakeS3({
      ...fresh,
      GetPublicAccessBlock: sdkError('NoSuchPublicAccessBlockConfiguration', 404),
      GetBucketOwnershipControls: sdkError('OwnershipControlsNotFoundError', 404),
    });
    const seen: string[] = [];
    const r = await hardenBucket(s3, 'bkt', { onChange: (c) => seen.push(c.setting) });
    expect(sent.every((c) => c.name.startsWith('Get'))).toBe(true);
    expect(r.applied).toBe(false);
    expect(r.changes.map((c) => `${c.setting}:${c.status}`)).toEqual([
      'versioning:planned',
      'default-encryption:planned',
      'public-access-block:planned',
      'ownership-controls:planned',
      'bucket-policy:planned',
    ]);
    expect(seen).toHaveLength(5);
    expect(r.changes[1]!.after).toEqual({
      ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' },
    });
  });

  it('apply writes; unsupported settings are skipped, not failed', async () => {
    const { s3, sent } = fakeS3(fresh);
    const r = await hardenBucket(s3, 'bkt', {
      apply: true,
      kmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/k1',
    });
    expect(r.changes.map((c) => `${c.setting}:${c.status}`)).toEqual([
      'versioning:applied',
      'default-encryption:applied',
      'public-access-block:unsupported',
      'ownership-controls:unsupported',
      'bucket-policy:applied',
    ]);
    const puts = sent.filter((c) => c.name.startsWith('Put')).map((c) => c.name);
    expect(puts).toEqual(['PutBucketVersioning', 'PutBucketEncryption', 'PutBucketPolicy']);
    const enc = sent.find((c) => c.name === 'PutBucketEncryption')!.input as {
      ServerSideEncryptionConfiguration: unknown;
    };
    expect(enc.ServerSideEncryptionConfiguration).toEqual({
      Rules: [
        {
          ApplyServerSideEncryptionByDefault: {
            SSEAlgorithm: 'aws:kms',
            KMSMasterKeyID: 'arn:aws:kms:us-east-1:111122223333:key/k1',
          },
          BucketKeyEnabled: true,
        },
      ],
    });
  });

  it('never weakens: keeps SSE-KMS, keeps foreign statements, never suspends', async () => {
    const foreign = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Theirs',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111122223333:role/app' },
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::bkt/*',
        },
      ],
    };
    const { s3, sent } = fakeS3({
      ...fresh,
      GetBucketVersioning: { Status: 'Suspended' },
      GetBucketEncryption: {
        ServerSideEncryptionConfiguration: {
          Rules: [
            {
              ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'k' },
            },
          ],
        },
      },
      GetBucketPolicy: { Policy: JSON.stringify(foreign) },
      GetPublicAccessBlock: {
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          IgnorePublicAcls: false,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true,
        },
      },
    });
    const r = await hardenBucket(s3, 'bkt', { apply: true });
    const by = Object.fromEntries(r.changes.map((c) => [c.setting, c]));
    expect(by['versioning']).toMatchObject({
      status: 'applied',
      before: 'Suspended',
      after: 'Enabled',
    });
    expect(by['default-encryption']).toMatchObject({
      status: 'unchanged',
      reason: 'aws:kms is kept (stronger than SSE-S3)',
    });
    expect(by['public-access-block']!.after).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    const put = sent.find((c) => c.name === 'PutBucketPolicy')!.input as { Policy: string };
    const written = JSON.parse(put.Policy) as { Statement: { Sid: string }[] };
    expect(written.Statement.map((s) => s.Sid)).toEqual(['Theirs', 'S3EncDenyInsecureTransport']);
    expect(sent.some((c) => c.name === 'PutBucketEncryption')).toBe(false);
  });

  it('a malformed existing policy fails only the policy change', async () => {
    const { s3, sent } = fakeS3({
      ...fresh,
      GetBucketPolicy: { Policy: '{"Statement": [{"Effect": "Permit", "Action": "s3:*"}]}' },
    });
    const r = await hardenBucket(s3, 'bkt', { apply: true });
    const policy = r.changes.find((c) => c.setting === 'bucket-policy')!;
    expect(policy).toMatchObject({
      status: 'failed',
      error: { code: 'ERR_S3ENC_POLICY_MALFORMED' },
    });
    expect(formatPlannedChange(policy)).toBe('bucket-policy [failed] — could not plan the change');
    expect(formatPlannedChange(r.changes[0]!)).toBe(
      'versioning [applied]: not configured → Enabled — enable versioning (never suspended by s3enc)',
    );
    expect(sent.some((c) => c.name === 'PutBucketPolicy')).toBe(false);
  });

  it('a failing write is reported in its change and the others still run', async () => {
    const { s3 } = fakeS3({ ...fresh, PutBucketVersioning: sdkError('AccessDenied', 403) });
    const r = await hardenBucket(s3, 'bkt', {
      apply: true,
      settings: ['versioning', 'bucket-policy'],
    });
    expect(r.changes.map((c) => `${c.setting}:${c.status}`)).toEqual([
      'versioning:access-denied',
      'bucket-policy:applied',
    ]);
    expect(r.changes[0]!.error?.code).toBe('AccessDenied');
  });
});
