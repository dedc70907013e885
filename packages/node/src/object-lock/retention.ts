/**
 * Per-version retention and legal hold: set, read, extend. Every write is checked against the
 * version's current retention first, so a shortening or a weakening is refused before the
 * request unless its explicit option is given (and refused outright for COMPLIANCE).
 */
import {
  GetObjectLegalHoldCommand,
  GetObjectRetentionCommand,
  PutObjectLegalHoldCommand,
  PutObjectRetentionCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { assertObjectLockEnabled } from './bucket.js';
import { argError, mapS3Error, s3ErrorName } from './errors.js';
import {
  checkComplianceAcknowledged,
  checkMode,
  checkName,
  compareSeconds,
  resolveRetainUntil,
  type RetentionMode,
  type RetentionPeriod,
} from './validate.js';

/** Addresses one object version (the current version when `versionId` is omitted). */
export interface VersionAddress {
  bucket: string;
  key: string;
  /** The version; omit for the current version (prefer naming it: the current one can change). */
  versionId?: string;
}

/** A version's retention as S3 reports it. */
export interface RetentionInfo {
  mode: RetentionMode;
  retainUntil: Date;
}

/** Options of {@link putRetention}. */
export interface PutRetentionOptions extends VersionAddress {
  mode: RetentionMode;
  retainUntil?: Date;
  retainFor?: RetentionPeriod;
  /** Required as `true` for mode COMPLIANCE. */
  acknowledgeComplianceIsIrreversible?: boolean;
  /**
   * Allows shortening (or changing away from) an active GOVERNANCE retention. Needs the
   * `s3:BypassGovernanceRetention` permission. Has no effect on COMPLIANCE retention.
   */
  bypassGovernanceRetention?: boolean;
}

/** Options of {@link extendRetention}. */
export interface ExtendRetentionOptions extends VersionAddress {
  /** The new retain-until date; must not be earlier than the current one. */
  retainUntil?: Date;
  /** The new retention counted from now; must not end earlier than the current one. */
  retainFor?: RetentionPeriod;
  /** Required as `true` when the version's retention is COMPLIANCE (extending it is irreversible too). */
  acknowledgeComplianceIsIrreversible?: boolean;
}

/** @internal */
export function checkAddress(o: VersionAddress): {
  Bucket: string;
  Key: string;
  VersionId?: string;
} {
  if (o === null || typeof o !== 'object')
    throw argError('ERR_S3ENC_INVALID_ARGUMENT', 'options must be an object');
  const Bucket = checkName(o.bucket, 'bucket');
  const Key = checkName(o.key, 'key');
  if (o.versionId === undefined) return { Bucket, Key };
  return { Bucket, Key, VersionId: checkName(o.versionId, 'versionId') };
}

function describe(a: { Bucket: string; Key: string; VersionId?: string }): string {
  return `s3://${a.Bucket}/${a.Key}${a.VersionId === undefined ? '' : ` (version ${a.VersionId})`}`;
}

/**
 * Reads a version's retention.
 *
 * @returns the mode and retain-until date, or undefined when the version has no retention
 *   (the date may be in the past: an expired retention no longer protects anything).
 * @throws InvalidArgumentError `ERR_S3ENC_LOCK_NOT_ENABLED` when the bucket lacks Object Lock.
 * @throws S3RequestError e.g. `ERR_S3ENC_NO_SUCH_VERSION`, `ERR_S3ENC_NO_SUCH_KEY`.
 */
export async function getRetention(
  s3: S3Client,
  o: VersionAddress,
): Promise<RetentionInfo | undefined> {
  const address = checkAddress(o);
  try {
    const out = await s3.send(new GetObjectRetentionCommand(address));
    const r = out.Retention;
    if (r?.Mode === undefined || r.RetainUntilDate === undefined) return undefined;
    return { mode: r.Mode, retainUntil: new Date(r.RetainUntilDate) };
  } catch (err) {
    if (s3ErrorName(err) === 'NoSuchObjectLockConfiguration') return undefined;
    if (isMissingBucketLock(err)) await assertObjectLockEnabled(s3, { bucket: address.Bucket });
    throw mapS3Error(err, `GetObjectRetention of ${describe(address)}`);
  }
}

/** AWS answers InvalidRequest "Bucket is missing Object Lock Configuration". */
function isMissingBucketLock(err: unknown): boolean {
  const name = s3ErrorName(err);
  return (
    name === 'ObjectLockConfigurationNotFoundError' ||
    (name === 'InvalidRequest' && err instanceof Error && /object ?lock/i.test(err.message))
  );
}

/**
 * Sets a version's retention. Reads the bucket's Object Lock configuration and the version's
 * current retention first, so that a refused change fails before it is sent.
 *
 * @param now the current time (for tests); defaults to `new Date()`.
 * @returns the retention now in force.
 * @throws InvalidArgumentError before any request for a bad mode or date and for COMPLIANCE
 *   without acknowledgement (see {@link lockParamsFor}); after reading state:
 *   `ERR_S3ENC_LOCK_NOT_ENABLED` (bucket lacks Object Lock), `ERR_S3ENC_LOCK_COMPLIANCE_IMMUTABLE`
 *   (an active COMPLIANCE retention would be shortened or turned into GOVERNANCE),
 *   `ERR_S3ENC_LOCK_SHORTEN_NEEDS_BYPASS` (an active GOVERNANCE retention would be shortened,
 *   and `bypassGovernanceRetention` is not true).
 * @throws S3RequestError when S3 refuses.
 */
export async function putRetention(
  s3: S3Client,
  o: PutRetentionOptions,
  now: Date = new Date(),
): Promise<RetentionInfo> {
  const address = checkAddress(o);
  const mode = checkMode(o.mode);
  const retainUntil = resolveRetainUntil(o, now);
  checkComplianceAcknowledged(mode, o.acknowledgeComplianceIsIrreversible);
  await assertObjectLockEnabled(s3, { bucket: address.Bucket });
  const current = await getRetention(s3, o);
  const bypass = o.bypassGovernanceRetention === true;
  if (current !== undefined && current.retainUntil.getTime() > now.getTime()) {
    const shorter = compareSeconds(retainUntil, current.retainUntil) < 0;
    if (current.mode === 'COMPLIANCE' && (shorter || mode !== 'COMPLIANCE')) {
      throw argError(
        'ERR_S3ENC_LOCK_COMPLIANCE_IMMUTABLE',
        `${describe(address)} is under COMPLIANCE retention until ${current.retainUntil.toISOString()}: ` +
          'it can only be extended (same mode, a later date), by nobody shortened or removed; wait until it expires',
      );
    }
    if (current.mode === 'GOVERNANCE' && shorter && !bypass) {
      throw argError(
        'ERR_S3ENC_LOCK_SHORTEN_NEEDS_BYPASS',
        `${describe(address)} is under GOVERNANCE retention until ${current.retainUntil.toISOString()}; ` +
          `${retainUntil.toISOString()} would shorten it. Pass bypassGovernanceRetention: true (needs the ` +
          's3:BypassGovernanceRetention permission) if that is intended, or use extendRetention to lengthen it',
      );
    }
  }
  try {
    await s3.send(
      new PutObjectRetentionCommand({
        ...address,
        Retention: { Mode: mode, RetainUntilDate: retainUntil },
        ...(bypass ? { BypassGovernanceRetention: true } : {}),
      }),
    );
  } catch (err) {
    throw mapS3Error(err, `PutObjectRetention of ${describe(address)}`);
  }
  return { mode, retainUntil };
}

/**
 * Lengthens a version's retention, keeping its mode. Never shortens.
 *
 * @param now the current time (for tests); defaults to `new Date()`.
 * @returns the retention now in force (unchanged, and nothing sent, when the new date equals
 *   the current one to the second).
 * @throws InvalidArgumentError before any request for a bad or past date; after reading the
 *   retention: `ERR_S3ENC_LOCK_NO_RETENTION` (nothing to extend: use putRetention),
 *   `ERR_S3ENC_LOCK_EXTEND_WOULD_SHORTEN` (the new date is earlier than the current one),
 *   `ERR_S3ENC_LOCK_COMPLIANCE_NOT_ACKNOWLEDGED` (COMPLIANCE retention without the acknowledgement),
 *   `ERR_S3ENC_LOCK_NOT_ENABLED`.
 * @throws S3RequestError when S3 refuses.
 */
export async function extendRetention(
  s3: S3Client,
  o: ExtendRetentionOptions,
  now: Date = new Date(),
): Promise<RetentionInfo> {
  const address = checkAddress(o);
  const retainUntil = resolveRetainUntil(o, now);
  const current = await getRetention(s3, o);
  if (current === undefined) {
    throw argError(
      'ERR_S3ENC_LOCK_NO_RETENTION',
      `${describe(address)} has no retention to extend: set one with putRetention`,
    );
  }
  const cmp = compareSeconds(retainUntil, current.retainUntil);
  if (cmp < 0) {
    throw argError(
      'ERR_S3ENC_LOCK_EXTEND_WOULD_SHORTEN',
      `${retainUntil.toISOString()} is earlier than the current retain-until date ` +
        `${current.retainUntil.toISOString()} of ${describe(address)}: extendRetention never shortens ` +
        '(shortening a GOVERNANCE retention is putRetention with bypassGovernanceRetention: true)',
    );
  }
  if (cmp === 0) return current;
  checkComplianceAcknowledged(current.mode, o.acknowledgeComplianceIsIrreversible);
  try {
    await s3.send(
      new PutObjectRetentionCommand({
        ...address,
        Retention: { Mode: current.mode, RetainUntilDate: retainUntil },
      }),
    );
  } catch (err) {
    throw mapS3Error(err, `PutObjectRetention of ${describe(address)}`);
  }
  return { mode: current.mode, retainUntil };
}

/** Options of {@link removeRetention}. */
export interface RemoveRetentionOptions extends VersionAddress {
  /**
   * Required as `true` to remove an active GOVERNANCE retention (needs the
   * `s3:BypassGovernanceRetention` permission). An active COMPLIANCE retention cannot be removed.
   */
  bypassGovernanceRetention?: boolean;
}

/**
 * Removes a version's retention (its legal hold, if any, stays).
 *
 * @param now the current time (for tests); defaults to `new Date()`.
 * @returns the retention that was removed, or undefined when there was none (nothing sent).
 * @throws InvalidArgumentError after reading the retention: `ERR_S3ENC_LOCK_COMPLIANCE_IMMUTABLE`
 *   for an active COMPLIANCE retention, `ERR_S3ENC_LOCK_SHORTEN_NEEDS_BYPASS` for an active
 *   GOVERNANCE retention without `bypassGovernanceRetention: true`; `ERR_S3ENC_LOCK_NOT_ENABLED`.
 * @throws S3RequestError when S3 refuses.
 */
export async function removeRetention(
  s3: S3Client,
  o: RemoveRetentionOptions,
  now: Date = new Date(),
): Promise<RetentionInfo | undefined> {
  const address = checkAddress(o);
  const current = await getRetention(s3, o);
  if (current === undefined) return undefined;
  const active = current.retainUntil.getTime() > now.getTime();
  const bypass = o.bypassGovernanceRetention === true;
  if (active && current.mode === 'COMPLIANCE') {
    throw argError(
      'ERR_S3ENC_LOCK_COMPLIANCE_IMMUTABLE',
      `${describe(address)} is under COMPLIANCE retention until ${current.retainUntil.toISOString()}: ` +
        'nobody can remove it before then',
    );
  }
  if (active && !bypass) {
    throw argError(
      'ERR_S3ENC_LOCK_SHORTEN_NEEDS_BYPASS',
      `${describe(address)} is under GOVERNANCE retention until ${current.retainUntil.toISOString()}. ` +
        'Removing it needs bypassGovernanceRetention: true (and the s3:BypassGovernanceRetention permission)',
    );
  }
  try {
    await s3.send(
      new PutObjectRetentionCommand({
        ...address,
        Retention: {},
        ...(active ? { BypassGovernanceRetention: true } : {}),
      }),
    );
  } catch (err) {
    throw mapS3Error(err, `PutObjectRetention (remove) of ${describe(address)}`);
  }
  return current;
}

/** Options of {@link putLegalHold}. */
export interface PutLegalHoldOptions extends VersionAddress {
  /** true places a legal hold, false releases it. */
  legalHold: boolean;
}

/**
 * Places or releases a legal hold on a version. A legal hold blocks deletion (bypass options
 * do not lift it) until released; it has no expiry.
 *
 * @throws InvalidArgumentError `ERR_S3ENC_INVALID_ARGUMENT` when `legalHold` is not a boolean
 *   (before any request); `ERR_S3ENC_LOCK_NOT_ENABLED` when the bucket lacks Object Lock.
 * @throws S3RequestError when S3 refuses.
 */
export async function putLegalHold(s3: S3Client, o: PutLegalHoldOptions): Promise<void> {
  const address = checkAddress(o);
  if (typeof o.legalHold !== 'boolean')
    throw argError('ERR_S3ENC_INVALID_ARGUMENT', 'legalHold must be true or false');
  await assertObjectLockEnabled(s3, { bucket: address.Bucket });
  try {
    await s3.send(
      new PutObjectLegalHoldCommand({
        ...address,
        LegalHold: { Status: o.legalHold ? 'ON' : 'OFF' },
      }),
    );
  } catch (err) {
    throw mapS3Error(err, `PutObjectLegalHold of ${describe(address)}`);
  }
}

/**
 * Reads a version's legal hold.
 *
 * @returns true when a legal hold is on, false when off or never set.
 * @throws InvalidArgumentError `ERR_S3ENC_LOCK_NOT_ENABLED` when the bucket lacks Object Lock.
 * @throws S3RequestError e.g. `ERR_S3ENC_NO_SUCH_VERSION`.
 */
export async function getLegalHold(s3: S3Client, o: VersionAddress): Promise<boolean> {
  const address = checkAddress(o);
  try {
    const out = await s3.send(new GetObjectLegalHoldCommand(address));
    return out.LegalHold?.Status === 'ON';
  } catch (err) {
    if (s3ErrorName(err) === 'NoSuchObjectLockConfiguration') return false;
    if (isMissingBucketLock(err)) await assertObjectLockEnabled(s3, { bucket: address.Bucket });
    throw mapS3Error(err, `GetObjectLegalHold of ${describe(address)}`);
  }
}
