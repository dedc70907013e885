// Properties of the builder over random option sets and random foreign statements.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkDeniesInsecureTransport,
  checkDeniesUnencryptedUploads,
  checkNetworkRestriction,
} from './analyse.js';
import { buildBucketPolicy, type BucketPolicyOptions } from './build.js';
import { parsePolicy } from './parse.js';
import type { PolicyStatementJson } from './types.js';

const options = fc.record(
  {
    minimumTlsVersion: fc.constantFrom(1.2, 1.3),
    kmsKeyIds: fc.uniqueArray(
      fc.constantFrom(
        'arn:aws:kms:us-east-1:111122223333:key/a',
        'arn:aws:kms:us-east-1:111122223333:key/b',
      ),
      { minLength: 1 },
    ),
    vpceIds: fc.uniqueArray(fc.constantFrom('vpce-1a2b3c4d', 'vpce-5e6f7a8b'), { minLength: 1 }),
    sourceIpRanges: fc.uniqueArray(
      fc.constantFrom('198.51.100.0/24', '2001:db8:1234::/48', '10.0.0.0/8'),
      { minLength: 1 },
    ),
    serviceCarveOuts: fc.boolean(),
  },
  { requiredKeys: [] },
);

const foreignStatement: fc.Arbitrary<PolicyStatementJson> = fc.record({
  Sid: fc.stringMatching(/^[A-Z][A-Za-z0-9]{0,11}$/).filter((s) => !s.startsWith('S3Enc')),
  Effect: fc.constantFrom('Allow' as const, 'Deny' as const),
  Principal: fc.constantFrom<PolicyStatementJson['Principal']>(
    { AWS: 'arn:aws:iam::111122223333:role/app' },
    { Service: 'cloudfront.amazonaws.com' },
  ),
  Action: fc.constantFrom('s3:GetObject', ['s3:ListBucket', 's3:GetBucketLocation']),
  Resource: fc.constantFrom('arn:aws:s3:::bkt/*', 'arn:aws:s3:::bkt'),
});

describe('buildBucketPolicy properties', () => {
  it('idempotent, keeps foreign statements in order, and denies what it was asked to', () => {
    fc.assert(
      fc.property(
        options,
        fc.uniqueArray(foreignStatement, { maxLength: 3, selector: (s) => s.Sid }),
        (o, foreign) => {
          const opts: BucketPolicyOptions = { bucket: 'bkt', ...o };
          const existing =
            foreign.length > 0 ? { Version: '2012-10-17', Statement: foreign } : undefined;
          const first = buildBucketPolicy({ ...opts, existingPolicy: existing });
          const second = buildBucketPolicy({ ...opts, existingPolicy: first.json });
          expect(second.changed).toBe(false);
          expect(second.json).toBe(first.json);
          expect(first.document.Statement.slice(0, foreign.length)).toEqual(foreign);
          const sids = first.document.Statement.map((s) => s.Sid);
          expect(new Set(sids).size).toBe(sids.length);
          const policy = parsePolicy(first.json);
          const t = { bucket: 'bkt', accountId: '111122223333' };
          expect(checkDeniesInsecureTransport(policy, t).ok).toBe(true);
          if (o.kmsKeyIds !== undefined) {
            const r = checkDeniesUnencryptedUploads(policy, t, {
              algorithm: 'aws:kms',
              kmsKeyIds: o.kmsKeyIds,
            });
            expect(r.ok, r.summary).toBe(true);
            expect(r.warnings).toEqual([]);
          }
          if (o.vpceIds !== undefined || o.sourceIpRanges !== undefined) {
            const r = checkNetworkRestriction(policy, t, {
              vpceIds: o.vpceIds,
              sourceIpRanges: o.sourceIpRanges,
            });
            expect(r.ok, r.summary).toBe(true);
            expect(r.warnings).toEqual([]);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
