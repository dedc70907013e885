/**
 * Codes raised by the bucket posture helpers of @s3enc/node: policy parser, builder, audit, harden (docs/errors.md, "Bucket posture").
 * Adding a code: one row here plus its row in docs/errors.md (a test compares them).
 */
import type { ErrorCodeTable } from './row.js';

export const POSTURE_ERROR_CODES = {
  ERR_S3ENC_POLICY_NOT_JSON: {
    family: 'format',
    exit: 'integrity',
    meaning: 'the policy text is not JSON',
  },
  ERR_S3ENC_POLICY_MALFORMED: {
    family: 'format',
    exit: 'integrity',
    meaning: 'the JSON does not follow the IAM policy grammar',
  },
  ERR_S3ENC_POLICY_CONDITION_INVALID: {
    family: 'format',
    exit: 'integrity',
    meaning: 'an unknown condition operator, or a value the operator cannot read',
  },
  ERR_S3ENC_POLICY_OPTIONS: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning: 'unusable buildBucketPolicy / hardenBucket policy options',
  },
  ERR_S3ENC_AUDIT_EXPECTATIONS: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning: 'unusable auditBucket expectations',
  },
  ERR_S3ENC_HARDEN: {
    family: 'other',
    exit: 'failure',
    meaning:
      'hardenBucket: a change failed with an error that has no code (reported in the change, not thrown)',
  },
} as const satisfies ErrorCodeTable;
