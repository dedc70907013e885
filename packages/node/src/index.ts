// The public API of @s3enc/node: an explicit list, so nothing internal leaks by accident.

// Encrypted transfers
export {
  EncryptedS3Client,
  type EncryptedS3ClientOptions,
  type GetResult,
  type GetToFileResult,
  type S3Input,
} from './client.js';
export type { PutSource, FileSource } from './transfer/upload/sources.js';
export type { MultipartUploadRef, PutOptions, PutResult } from './transfer/upload/put-options.js';
export {
  abortIncompleteUploads,
  listIncompleteUploads,
  type AbortIncompleteUploadsOptions,
  type AbortOutcome,
  type IncompleteUpload,
  type ListIncompleteUploadsOptions,
} from './uploads/incomplete-uploads.js';
export {
  STORAGE_CLASSES,
  type StorageClass,
  type ObjectFieldOptions,
} from './transfer/upload/object-fields.js';
export type { GetOptions, ReadOptions, ObjectFacts } from './transfer/download/read-options.js';
export { rewrapObject } from './rewrap/rewrap-object.js';
export {
  batchJobRequest,
  createBatchJob,
  writeBatchManifest,
  type BatchJobRequestOptions,
  type BatchManifest,
  type BatchManifestOptions,
} from './batch/batch-job.js';
export type { RewrapOptions, RewrapResult } from './rewrap/rewrap-options.js';
export { describeObject, type DescribeOptions, type HeadResult } from './transfer/head.js';
export type {
  EnvelopeDescription,
  AwsEncryptionSdkEnvelope,
  S3ecEnvelope,
} from './transfer/formats/envelope.js';
export type { S3ecOptions } from './transfer/formats/s3ec/settings.js';
export type { ConvertOptions, ConvertResult } from './transfer/convert.js';
export type { TransferProgress, ProgressListener } from './context.js';
export {
  MIN_PART_SIZE,
  MAX_PARTS,
  DEFAULT_PART_SIZE,
  DEFAULT_CONCURRENCY,
  DEFAULT_DOWNLOAD_CHUNK_SIZE,
} from './context.js';
export { SseCustomerKey, type ServerSideEncryption, type SseCustomerKeyInput } from './sse.js';
export { MARKER_FORMAT_KEY, MARKER_VERSION_KEY, MARKER_FORMAT, MARKER_VERSION } from './marker.js';
export {
  DIAGNOSTICS_CHANNELS,
  type EventError,
  type GetFinishEvent,
  type GetStartEvent,
  type IntegrityFailureEvent,
  type KeyEvent,
  type PartFinishEvent,
  type PutFinishEvent,
  type PutStartEvent,
  type RangeFinishEvent,
  type RetryEvent,
  type UploadAbortEvent,
  type RewrapFinishEvent,
} from './transfer/diagnostics.js';
export {
  getObjectChecksumAttributes,
  verifyObjectChecksum,
  type ObjectChecksumOptions,
} from './object-checksum.js';

// Transport
export {
  assertHttpsEndpoint,
  assertNoWeakening,
  resolveTls,
  type CaInput,
  type EndpointInput,
  type ResolvedTls,
  type TlsOptions,
} from './transport/tls-policy.js';
export { UndiciHttpHandler, type UndiciHttpHandlerOptions } from './transport/undici-handler.js';
export {
  HardenedNodeHttpHandler,
  type HardenedNodeHttpHandlerOptions,
} from './transport/node-https-handler.js';
export { RoutingHttpHandler, type RoutingHttpHandlerOptions } from './transport/routing-handler.js';
export {
  buildKmsClientConfig,
  buildS3ClientConfig,
  createHttpHandler,
  type HandlerKind,
  type TransportOptions,
} from './transport/client-config.js';
export { enforceHttpsOnly, httpsOnlyPlugin } from './transport/https-only.js';

// Object Lock and versions
export {
  lockParamsFor,
  assertObjectLockEnabled,
  createObjectLockBucket,
  getBucketDefaultRetention,
  getBucketObjectLock,
  putBucketDefaultRetention,
  extendRetention,
  getLegalHold,
  getRetention,
  putLegalHold,
  putRetention,
  removeRetention,
  enableVersioning,
  getMfaDeleteStatus,
  getVersioning,
  suspendVersioning,
  deleteVersion,
  getVersion,
  headVersion,
  iterateVersions,
  listVersions,
  copySourceFor,
  MAX_COPY_OBJECT_SIZE,
  restoreVersion,
  mfaHeaderValue,
  MAX_RETENTION_DAYS,
  MAX_RETENTION_YEARS,
  type ObjectLockPutOptions,
  type ObjectLockPutParams,
  type BucketObjectLockStatus,
  type CreateObjectLockBucketOptions,
  type DefaultRetention,
  type PutBucketDefaultRetentionOptions,
  type ExtendRetentionOptions,
  type RemoveRetentionOptions,
  type PutLegalHoldOptions,
  type PutRetentionOptions,
  type RetentionInfo,
  type VersionAddress,
  type MfaDeleteStatus,
  type VersioningChangeOptions,
  type VersioningStatus,
  type DeleteVersionOptions,
  type DeleteVersionResult,
  type ListVersionsOptions,
  type ReadVersionOptions,
  type VersionEntry,
  type VersionHead,
  type VersionIdAddress,
  type VersionLockState,
  type RestoreVersionOptions,
  type RestoreVersionResult,
  type MfaToken,
  type LockArgumentErrorCode,
  type LockS3ErrorCode,
  type RetentionMode,
  type RetentionPeriod,
} from './object-lock/index.js';

// Bucket posture: audit, harden, policies
export {
  auditBucket,
  hardenBucket,
  formatPlannedChange,
  AUDIT_TABLE_COLUMNS,
  FINDING_STATUSES,
  auditExitStatus,
  auditTableRows,
  parsePolicy,
  evaluatePolicy,
  principalMatches,
  statementApplies,
  analysePolicy,
  checkDeniesInsecureTransport,
  checkDeniesUnencryptedUploads,
  checkMinimumTlsVersion,
  checkNetworkRestriction,
  checkPrincipalRestriction,
  checkPublicAccess,
  lintPolicy,
  statementLabel,
  buildBucketPolicy,
  s3encStatements,
  S3ENC_SID_PREFIX,
  type AuditExpectations,
  type AuditKmsClients,
  type AuditOptions,
  type ChangeStatus,
  type HardenOptions,
  type HardenResult,
  type HardenSetting,
  type PlannedChange,
  type AuditCheckId,
  type AuditReport,
  type AuditTableRow,
  type ExitStatusOptions,
  type Finding,
  type FindingFix,
  type FindingStatus,
  type Counterexample,
  type NetworkRequirement,
  type PolicyAnalysis,
  type PolicyCheckResult,
  type PolicyExpectations,
  type PolicyLint,
  type PolicyTarget,
  type SseRequirement,
  type BucketPolicyOptions,
  type BuiltBucketPolicy,
  type PolicyChanges,
  type PolicyEffect,
  type PrincipalKind,
  type PolicyPrincipal,
  type ConditionSetOperator,
  type PolicyCondition,
  type PolicyStatement,
  type ParsedPolicy,
  type JsonValue,
  type PolicyDocument,
  type PolicyStatementJson,
  type RequestPrincipal,
  type ContextValue,
  type RequestContext,
  type Decision,
  type EvaluationResult,
} from './posture/index.js';

// Bulk transfers (cp --recursive, sync, ls)
export { transferTree, directoryPrefix } from './bulk/transfer-tree.js';
export type {
  TransferTreeOptions,
  TreeLocation,
  ObjectResult,
  TreeProgress,
  TreeSummary,
} from './bulk/bulk-options.js';
export { ConcurrencyBudget } from './bulk/budget.js';
export { PathFilters, patternToRegExp, type PathFilter } from './bulk/filters.js';
export {
  listPrefix,
  isListedObject,
  type ListedObject,
  type ListedPrefix,
  type ListPrefixOptions,
} from './bulk/list-prefix.js';
export { needsTransfer, type CompareOptions } from './bulk/compare.js';
export {
  MTIME_METADATA_KEY,
  SIZE_METADATA_KEY,
  syncStateOf,
  type SyncState,
} from './bulk/sync-metadata.js';
export { localPathFor } from './bulk/safe-path.js';
