/**
 * Bucket-level Object Lock: create a bucket with Object Lock, read its configuration, set or
 * clear its default retention.
 */
import {
  CreateBucketCommand,
  GetObjectLockConfigurationCommand,
  PutObjectLockConfigurationCommand,
  type CreateBucketCommandInput,
  type BucketLocationConstraint,
  type ObjectLockRule,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { InvalidArgumentError } from '@s3enc/core';
import { argError, mapS3Error, s3ErrorName } from './errors.js';
import {
  checkComplianceAcknowledged,
  checkMode,
  checkName,
  checkPeriod,
  type RetentionMode,
  type RetentionPeriod,
} from './validate.js';

/** A bucket's default retention: applied to every new version that does not set its own. */
export interface DefaultRetention {
  mode: RetentionMode;
  retainFor: RetentionPeriod;
}

/** What a bucket says about Object Lock. */
export interface BucketObjectLockStatus {
  /** Object Lock is enabled on the bucket (it cannot be disabled again). */
  enabled: boolean;
  /** The default retention, or undefined when there is none. */
  defaultRetention: DefaultRetention | undefined;
}

/** @internal */
export function checkDefaultRetention(value: unknown, acknowledged: unknown): DefaultRetention {
  if (value === null || typeof value !== 'object') {
    throw argError(
      'ERR_S3ENC_LOCK_INVALID_RETENTION',
      'defaultRetention must be { mode, retainFor: { days } | { years } }',
    );
  }
  const v = value as { mode?: unknown; retainFor?: unknown; retainUntil?: unknown };
  if (v.retainUntil !== undefined) {
    throw argError(
      'ERR_S3ENC_LOCK_INVALID_RETENTION',
      'A default retention is a period, not a date: use retainFor: { days } or { years }',
    );
  }
  const mode = checkMode(v.mode);
  const retainFor = checkPeriod(v.retainFor);
  checkComplianceAcknowledged(mode, acknowledged);
  return { mode, retainFor };
}

/**
 * Reads a bucket's Object Lock configuration.
 *
 * @returns `{ enabled: false }` when the bucket has no Object Lock configuration
 *   (S3's `ObjectLockConfigurationNotFoundError`), otherwise whether it is enabled and its
 *   default retention.
 * @throws S3RequestError for any other failure (e.g. `ERR_S3ENC_NO_SUCH_BUCKET`).
 */
export async function getBucketObjectLock(
  s3: S3Client,
  o: { bucket: string },
): Promise<BucketObjectLockStatus> {
  const bucket = checkName(o.bucket, 'bucket');
  let out;
  try {
    out = await s3.send(new GetObjectLockConfigurationCommand({ Bucket: bucket }));
  } catch (err) {
    if (s3ErrorName(err) === 'ObjectLockConfigurationNotFoundError') {
      return { enabled: false, defaultRetention: undefined };
    }
    throw mapS3Error(err, `GetObjectLockConfiguration of bucket ${bucket}`);
  }
  const cfg = out.ObjectLockConfiguration;
  const enabled = cfg?.ObjectLockEnabled === 'Enabled';
  const rule = cfg?.Rule?.DefaultRetention;
  let defaultRetention: DefaultRetention | undefined;
  if (rule?.Mode !== undefined) {
    const mode = rule.Mode === 'COMPLIANCE' ? 'COMPLIANCE' : 'GOVERNANCE';
    if (rule.Days !== undefined) defaultRetention = { mode, retainFor: { days: rule.Days } };
    else if (rule.Years !== undefined)
      defaultRetention = { mode, retainFor: { years: rule.Years } };
  }
  return { enabled, defaultRetention };
}

/**
 * Checks that a bucket has Object Lock enabled, so a lock request can succeed.
 *
 * @throws InvalidArgumentError `ERR_S3ENC_LOCK_NOT_ENABLED` when it does not (the message says
 *   how to get a bucket that does).
 * @throws S3RequestError when the configuration cannot be read.
 */
export async function assertObjectLockEnabled(s3: S3Client, o: { bucket: string }): Promise<void> {
  const status = await getBucketObjectLock(s3, o);
  if (!status.enabled) throw lockNotEnabled(o.bucket);
}

/** @internal */
export function lockNotEnabled(bucket: string): InvalidArgumentError {
  return argError(
    'ERR_S3ENC_LOCK_NOT_ENABLED',
    `Bucket ${bucket} does not have Object Lock enabled, so retention and legal holds cannot be set. ` +
      'Create the bucket with createObjectLockBucket (or CreateBucket with ObjectLockEnabledForBucket), ' +
      'or enable Object Lock on this versioned bucket with PutObjectLockConfiguration (irreversible)',
  );
}

/**
 * The bucket's default retention.
 *
 * @returns the default retention, or undefined when the bucket has Object Lock but no default.
 * @throws InvalidArgumentError `ERR_S3ENC_LOCK_NOT_ENABLED` when the bucket lacks Object Lock.
 * @throws S3RequestError when the configuration cannot be read.
 */
export async function getBucketDefaultRetention(
  s3: S3Client,
  o: { bucket: string },
): Promise<DefaultRetention | undefined> {
  const status = await getBucketObjectLock(s3, o);
  if (!status.enabled) throw lockNotEnabled(o.bucket);
  return status.defaultRetention;
}

/** Options of {@link putBucketDefaultRetention}. */
export interface PutBucketDefaultRetentionOptions {
  bucket: string;
  /** The new default retention, or `null` to remove the default. */
  defaultRetention: DefaultRetention | null;
  /** Required as `true` when the default mode is COMPLIANCE. */
  acknowledgeComplianceIsIrreversible?: boolean;
}

/**
 * Sets or removes a bucket's default retention. Versions already written keep their retention.
 *
 * @throws InvalidArgumentError (before any request) for an unknown mode, a bad period, or
 *   COMPLIANCE without `acknowledgeComplianceIsIrreversible: true`; `ERR_S3ENC_LOCK_NOT_ENABLED`
 *   (after reading the configuration) when the bucket lacks Object Lock.
 * @throws S3RequestError when S3 refuses.
 */
export async function putBucketDefaultRetention(
  s3: S3Client,
  o: PutBucketDefaultRetentionOptions,
): Promise<void> {
  const bucket = checkName(o.bucket, 'bucket');
  const rule =
    o.defaultRetention === null
      ? undefined
      : toRule(checkDefaultRetention(o.defaultRetention, o.acknowledgeComplianceIsIrreversible));
  await assertObjectLockEnabled(s3, { bucket });
  try {
    await s3.send(
      new PutObjectLockConfigurationCommand({
        Bucket: bucket,
        ObjectLockConfiguration:
          rule === undefined
            ? { ObjectLockEnabled: 'Enabled' }
            : { ObjectLockEnabled: 'Enabled', Rule: rule },
      }),
    );
  } catch (err) {
    throw mapS3Error(err, `PutObjectLockConfiguration of bucket ${bucket}`);
  }
}

function toRule(d: DefaultRetention): ObjectLockRule {
  return {
    DefaultRetention:
      'days' in d.retainFor && d.retainFor.days !== undefined
        ? { Mode: d.mode, Days: d.retainFor.days }
        : { Mode: d.mode, Years: d.retainFor.years },
  };
}

/** Options of {@link createObjectLockBucket}. */
export interface CreateObjectLockBucketOptions {
  bucket: string;
  /** Region constraint; defaults to the client's region (none is sent for us-east-1). */
  region?: string;
  /** Optional default retention, set right after the bucket is created. */
  defaultRetention?: DefaultRetention;
  /** Required as `true` when the default mode is COMPLIANCE. */
  acknowledgeComplianceIsIrreversible?: boolean;
}

/**
 * Creates a bucket with Object Lock enabled (which also enables versioning; neither can be
 * turned off later), and optionally sets its default retention.
 *
 * @throws InvalidArgumentError (before any request) for an invalid default retention.
 * @throws S3RequestError when S3 refuses (e.g. the bucket exists).
 */
export async function createObjectLockBucket(
  s3: S3Client,
  o: CreateObjectLockBucketOptions,
): Promise<void> {
  const bucket = checkName(o.bucket, 'bucket');
  const defaultRetention =
    o.defaultRetention === undefined
      ? undefined
      : checkDefaultRetention(o.defaultRetention, o.acknowledgeComplianceIsIrreversible);
  const region = o.region ?? (await s3.config.region());
  const input: CreateBucketCommandInput = { Bucket: bucket, ObjectLockEnabledForBucket: true };
  if (region !== 'us-east-1' && region !== '') {
    input.CreateBucketConfiguration = { LocationConstraint: region as BucketLocationConstraint };
  }
  try {
    await s3.send(new CreateBucketCommand(input));
  } catch (err) {
    throw mapS3Error(err, `CreateBucket ${bucket}`);
  }
  if (defaultRetention !== undefined) {
    await putBucketDefaultRetention(s3, {
      bucket,
      defaultRetention,
      acknowledgeComplianceIsIrreversible: true,
    });
  }
}
