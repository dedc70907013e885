// Bucket posture against the test S3 server (MinIO by default): audit, harden (dry run and
// apply), and whether the server enforces the policy the builder writes.
//
// MinIO facts this file pins down (asserted only when not pointed at an external server):
// - GetPublicAccessBlock, GetBucketOwnershipControls answer 501 NotImplemented → `unsupported`;
// - GetBucketLogging answers an empty status (logging is not a MinIO feature) → `warn`;
// - bucket policies: Bool aws:SecureTransport, StringNotEquals on s3:x-amz-server-side-encryption
//   and …-aws-kms-key-id, NotIpAddress aws:SourceIp are accepted and enforced (for
//   anonymous and non-root callers; the root user bypasses bucket policies);
// - s3:TlsVersion, aws:SourceVpce, aws:PrincipalArn, any …IfExists operator and NotPrincipal
//   are rejected with MalformedPolicy.
import https from 'node:https';
import {
  DeleteBucketPolicyCommand,
  GetBucketEncryptionCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketPolicyCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditBucket,
  auditExitStatus,
  buildBucketPolicy,
  hardenBucket,
  putBucketDefaultRetention,
  type AuditReport,
  type Finding,
  type PolicyDocument,
} from '@s3enc/node';
import {
  createTestBucket,
  getTestEnv,
  makeS3Client,
  type TestBucket,
  type TestEnv,
} from '../harness/env.js';

/** The key MinIO's built-in KMS serves (MINIO_KMS_SECRET_KEY in test/harness/servers.ts). */
const MINIO_KMS_KEY = 's3enc-test-key';

let env: TestEnv;
let s3: S3Client;
const buckets: TestBucket[] = [];

beforeAll(() => {
  env = getTestEnv();
  s3 = makeS3Client(env);
});
afterAll(async () => {
  for (const b of buckets) await b.cleanup();
  s3.destroy();
});

async function bucket(o: { versioning?: boolean } = {}): Promise<string> {
  const b = await createTestBucket(env, { prefix: 's3enc-posture', ...o });
  buckets.push(b);
  return b.name;
}

const find = (r: AuditReport, id: Finding['id']): Finding => {
  const f = r.findings.find((x) => x.id === id);
  if (f === undefined) throw new Error(`no finding ${id}`);
  return f;
};

/** An unsigned (anonymous) request over TLS, trusting the test CA. */
function anonymousRequest(
  method: 'PUT' | 'GET' | 'POST',
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const url = new URL(`${env.s3.endpoint.replace(/\/$/, '')}/${path}`);
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        headers: { ...headers, ...(method === 'PUT' ? { 'content-length': '5' } : {}) },
        ...(env.ca ? { ca: env.ca } : {}),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('error', reject);
    req.end(method === 'PUT' ? 'hello' : undefined);
  });
}

async function anonymous(
  method: 'PUT' | 'GET',
  bucketName: string,
  key: string,
  headers: Record<string, string> = {},
): Promise<number> {
  return (await anonymousRequest(method, `${bucketName}/${key}`, headers)).status;
}

async function putPolicy(name: string, doc: PolicyDocument | string): Promise<void> {
  await s3.send(
    new PutBucketPolicyCommand({
      Bucket: name,
      Policy: typeof doc === 'string' ? doc : JSON.stringify(doc),
    }),
  );
}

describe('auditBucket', () => {
  it('a fresh bucket fails the expected rows and says unsupported where the server has no API', async () => {
    const name = await bucket();
    const r = await auditBucket(s3, name);
    expect(new Set(r.findings.map((f) => f.practice))).toEqual(
      new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
    );
    expect(find(r, 'policy.insecure-transport').status).toBe('fail');
    expect(find(r, 'policy.insecure-transport').evidence[0]).toMatch(/^No bucket policy/);
    expect(find(r, 'versioning')).toMatchObject({
      status: 'fail',
      evidence: ['Versioning never enabled'],
    });
    expect(find(r, 'versioning.mfa-delete').status).toBe('warn');
    expect(find(r, 'object-lock').status).toBe('warn');
    expect(find(r, 'lifecycle.noncurrent-versions').status).toBe('warn');
    expect(find(r, 'replication')).toMatchObject({
      status: 'warn',
      evidence: ['No replication configured'],
    });
    expect(auditExitStatus(r)).toBe(1);
    if (!env.external) {
      expect(find(r, 'encryption.default')).toMatchObject({
        status: 'fail',
        evidence: ['No default encryption configured'],
      });
      for (const id of [
        'public-access-block.bucket',
        'ownership-controls',
        'public-access-block.account',
      ] as const) {
        expect(find(r, id).status, id).toBe('unsupported');
        expect(find(r, id).evidence[0]).toContain('not supported by this endpoint');
      }
      expect(find(r, 'logging')).toMatchObject({
        status: 'warn',
        evidence: ['Server access logging not enabled'],
      });
    }
  });

  it('a bucket that does not exist is an error, not a report', async () => {
    await expect(
      auditBucket(s3, `s3enc-posture-missing-${Date.now().toString(36)}`),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_NO_SUCH_BUCKET' });
  });

  it('reads a lifecycle rule for noncurrent versions', async () => {
    const name = await bucket({ versioning: true });
    await s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: name,
        LifecycleConfiguration: {
          Rules: [
            {
              ID: 'expire-old-versions',
              Status: 'Enabled',
              Filter: { Prefix: '' },
              NoncurrentVersionExpiration: { NoncurrentDays: 30 },
            },
          ],
        },
      }),
    );
    const r = await auditBucket(s3, name);
    expect(find(r, 'lifecycle.noncurrent-versions')).toMatchObject({
      status: 'pass',
      evidence: ['Rules for noncurrent versions: expire-old-versions'],
    });
    expect(find(r, 'versioning').status).toBe('pass');
  });

  it('reads Object Lock default retention and versioning on a lock bucket', async () => {
    const b = await createTestBucket(env, { prefix: 's3enc-posture-lock', objectLock: true });
    buckets.push(b);
    const r = await auditBucket(s3, b.name, { requireObjectLock: true });
    expect(find(r, 'versioning').status).toBe('pass');
    expect(find(r, 'object-lock')).toMatchObject({
      status: 'warn',
      evidence: ['Object Lock enabled; default retention none'],
    });
    await putBucketDefaultRetention(s3, {
      bucket: b.name,
      defaultRetention: { mode: 'GOVERNANCE', retainFor: { days: 1 } },
    });
    const r2 = await auditBucket(s3, b.name, { requireObjectLock: true });
    expect(find(r2, 'object-lock')).toMatchObject({
      status: 'pass',
      evidence: ['Object Lock enabled; default retention GOVERNANCE 1 days'],
    });
  });
});

describe('hardenBucket', () => {
  it('dry run plans changes and writes nothing', async () => {
    const name = await bucket();
    const r = await hardenBucket(s3, name);
    expect(r.applied).toBe(false);
    const by = Object.fromEntries(r.changes.map((c) => [c.setting, c.status]));
    expect(by).toMatchObject({
      versioning: 'planned',
      'default-encryption': 'planned',
      'bucket-policy': 'planned',
    });
    if (!env.external)
      expect(by).toMatchObject({
        'public-access-block': 'unsupported',
        'ownership-controls': 'unsupported',
      });
    expect(
      (await s3.send(new GetBucketVersioningCommand({ Bucket: name }))).Status,
    ).toBeUndefined();
    await expect(s3.send(new GetBucketPolicyCommand({ Bucket: name }))).rejects.toMatchObject({
      name: 'NoSuchBucketPolicy',
    });
    await expect(s3.send(new GetBucketEncryptionCommand({ Bucket: name }))).rejects.toMatchObject({
      name: 'ServerSideEncryptionConfigurationNotFoundError',
    });
  });

  it('apply, then audit passes what the server supports; a second run changes nothing', async () => {
    const name = await bucket();
    const kmsKeyId = env.external ? undefined : MINIO_KMS_KEY;
    const o = kmsKeyId ? { kmsKeyId, policy: { kmsKeyIds: [kmsKeyId] } } : {};
    const r = await hardenBucket(s3, name, { apply: true, ...o });
    const by = Object.fromEntries(r.changes.map((c) => [c.setting, c]));
    expect(by['versioning']!.status).toBe('applied');
    expect(by['default-encryption']!.status, JSON.stringify(by['default-encryption'])).toBe(
      'applied',
    );
    expect(by['bucket-policy']!.status, JSON.stringify(by['bucket-policy'])).toBe('applied');

    const audit = await auditBucket(s3, name, kmsKeyId ? { kmsKeyId } : {});
    expect(find(audit, 'versioning').status).toBe('pass');
    expect(find(audit, 'policy.insecure-transport').status).toBe('pass');
    expect(find(audit, 'policy.public-access').status).toBe('pass');
    // MinIO does not echo BucketKeyEnabled, so SSE-KMS shows the bucket-key warning.
    expect(['pass', 'warn']).toContain(find(audit, 'encryption.default').status);
    expect(find(audit, 'encryption.default').evidence[0]).toContain(
      kmsKeyId ? `SSEAlgorithm=aws:kms, KMSMasterKeyID=${kmsKeyId}` : 'SSEAlgorithm=',
    );
    const fails = audit.findings.filter((f) => f.status === 'fail').map((f) => f.id);
    expect(fails).toEqual([]);
    expect(auditExitStatus(audit)).toBe(0);

    if (kmsKeyId) expect(find(audit, 'policy.unencrypted-uploads').status).toBe('pass');
    const again = await hardenBucket(s3, name, { apply: true, ...o });
    expect(again.changes.filter((c) => c.status === 'applied' || c.status === 'planned')).toEqual(
      [],
    );
  });

  it('keeps SSE-KMS when only SSE-S3 is asked for', async () => {
    if (env.external) return;
    const name = await bucket();
    await hardenBucket(s3, name, {
      apply: true,
      kmsKeyId: MINIO_KMS_KEY,
      settings: ['default-encryption'],
    });
    const r = await hardenBucket(s3, name, { apply: true, settings: ['default-encryption'] });
    expect(r.changes[0]).toMatchObject({
      status: 'unchanged',
      reason: 'aws:kms is kept (stronger than SSE-S3)',
    });
    const enc = await s3.send(new GetBucketEncryptionCommand({ Bucket: name }));
    expect(
      enc.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault,
    ).toMatchObject({ SSEAlgorithm: 'aws:kms', KMSMasterKeyID: MINIO_KMS_KEY });
  });

  it('keeps an existing statement and never suspends versioning', async () => {
    const name = await bucket({ versioning: true });
    const theirs = {
      Sid: 'TheirsPublicRead',
      Effect: 'Allow' as const,
      Principal: '*' as const,
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${name}/public/*`,
    };
    if (!env.external) await putPolicy(name, { Version: '2012-10-17', Statement: [theirs] });
    const r = await hardenBucket(s3, name, {
      apply: true,
      settings: ['versioning', 'bucket-policy'],
    });
    expect(r.changes[0]).toMatchObject({ setting: 'versioning', status: 'unchanged' });
    const policy = JSON.parse(
      (await s3.send(new GetBucketPolicyCommand({ Bucket: name }))).Policy ?? '{}',
    ) as PolicyDocument;
    const sids = policy.Statement.map((s) => s.Sid);
    expect(sids).toContain('S3EncDenyInsecureTransport');
    if (!env.external) {
      expect(sids).toContain('TheirsPublicRead');
      // The audit sees the public grant the merge kept.
      const audit = await auditBucket(s3, name);
      expect(find(audit, 'policy.public-access').status).toBe('fail');
      expect(find(audit, 'policy.public-access').evidence[0]).toContain('TheirsPublicRead');
    }
  });
});

describe.skipIf(process.env.S3ENC_TEST_S3_ENDPOINT !== undefined)(
  'the built policy on the server',
  () => {
    // The root user bypasses bucket policies on MinIO, so enforcement is observed with anonymous
    // requests; a test-only Allow for anonymous puts is merged next to our Deny statements.
    const anonAllow = (name: string) => ({
      Sid: 'TestAnonymousReadWrite',
      Effect: 'Allow' as const,
      Principal: '*' as const,
      Action: ['s3:PutObject', 's3:GetObject'],
      Resource: `arn:aws:s3:::${name}/*`,
    });

    it('denies a put without SSE-KMS, or with another key; allows one with the required key', async () => {
      const name = await bucket();
      const built = buildBucketPolicy({
        bucket: name,
        existingPolicy: { Version: '2012-10-17', Statement: [anonAllow(name)] },
        kmsKeyIds: [MINIO_KMS_KEY],
      });
      await putPolicy(name, built.json);
      expect(await anonymous('PUT', name, 'plain')).toBe(403);
      expect(
        await anonymous('PUT', name, 'sse-s3', { 'x-amz-server-side-encryption': 'AES256' }),
      ).toBe(403);
      expect(
        await anonymous('PUT', name, 'kms-no-key', { 'x-amz-server-side-encryption': 'aws:kms' }),
      ).toBe(403);
      expect(
        await anonymous('PUT', name, 'kms-other', {
          'x-amz-server-side-encryption': 'aws:kms',
          'x-amz-server-side-encryption-aws-kms-key-id': 'another-key',
        }),
      ).toBe(403);
      expect(
        await anonymous('PUT', name, 'kms-ok', {
          'x-amz-server-side-encryption': 'aws:kms',
          'x-amz-server-side-encryption-aws-kms-key-id': MINIO_KMS_KEY,
        }),
      ).toBe(200);
      // TLS requests are not caught by the TLS-only statement.
      expect(await anonymous('GET', name, 'kms-ok')).toBe(200);
      // The analyser agrees with the server.
      const audit = await auditBucket(s3, name, { kmsKeyId: MINIO_KMS_KEY });
      expect(find(audit, 'policy.unencrypted-uploads').status).toBe('pass');
      expect(find(audit, 'policy.public-access').status).toBe('fail');
    });

    /** Anonymous writes allowed, and our policy requiring SSE-S3 merged on top. */
    const requireSseS3ForAnonymous = (name: string) =>
      putPolicy(
        name,
        buildBucketPolicy({
          bucket: name,
          existingPolicy: { Version: '2012-10-17', Statement: [anonAllow(name)] },
          requireSse: 'AES256',
        }).json,
      );

    it('on MinIO the SSE deny also applies to UploadPart, which carries no SSE header', async () => {
      // What the server does (a note for multipart uploaders): the initiate passes with the
      // header, each UploadPart is evaluated as s3:PutObject without it and is denied.
      const name = await bucket();
      await requireSseS3ForAnonymous(name);
      const init = await anonymousRequest('POST', `${name}/mp?uploads`, {
        'x-amz-server-side-encryption': 'AES256',
      });
      expect(init.status).toBe(200);
      const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(init.body)?.[1] ?? '';
      const part = await anonymousRequest(
        'PUT',
        `${name}/mp?partNumber=1&uploadId=${encodeURIComponent(uploadId)}`,
      );
      expect(part.status).toBe(403);
    });

    it('denies a put without SSE when SSE-S3 is required', async () => {
      const name = await bucket();
      await requireSseS3ForAnonymous(name);
      expect(await anonymous('PUT', name, 'plain')).toBe(403);
      expect(
        await anonymous('PUT', name, 'sse-s3', { 'x-amz-server-side-encryption': 'AES256' }),
      ).toBe(200);
    });

    it('evaluates aws:SecureTransport (shown with the inverted condition, since every request here is TLS)', async () => {
      const name = await bucket();
      const doc = buildBucketPolicy({
        bucket: name,
        existingPolicy: { Version: '2012-10-17', Statement: [anonAllow(name)] },
      }).document;
      await putPolicy(name, doc);
      expect(await anonymous('PUT', name, 'k')).toBe(200);
      const inverted = {
        ...doc,
        Statement: doc.Statement.map((s) =>
          s.Sid === 'S3EncDenyInsecureTransport'
            ? { ...s, Condition: { Bool: { 'aws:SecureTransport': 'true' } } }
            : s,
        ),
      };
      await putPolicy(name, inverted);
      expect(await anonymous('PUT', name, 'k')).toBe(403);
      await s3.send(new DeleteBucketPolicyCommand({ Bucket: name }));
    });

    it('enforces a source IP restriction written without IfExists carve-outs', async () => {
      const name = await bucket();
      const base = {
        bucket: name,
        existingPolicy: { Version: '2012-10-17', Statement: [anonAllow(name)] },
        serviceCarveOuts: false,
      };
      await putPolicy(name, buildBucketPolicy({ ...base, sourceIpRanges: ['10.0.0.0/8'] }).json);
      expect(await anonymous('PUT', name, 'k')).toBe(403);
      await putPolicy(
        name,
        buildBucketPolicy({ ...base, sourceIpRanges: ['127.0.0.0/8', '::1/128'] }).json,
      );
      expect(await anonymous('PUT', name, 'k')).toBe(200);
    });

    it('rejects the statements MinIO has no condition support for', async () => {
      const name = await bucket();
      const reject = async (o: Parameters<typeof buildBucketPolicy>[0]) =>
        putPolicy(name, buildBucketPolicy(o).json).then(
          () => 'accepted',
          (e: unknown) => (e as { name?: string }).name,
        );
      expect(await reject({ bucket: name, minimumTlsVersion: 1.2 })).toBe('MalformedPolicy');
      expect(
        await reject({ bucket: name, vpceIds: ['vpce-1a2b3c4d'], serviceCarveOuts: false }),
      ).toBe('MalformedPolicy');
      expect(
        await reject({
          bucket: name,
          allowedPrincipalArns: ['arn:aws:iam::111122223333:role/app'],
          serviceCarveOuts: false,
        }),
      ).toBe('MalformedPolicy');
      expect(await reject({ bucket: name, sourceIpRanges: ['10.0.0.0/8'] })).toBe(
        'MalformedPolicy',
      ); // BoolIfExists carve-outs
    });
  },
);
