import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, FormatError } from '@s3enc/core';
import { analysePolicy } from './analyse.js';
import { buildBucketPolicy } from './build.js';
import { parsePolicy } from './parse.js';
import type { PolicyDocument } from './types.js';

const KEY = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const foreign: PolicyDocument = {
  Version: '2012-10-17',
  Id: 'keep-me',
  Statement: [
    {
      Sid: 'CloudFront',
      Effect: 'Allow',
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::bkt/*',
    },
    {
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:role/app' },
      Action: 's3:ListBucket',
      Resource: 'arn:aws:s3:::bkt',
    },
  ],
};

describe('buildBucketPolicy', () => {
  it('defaults to the TLS-only statement', () => {
    const b = buildBucketPolicy({ bucket: 'bkt' });
    expect(b.document.Statement).toEqual([
      {
        Sid: 'S3EncDenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: ['arn:aws:s3:::bkt', 'arn:aws:s3:::bkt/*'],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ]);
    expect(
      analysePolicy(parsePolicy(b.json), { bucket: 'bkt' }, { requireSse: false }).insecureTransport
        .ok,
    ).toBe(true);
  });

  it('what it builds passes every question it was built for, without locking out the allowed', () => {
    const o = {
      bucket: 'bkt',
      kmsKeyIds: [KEY],
      minimumTlsVersion: 1.2,
      vpceIds: ['vpce-1a2b3c4d'],
      sourceIpRanges: ['198.51.100.0/24', '2001:db8:1234::/48'],
      allowedPrincipalArns: ['arn:aws:iam::111122223333:role/app'],
      exemptPrincipalArns: ['arn:aws:iam::111122223333:role/breakglass'],
    };
    const b = buildBucketPolicy(o);
    const a = analysePolicy(
      parsePolicy(b.json),
      { bucket: 'bkt', accountId: '111122223333', exemptPrincipalArns: o.exemptPrincipalArns },
      { ...o, algorithm: 'aws:kms' },
    );
    for (const r of [
      a.insecureTransport,
      a.unencryptedUploads!,
      a.minimumTls!,
      a.network!,
      a.principals!,
      a.publicAccess,
    ]) {
      expect(r.ok, r.summary).toBe(true);
      expect(r.warnings, r.summary).toEqual([]);
    }
    expect(a.lints).toEqual([]);
    expect(b.document.Statement.map((s) => s.Sid)).toEqual([
      'S3EncDenyInsecureTransport',
      'S3EncDenyOldTls',
      'S3EncDenyUploadsWithoutSse',
      'S3EncDenyOtherKmsKeys',
      'S3EncDenyOtherPrincipals',
      'S3EncDenyOutsideNetwork',
    ]);
  });

  it('without the exemption the break-glass role is caught by the network check', () => {
    const b = buildBucketPolicy({
      bucket: 'bkt',
      sourceIpRanges: ['198.51.100.0/24'],
      exemptPrincipalArns: ['arn:aws:iam::111122223333:role/breakglass'],
    });
    const r = analysePolicy(
      parsePolicy(b.json),
      { bucket: 'bkt' },
      { sourceIpRanges: ['198.51.100.0/24'], requireSse: false },
    ).network!;
    expect(r.ok).toBe(false);
    expect(r.counterexample?.principal).toBe('AWS:arn:aws:iam::111122223333:role/breakglass');
  });

  it('merges: keeps foreign statements and the Id, is idempotent', () => {
    const first = buildBucketPolicy({
      bucket: 'bkt',
      existingPolicy: JSON.stringify(foreign),
      kmsKeyIds: [KEY],
    });
    expect(first.changed).toBe(true);
    expect(first.changes.added).toEqual([
      'S3EncDenyInsecureTransport',
      'S3EncDenyUploadsWithoutSse',
      'S3EncDenyOtherKmsKeys',
    ]);
    expect(first.changes.foreignKept).toBe(2);
    expect(first.document.Id).toBe('keep-me');
    expect(first.document.Statement.slice(0, 2)).toEqual(foreign.Statement);
    const second = buildBucketPolicy({
      bucket: 'bkt',
      existingPolicy: first.json,
      kmsKeyIds: [KEY],
    });
    expect(second.changed).toBe(false);
    expect(second.json).toBe(first.json);
    expect(second.changes.unchanged).toHaveLength(3);
  });

  it('updates our statements in place and keeps stale ones unless told', () => {
    const first = buildBucketPolicy({ bucket: 'bkt', existingPolicy: foreign, kmsKeyIds: [KEY] });
    const other = 'arn:aws:kms:eu-west-1:111122223333:key/ffffffff-12ab-34cd-56ef-1234567890ab';
    const upd = buildBucketPolicy({
      bucket: 'bkt',
      existingPolicy: first.document,
      kmsKeyIds: [other],
    });
    expect(upd.changes.updated).toEqual(['S3EncDenyOtherKmsKeys']);
    const fewer = buildBucketPolicy({ bucket: 'bkt', existingPolicy: first.document });
    expect(fewer.changes.stale).toEqual(['S3EncDenyUploadsWithoutSse', 'S3EncDenyOtherKmsKeys']);
    expect(fewer.document.Statement).toHaveLength(5);
    expect(fewer.changed).toBe(false);
    const dropped = buildBucketPolicy({
      bucket: 'bkt',
      existingPolicy: first.document,
      dropStaleStatements: true,
    });
    expect(dropped.document.Statement.map((s) => s.Sid)).toEqual([
      'CloudFront',
      undefined,
      'S3EncDenyInsecureTransport',
    ]);
  });

  it('a single-object Statement is merged too', () => {
    const b = buildBucketPolicy({
      bucket: 'bkt',
      existingPolicy: {
        Version: '2012-10-17',
        Statement: foreign.Statement[0]!,
      } as unknown as PolicyDocument,
    });
    expect(b.document.Statement.map((s) => s.Sid)).toEqual([
      'CloudFront',
      'S3EncDenyInsecureTransport',
    ]);
  });

  it('SSE-S3 requirement accepts SSE-S3 and SSE-KMS', () => {
    const b = buildBucketPolicy({ bucket: 'bkt', requireSse: 'AES256' });
    const p = parsePolicy(b.json);
    expect(
      analysePolicy(p, { bucket: 'bkt' }, { algorithm: 'AES256' }).unencryptedUploads!.ok,
    ).toBe(true);
    expect(
      analysePolicy(p, { bucket: 'bkt' }, { algorithm: 'aws:kms' }).unencryptedUploads!.ok,
    ).toBe(false);
  });

  it('serviceCarveOuts: false writes no IfExists operator (for MinIO)', () => {
    const b = buildBucketPolicy({
      bucket: 'bkt',
      sourceIpRanges: ['10.0.0.0/8'],
      allowedPrincipalArns: ['arn:aws:iam::111122223333:role/app'],
      serviceCarveOuts: false,
    });
    expect(b.json).not.toContain('IfExists');
    const c = buildBucketPolicy({ bucket: 'bkt', sourceIpRanges: ['10.0.0.0/8'] });
    expect(c.document.Statement[1]!.Condition).toEqual({
      NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' },
      BoolIfExists: { 'aws:ViaAWSService': 'false', 'aws:PrincipalIsAWSService': 'false' },
    });
  });

  it('rejects unusable options and malformed existing policies with typed errors', () => {
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return e instanceof InvalidArgumentError || e instanceof FormatError ? e.code : 'untyped';
      }
      return undefined;
    };
    expect(code(() => buildBucketPolicy({ bucket: 'Bad_Bucket' }))).toBe(
      'ERR_S3ENC_POLICY_OPTIONS',
    );
    expect(code(() => buildBucketPolicy({ bucket: 'bkt', sourceIpRanges: ['10.0.0.0/33'] }))).toBe(
      'ERR_S3ENC_POLICY_CONDITION_INVALID',
    );
    expect(code(() => buildBucketPolicy({ bucket: 'bkt', sourceIpRanges: ['nope'] }))).toBe(
      'ERR_S3ENC_POLICY_OPTIONS',
    );
    expect(code(() => buildBucketPolicy({ bucket: 'bkt', vpceIds: ['vpc-123'] }))).toBe(
      'ERR_S3ENC_POLICY_OPTIONS',
    );
    expect(code(() => buildBucketPolicy({ bucket: 'bkt', minimumTlsVersion: 1.5 }))).toBe(
      'ERR_S3ENC_POLICY_OPTIONS',
    );
    expect(
      code(() => buildBucketPolicy({ bucket: 'bkt', requireSse: 'AES256', kmsKeyIds: [KEY] })),
    ).toBe('ERR_S3ENC_POLICY_OPTIONS');
    expect(
      code(() =>
        buildBucketPolicy({
          bucket: 'bkt',
          existingPolicy: '{"Statement": [{"Effect": "Permit"}]}',
        }),
      ),
    ).toBe('ERR_S3ENC_POLICY_MALFORMED');
    expect(code(() => buildBucketPolicy({ bucket: 'bkt', existingPolicy: '{' }))).toBe(
      'ERR_S3ENC_POLICY_NOT_JSON',
    );
  });
});
