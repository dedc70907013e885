// Object Lock, versioning and MFA Delete helpers (docs/object-lock.md). Internal helpers stay unexported.
export {
  lockParamsFor,
  type ObjectLockPutOptions,
  type ObjectLockPutParams,
} from './lock-params.js';
export {
  assertObjectLockEnabled,
  createObjectLockBucket,
  getBucketDefaultRetention,
  getBucketObjectLock,
  putBucketDefaultRetention,
  type BucketObjectLockStatus,
  type CreateObjectLockBucketOptions,
  type DefaultRetention,
  type PutBucketDefaultRetentionOptions,
} from './bucket.js';
export {
  extendRetention,
  getLegalHold,
  getRetention,
  putLegalHold,
  putRetention,
  removeRetention,
  type ExtendRetentionOptions,
  type RemoveRetentionOptions,
  type PutLegalHoldOptions,
  type PutRetentionOptions,
  type RetentionInfo,
  type VersionAddress,
} from './retention.js';
export {
  enableVersioning,
  getMfaDeleteStatus,
  getVersioning,
  suspendVersioning,
  type MfaDeleteStatus,
  type VersioningChangeOptions,
  type VersioningStatus,
} from './versioning.js';
export {
  deleteVersion,
  getVersion,
  headVersion,
  iterateVersions,
  listVersions,
  type DeleteVersionOptions,
  type DeleteVersionResult,
  type ListVersionsOptions,
  type ReadVersionOptions,
  type VersionEntry,
  type VersionHead,
  type VersionIdAddress,
  type VersionLockState,
} from './versions.js';
export {
  copySourceFor,
  MAX_COPY_OBJECT_SIZE,
  restoreVersion,
  type RestoreVersionOptions,
  type RestoreVersionResult,
} from './restore.js';
export { mfaHeaderValue, type MfaToken } from './mfa.js';
export type { LockArgumentErrorCode, LockS3ErrorCode } from './errors.js';
export {
  MAX_RETENTION_DAYS,
  MAX_RETENTION_YEARS,
  type RetentionMode,
  type RetentionPeriod,
} from './validate.js';
