/**
 * `auditBucket`: reads a bucket's settings and checks them against the practices of
 * SECURITY-PRACTICES.md, one or more findings per practice row. Every setting is read on its
 * own; a setting the endpoint does not implement is `unsupported`, one the caller may not
 * read is `access-denied`, and neither stops the other checks. Each check is a pure function
 * of what was read (`audit/checks/`, listed in `audit/checks.ts`).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { InvalidArgumentError } from '@s3enc/core';
import { AUDIT_CHECKS } from './audit/checks.js';
import { viewPolicy, type AuditInput } from './audit/input.js';
import { validateExpectations, validateSampling, type AuditOptions } from './audit/options.js';
import { readReplicationSample } from './audit/replication-sample.js';
import { readAccountPublicAccessBlock, readBucketSettings } from './audit/settings.js';
import { summarise, type AuditReport } from './report.js';
import { assertReachable } from './s3-read.js';

export type { AuditExpectations, AuditOptions } from './audit/options.js';
export type { AuditKmsClients } from './audit/replication-key-probe.js';

/**
 * Audits `bucket`. Never throws for a single unreadable setting; throws
 * `InvalidArgumentError` for unusable arguments (`ERR_S3ENC_INVALID_ARGUMENT` for the
 * bucket, `ERR_S3ENC_AUDIT_EXPECTATIONS` for the expectations), and `S3RequestError` when
 * there is nothing to audit: `ERR_S3ENC_NO_SUCH_BUCKET`, or `ERR_S3ENC_S3_REQUEST` when every
 * read fails with the same error (endpoint down, credentials rejected).
 */
export async function auditBucket(
  s3: S3Client,
  bucket: string,
  options: AuditOptions = {},
): Promise<AuditReport> {
  if (typeof bucket !== 'string' || bucket === '')
    throw new InvalidArgumentError('auditBucket: bucket must be a non-empty string');
  validateExpectations(options);
  validateSampling(options);
  const settings = await readBucketSettings(s3, bucket);
  assertReachable(bucket, Object.values(settings));
  const input: AuditInput = {
    bucket,
    exp: options,
    settings,
    accountPublicAccessBlock: await readAccountPublicAccessBlock(s3, options),
    policy: viewPolicy(settings.policy, bucket, options),
    replicationSample: await readReplicationSample(s3, bucket, settings.replication, options),
  };
  const findings = AUDIT_CHECKS.flatMap((check) => check(input));
  findings.sort((a, b) => a.practice - b.practice);
  return {
    schemaVersion: 1,
    bucket,
    generatedAt: new Date().toISOString(),
    findings,
    summary: summarise(findings),
  };
}
