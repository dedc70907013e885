/**
 * Codes raised by the Object Lock, versioning and MFA helpers of @s3enc/node (docs/errors.md, "Object Lock").
 * Adding a code: one row here plus its row in docs/errors.md (a test compares them).
 */
import type { ErrorCodeTable } from './row.js';

export const OBJECT_LOCK_ERROR_CODES = {
  ERR_S3ENC_LOCK_UNKNOWN_MODE: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning: "a retention mode other than 'GOVERNANCE' or 'COMPLIANCE' (case matters)",
  },
  ERR_S3ENC_LOCK_INVALID_RETENTION: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning:
      'retention options that do not describe one retention (mode without date, both dates, bad period)',
  },
  ERR_S3ENC_LOCK_RETAIN_UNTIL_IN_PAST: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning: 'the retain-until date is not in the future',
  },
  ERR_S3ENC_LOCK_COMPLIANCE_NOT_ACKNOWLEDGED: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning:
      'COMPLIANCE retention (set, extended, or as bucket default) without acknowledgeComplianceIsIrreversible: true',
  },
  ERR_S3ENC_LOCK_NOT_ENABLED: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning: 'the bucket has no Object Lock',
  },
  ERR_S3ENC_LOCK_SHORTEN_NEEDS_BYPASS: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning:
      'putRetention would shorten, or removeRetention remove, an active GOVERNANCE retention',
  },
  ERR_S3ENC_LOCK_COMPLIANCE_IMMUTABLE: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning:
      'an active COMPLIANCE retention would be shortened, turned into GOVERNANCE, removed, or its version deleted',
  },
  ERR_S3ENC_LOCK_EXTEND_WOULD_SHORTEN: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning: 'extendRetention was given a date earlier than the current one',
  },
  ERR_S3ENC_LOCK_NO_RETENTION: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning: 'extendRetention on a version without retention',
  },
  ERR_S3ENC_LOCK_GOVERNED_VERSION: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning:
      'deleteVersion of a version under active GOVERNANCE retention without bypassGovernanceRetention: true',
  },
  ERR_S3ENC_LOCK_LEGAL_HOLD_ACTIVE: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning: 'deleteVersion of a version under a legal hold',
  },
  ERR_S3ENC_VERSIONING_LOCKED_BUCKET: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning: 'suspendVersioning on an Object Lock bucket (S3 keeps it versioned)',
  },
  ERR_S3ENC_MFA_INVALID: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning:
      'malformed MFA token: the serial must be printable ASCII without spaces, the code 6–8 digits as a string',
  },
  ERR_S3ENC_MFA_REQUIRED: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning: 'mfaDelete given without mfa',
  },
  ERR_S3ENC_OBJECT_LOCKED: {
    family: 's3-request',
    exit: 'failure',
    meaning:
      "S3 refused because of Object Lock (AWS AccessDenied, MinIO InvalidRequest \\\\'WORM protected\\\\')",
  },
  ERR_S3ENC_NO_SUCH_VERSION: {
    family: 's3-request',
    exit: 'failure',
    meaning: 'the version (or, for a HEAD, the key) does not exist',
  },
  ERR_S3ENC_VERSION_IS_DELETE_MARKER: {
    family: 's3-request',
    exit: 'failure',
    meaning: 'the version is a delete marker, which has no content (HTTP 405)',
  },
  ERR_S3ENC_NO_SUCH_BUCKET: {
    family: 's3-request',
    exit: 'failure',
    meaning: 'the bucket does not exist',
  },
  ERR_S3ENC_NOT_SUPPORTED_BY_ENDPOINT: {
    family: 's3-request',
    exit: 'failure',
    meaning: 'the server answered NotImplemented',
  },
} as const satisfies ErrorCodeTable;
