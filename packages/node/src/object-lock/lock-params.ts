/**
 * The Object Lock parameters of a PutObject / CreateMultipartUpload / CopyObject request,
 * validated before any request is sent.
 */
import type { ObjectLockLegalHoldStatus, ObjectLockMode } from '@aws-sdk/client-s3';
import { argError } from './errors.js';
import {
  checkComplianceAcknowledged,
  checkMode,
  resolveRetainUntil,
  type RetentionMode,
  type RetentionPeriod,
} from './validate.js';

/**
 * Object Lock settings for a new object version: a retention (mode plus `retainUntil` or
 * `retainFor`), a legal hold, or both.
 *
 * S3 requires an integrity checksum (Content-MD5 or an `x-amz-checksum-*` header) on any put
 * that carries Object Lock settings, and on every put into a bucket with default retention.
 * `EncryptedS3Client` always sends CRC32C, which satisfies it; other callers must send one.
 */
export interface ObjectLockPutOptions {
  /** Retention mode; required with `retainUntil` / `retainFor`. */
  mode?: RetentionMode;
  /** Retain until this instant (must be in the future; rounded up to a whole second). */
  retainUntil?: Date;
  /** Retain for this long from now. Give `retainUntil` or `retainFor`, not both. */
  retainFor?: RetentionPeriod;
  /** Place a legal hold (true) or explicitly none (false). */
  legalHold?: boolean;
  /**
   * Required as `true` with `mode: 'COMPLIANCE'`: nobody, the account root included, can shorten
   * or remove a COMPLIANCE retention, and the version cannot be deleted until it expires.
   */
  acknowledgeComplianceIsIrreversible?: boolean;
}

/** The request fields `lockParamsFor` returns; spread them into the S3 command input. */
export interface ObjectLockPutParams {
  ObjectLockMode?: ObjectLockMode;
  ObjectLockRetainUntilDate?: Date;
  ObjectLockLegalHoldStatus?: ObjectLockLegalHoldStatus;
}

/**
 * Validates Object Lock settings and returns the PutObject / CreateMultipartUpload / CopyObject
 * fields for them. Pure: sends nothing, so it does not know whether the bucket has Object Lock
 * enabled; call {@link assertObjectLockEnabled} for that (the server also refuses).
 *
 * @param options the settings; at least a retention or `legalHold` must be given.
 * @param now the current time (for tests); defaults to `new Date()`.
 * @returns the fields to spread into the request input (empty fields omitted).
 * @throws InvalidArgumentError `ERR_S3ENC_LOCK_UNKNOWN_MODE` for a mode other than GOVERNANCE or
 *   COMPLIANCE; `ERR_S3ENC_LOCK_INVALID_RETENTION` for a mode without a date (or the reverse),
 *   both `retainUntil` and `retainFor`, an invalid Date or period, or empty options;
 *   `ERR_S3ENC_LOCK_RETAIN_UNTIL_IN_PAST` for a date not in the future;
 *   `ERR_S3ENC_LOCK_COMPLIANCE_NOT_ACKNOWLEDGED` for COMPLIANCE without
 *   `acknowledgeComplianceIsIrreversible: true`.
 */
export function lockParamsFor(
  options: ObjectLockPutOptions,
  now: Date = new Date(),
): ObjectLockPutParams {
  if (options === null || typeof options !== 'object') {
    throw argError('ERR_S3ENC_LOCK_INVALID_RETENTION', 'Object Lock options must be an object');
  }
  const params: ObjectLockPutParams = {};
  const wantsRetention =
    options.mode !== undefined ||
    options.retainUntil !== undefined ||
    options.retainFor !== undefined;
  if (wantsRetention) {
    if (options.mode === undefined) {
      throw argError(
        'ERR_S3ENC_LOCK_INVALID_RETENTION',
        "A retention needs a mode: add mode: 'GOVERNANCE' or mode: 'COMPLIANCE'",
      );
    }
    const mode = checkMode(options.mode);
    const until = resolveRetainUntil(options, now);
    checkComplianceAcknowledged(mode, options.acknowledgeComplianceIsIrreversible);
    params.ObjectLockMode = mode;
    params.ObjectLockRetainUntilDate = until;
  }
  if (options.legalHold !== undefined) {
    if (typeof options.legalHold !== 'boolean') {
      throw argError('ERR_S3ENC_INVALID_ARGUMENT', 'legalHold must be true or false');
    }
    params.ObjectLockLegalHoldStatus = options.legalHold ? 'ON' : 'OFF';
  }
  if (!wantsRetention && options.legalHold === undefined) {
    throw argError(
      'ERR_S3ENC_LOCK_INVALID_RETENTION',
      'Object Lock options are empty: give a mode with retainUntil or retainFor, and/or legalHold',
    );
  }
  return params;
}
