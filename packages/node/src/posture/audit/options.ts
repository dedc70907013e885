/** What `auditBucket` expects of a bucket, and how it reaches account-level settings. */
import type { S3ControlClient } from '@aws-sdk/client-s3-control';
import type { AuditKmsClients } from './replication-key-probe.js';
import type { STSClient } from '@aws-sdk/client-sts';
import { InvalidArgumentError } from '@s3enc/core';
import { validateConditionValues } from '../policy/conditions.js';

/** What the bucket is expected to look like. Every field is optional. */
export interface AuditExpectations {
  /**
   * The KMS key (ARN, key id or alias ARN) that default encryption and uploads must use.
   * Implies `requireSse: 'aws:kms'`.
   */
  readonly kmsKeyId?: string;
  /**
   * Uploads without this SSE must be denied by the policy. Without it (and without
   * `kmsKeyId`) a policy that does not deny them is a warning, not a failure.
   */
  readonly requireSse?: 'aws:kms' | 'AES256';
  /** Default encryption with SSE-KMS must use an S3 Bucket Key. Default true. */
  readonly bucketKey?: boolean;
  /** Requests must come through these VPC endpoints (or `sourceIpRanges`). */
  readonly vpceIds?: readonly string[];
  /** Requests must come from these CIDR ranges (or `vpceIds`). */
  readonly sourceIpRanges?: readonly string[];
  /** Every principal except these must be denied. */
  readonly allowedPrincipalArns?: readonly string[];
  /** Principals deliberately exempt from network restrictions. */
  readonly exemptPrincipalArns?: readonly string[];
  /** TLS below this version must be denied (`s3:TlsVersion`). */
  readonly minimumTlsVersion?: number;
  /** Fail (not warn) when these are off. */
  readonly requireMfaDelete?: boolean;
  readonly requireObjectLock?: boolean;
  readonly requireAccessLogging?: boolean;
  readonly requireReplication?: boolean;
}

/** Options of {@link auditBucket}: the expectations, and how to reach account-level settings. */
export interface AuditOptions extends AuditExpectations {
  /** The bucket owner's account id (for account-level Block Public Access); else asked of STS. */
  readonly accountId?: string;
  /** `aws` unless another partition. */
  readonly partition?: string;
  /**
   * Client for the account-level Block Public Access check. By default one is made from the
   * S3 client's region and credentials — only when the S3 client uses AWS's own endpoints;
   * with a custom endpoint (MinIO, …) the account check is `unsupported` unless given here.
   */
  readonly s3ControlClient?: S3ControlClient;
  /** Client used to learn the account id when `accountId` is not given. */
  readonly stsClient?: STSClient;
  /** Skip the account-level check. */
  readonly skipAccountChecks?: boolean;
  /**
   * Objects sampled (first listing page under the replication rules' prefixes) to check that
   * replicas will be readable in each destination Region: 0–1000, default 20; 0 skips it.
   * Each is read with one ranged GET of its first bytes (no key unwrapped).
   */
  readonly replicationSampleSize?: number;
  /**
   * Destination Regions by destination bucket name or configured ARN, for destinations whose
   * Region cannot be read (another account, another endpoint). Overrides what is read.
   */
  readonly replicationDestinationRegions?: Readonly<Record<string, string>>;
  /**
   * KMS clients per destination Region: with them the audit proves that the keys replicas
   * need exist and are enabled there (kms:DescribeKey on each key, a multi-Region key as its
   * replica's ARN in that Region; never Decrypt). Return false for a Region not to ask.
   */
  readonly replicationKmsClients?: AuditKmsClients;
}

/**
 * Checks the expectations before any request.
 * @throws InvalidArgumentError `ERR_S3ENC_AUDIT_EXPECTATIONS`.
 */
export function validateExpectations(exp: AuditExpectations): void {
  const bad = (what: string): never => {
    throw new InvalidArgumentError(`auditBucket: ${what}`, {
      code: 'ERR_S3ENC_AUDIT_EXPECTATIONS',
    });
  };
  for (const [name, list] of [
    ['vpceIds', exp.vpceIds],
    ['sourceIpRanges', exp.sourceIpRanges],
    ['allowedPrincipalArns', exp.allowedPrincipalArns],
    ['exemptPrincipalArns', exp.exemptPrincipalArns],
  ] as const) {
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.some((v) => typeof v !== 'string' || v === ''))
      bad(`${name} must be an array of non-empty strings`);
  }
  for (const r of exp.sourceIpRanges ?? []) {
    try {
      validateConditionValues('IpAddress', [r], 'sourceIpRanges');
    } catch {
      bad(`sourceIpRanges: ${JSON.stringify(r)} is not an IP address or CIDR block`);
    }
  }
  if (
    exp.minimumTlsVersion !== undefined &&
    (typeof exp.minimumTlsVersion !== 'number' ||
      !(exp.minimumTlsVersion >= 1 && exp.minimumTlsVersion <= 1.3))
  ) {
    bad('minimumTlsVersion must be a number from 1.0 to 1.3');
  }
  if (exp.requireSse !== undefined && exp.requireSse !== 'aws:kms' && exp.requireSse !== 'AES256')
    bad('requireSse must be "aws:kms" or "AES256"');
  if (exp.kmsKeyId !== undefined && (typeof exp.kmsKeyId !== 'string' || exp.kmsKeyId === ''))
    bad('kmsKeyId must be a non-empty string');
}

/**
 * Checks the replication sampling options before any request.
 * @throws InvalidArgumentError `ERR_S3ENC_AUDIT_EXPECTATIONS`.
 */
export function validateSampling(o: AuditOptions): void {
  const bad = (what: string): never => {
    throw new InvalidArgumentError(`auditBucket: ${what}`, {
      code: 'ERR_S3ENC_AUDIT_EXPECTATIONS',
    });
  };
  const n = o.replicationSampleSize;
  if (n !== undefined && !(Number.isInteger(n) && n >= 0 && n <= 1000))
    bad('replicationSampleSize must be an integer from 0 to 1000');
  if (o.replicationKmsClients !== undefined && typeof o.replicationKmsClients !== 'function')
    bad('replicationKmsClients must be a function of a Region');
  const map = o.replicationDestinationRegions;
  if (map === undefined) return;
  if (typeof map !== 'object' || map === null || Array.isArray(map))
    bad('replicationDestinationRegions must map destination buckets to Regions');
  for (const [k, v] of Object.entries(map as Record<string, unknown>)) {
    if (k === '' || typeof v !== 'string' || !/^[a-z]{2}(-[a-z0-9]+)+-\d+$/.test(v))
      bad(
        `replicationDestinationRegions: ${JSON.stringify(k)} → ${JSON.stringify(v)} is not bucket → Region (e.g. us-west-2)`,
      );
  }
}
