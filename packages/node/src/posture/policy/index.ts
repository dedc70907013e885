export { parsePolicy } from './parse.js';
export { evaluatePolicy, principalMatches, statementApplies } from './evaluate.js';
export {
  analysePolicy,
  checkDeniesInsecureTransport,
  checkDeniesUnencryptedUploads,
  checkMinimumTlsVersion,
  checkNetworkRestriction,
  checkPrincipalRestriction,
  checkPublicAccess,
  lintPolicy,
  statementLabel,
} from './analyse.js';
export type {
  Counterexample,
  NetworkRequirement,
  PolicyAnalysis,
  PolicyCheckResult,
  PolicyExpectations,
  PolicyLint,
  PolicyTarget,
  SseRequirement,
} from './analyse.js';
export { buildBucketPolicy, s3encStatements, S3ENC_SID_PREFIX } from './build.js';
export type { BucketPolicyOptions, BuiltBucketPolicy, PolicyChanges } from './build.js';
export type * from './types.js';
