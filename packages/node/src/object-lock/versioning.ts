/**
 * Bucket versioning: enable, suspend, read the status and the MFA Delete status.
 */
import {
  GetBucketVersioningCommand,
  PutBucketVersioningCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getBucketObjectLock } from './bucket.js';
import { argError, mapS3Error } from './errors.js';
import { mfaHeaderValue, type MfaToken } from './mfa.js';
import { checkName } from './validate.js';

/** A bucket's versioning state; `Unversioned` means versioning was never enabled. */
export type VersioningStatus = 'Enabled' | 'Suspended' | 'Unversioned';

/** MFA Delete state; `Disabled` also when S3 does not report it (never configured). */
export type MfaDeleteStatus = 'Enabled' | 'Disabled';

/** Options of {@link enableVersioning} and {@link suspendVersioning}. */
export interface VersioningChangeOptions {
  bucket: string;
  /**
   * Also turn MFA Delete on or off. Only the bucket owner's root user can, and S3 then requires
   * `mfa`.
   */
  mfaDelete?: MfaDeleteStatus;
  /** MFA device and code, sent as `x-amz-mfa`. Required by S3 when MFA Delete is on or changes. */
  mfa?: MfaToken;
}

function versioningInput(o: VersioningChangeOptions, status: 'Enabled' | 'Suspended') {
  const bucket = checkName(o.bucket, 'bucket');
  if (o.mfaDelete !== undefined && o.mfaDelete !== 'Enabled' && o.mfaDelete !== 'Disabled') {
    throw argError('ERR_S3ENC_INVALID_ARGUMENT', "mfaDelete must be 'Enabled' or 'Disabled'");
  }
  if (o.mfaDelete !== undefined && o.mfa === undefined) {
    throw argError(
      'ERR_S3ENC_MFA_REQUIRED',
      "Changing MFA Delete needs the root user's MFA device: pass mfa: { serialNumber, tokenCode }",
    );
  }
  const MFA = o.mfa === undefined ? undefined : mfaHeaderValue(o.mfa);
  return {
    Bucket: bucket,
    VersioningConfiguration:
      o.mfaDelete === undefined ? { Status: status } : { Status: status, MFADelete: o.mfaDelete },
    ...(MFA === undefined ? {} : { MFA }),
  };
}

/**
 * Turns versioning on (it stays on for an Object Lock bucket).
 *
 * @throws InvalidArgumentError before any request: `ERR_S3ENC_MFA_INVALID` for a malformed
 *   token, `ERR_S3ENC_MFA_REQUIRED` when `mfaDelete` is given without `mfa`.
 * @throws S3RequestError when S3 refuses (e.g. a wrong MFA code, or
 *   `ERR_S3ENC_NOT_SUPPORTED_BY_ENDPOINT` for a server without MFA Delete).
 */
export async function enableVersioning(s3: S3Client, o: VersioningChangeOptions): Promise<void> {
  const input = versioningInput(o, 'Enabled');
  try {
    await s3.send(new PutBucketVersioningCommand(input));
  } catch (err) {
    throw mapS3Error(err, `PutBucketVersioning (Enabled) of bucket ${input.Bucket}`);
  }
}

/**
 * Suspends versioning: existing versions stay, new writes replace the `null` version. Refused
 * for a bucket with Object Lock, which S3 keeps versioned.
 *
 * @throws InvalidArgumentError before any request as for {@link enableVersioning}; after reading
 *   the bucket's Object Lock configuration, `ERR_S3ENC_VERSIONING_LOCKED_BUCKET`.
 * @throws S3RequestError when S3 refuses.
 */
export async function suspendVersioning(s3: S3Client, o: VersioningChangeOptions): Promise<void> {
  const input = versioningInput(o, 'Suspended');
  const lock = await getBucketObjectLock(s3, { bucket: input.Bucket });
  if (lock.enabled) {
    throw argError(
      'ERR_S3ENC_VERSIONING_LOCKED_BUCKET',
      `Bucket ${input.Bucket} has Object Lock, and S3 does not allow suspending versioning on it`,
    );
  }
  try {
    await s3.send(new PutBucketVersioningCommand(input));
  } catch (err) {
    throw mapS3Error(err, `PutBucketVersioning (Suspended) of bucket ${input.Bucket}`);
  }
}

/**
 * Reads a bucket's versioning and MFA Delete state.
 *
 * @returns `status` (`Unversioned` when versioning was never enabled) and `mfaDelete`.
 * @throws S3RequestError when the request fails.
 */
export async function getVersioning(
  s3: S3Client,
  o: { bucket: string },
): Promise<{ status: VersioningStatus; mfaDelete: MfaDeleteStatus }> {
  const bucket = checkName(o.bucket, 'bucket');
  try {
    const out = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
    const status: VersioningStatus =
      out.Status === 'Enabled' || out.Status === 'Suspended' ? out.Status : 'Unversioned';
    return { status, mfaDelete: out.MFADelete === 'Enabled' ? 'Enabled' : 'Disabled' };
  } catch (err) {
    throw mapS3Error(err, `GetBucketVersioning of bucket ${bucket}`);
  }
}

/**
 * The bucket's MFA Delete status (practice 5). S3 reports it only once it was configured;
 * absent means `Disabled`.
 *
 * @throws S3RequestError when the request fails.
 */
export async function getMfaDeleteStatus(
  s3: S3Client,
  o: { bucket: string },
): Promise<MfaDeleteStatus> {
  return (await getVersioning(s3, o)).mfaDelete;
}
