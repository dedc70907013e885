/**
 * Codes raised by rewrap: `rewrapHeader` in @s3enc/core, `rewrapObject` in @s3enc/node and
 * `s3enc rewrap` (docs/errors.md, "Rewrap").
 * Adding a code: one row here plus its row in docs/errors.md (a test compares them).
 */
import type { ErrorCodeTable } from './row.js';

export const REWRAP_ERROR_CODES = {
  ERR_S3ENC_REWRAP_UNSUPPORTED: {
    family: 'format',
    exit: 'integrity',
    meaning:
      'the object is not a v2 message of suite 0x0478 (a signed or legacy message cannot be rewrapped; re-encrypt it)',
  },
  ERR_S3ENC_REWRAP_NOTHING_ASKED: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning: 'a rewrap named no key to add and none to remove',
  },
  ERR_S3ENC_REWRAP_NO_KEYS_LEFT: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning: 'the rewrap would leave the header with no encrypted data key',
  },
  ERR_S3ENC_REWRAP_NOT_CURRENT: {
    family: 's3-request',
    exit: 'failure',
    meaning:
      'the version asked for is not the current version of the key, or a newer version appeared during the rewrap',
  },
  ERR_S3ENC_REWRAP_UNVERSIONED: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning:
      'the bucket is not versioned, so the rewrap would replace the only copy; pass allowUnversionedOverwrite to accept that',
  },
  ERR_S3ENC_REWRAP_OBJECT_LOCK: {
    family: 's3-request',
    exit: 'access',
    meaning:
      "the source version's Object Lock retention or legal hold could not be read or set on the new version",
  },
  ERR_S3ENC_REWRAP_ATTRIBUTES_UNREADABLE: {
    family: 's3-request',
    exit: 'access',
    meaning: 'the source version’s tags could not be read, so they could not be carried over',
  },
  ERR_S3ENC_REWRAP_DELETE_UNVERSIONED: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning:
      'deleteSourceVersionAfterVerify in a bucket without versioning: there is no separate source version to delete, only the single copy',
  },
  ERR_S3ENC_REWRAP_DELETE_LOCKED: {
    family: 's3-request',
    exit: 'access',
    meaning:
      'deleteSourceVersionAfterVerify: the source version is under Object Lock retention or legal hold, so it cannot be deleted; nothing was written',
  },
  ERR_S3ENC_REWRAP_VERIFY_FAILED: {
    family: 'integrity',
    exit: 'integrity',
    meaning:
      'the rewrapped version did not verify (header, size, first or final frame), so the source version was not deleted',
  },
  ERR_S3ENC_REWRAP_DELETE_REFUSED: {
    family: 's3-request',
    exit: 'access',
    meaning:
      'S3 refused to delete the source version after the new version was written and verified; both versions remain',
  },
} as const satisfies ErrorCodeTable;
