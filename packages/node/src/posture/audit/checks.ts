/**
 * The audit's checks, one row per practice check, in report order (the report is then sorted
 * by practice row, stably). Adding a check is a file in `checks/` and a row here (and its id in
 * `AuditCheckId` with a title in `finding.ts`).
 */
import type { AuditCheck } from './input.js';
import { accountPublicAccessBlockCheck } from './checks/account-public-access-block.js';
import { defaultEncryptionCheck } from './checks/default-encryption.js';
import { iamRolesCheck } from './checks/iam-roles.js';
import { lifecycleCheck } from './checks/lifecycle.js';
import { loggingCheck } from './checks/logging.js';
import { mfaDeleteCheck } from './checks/mfa-delete.js';
import { monitoringCheck } from './checks/monitoring.js';
import { objectLockCheck } from './checks/object-lock.js';
import { ownershipControlsCheck } from './checks/ownership-controls.js';
import { policyInsecureTransportCheck } from './checks/policy-insecure-transport.js';
import { policyMinimumTlsCheck } from './checks/policy-minimum-tls.js';
import { policyNetworkCheck } from './checks/policy-network.js';
import { policyPrincipalsCheck } from './checks/policy-principals.js';
import { policyPublicAccessCheck } from './checks/policy-public-access.js';
import { policyStatementsCheck } from './checks/policy-statements.js';
import { policyUnencryptedUploadsCheck } from './checks/policy-unencrypted-uploads.js';
import { bucketPublicAccessBlockCheck } from './checks/public-access-block.js';
import { replicationCheck } from './checks/replication.js';
import { replicationReadabilityCheck } from './checks/replication-readability.js';
import { versioningCheck } from './checks/versioning.js';

export const AUDIT_CHECKS: readonly AuditCheck[] = [
  policyPublicAccessCheck, // 1
  policyStatementsCheck, // 1
  policyPrincipalsCheck, // 1
  iamRolesCheck, // 2
  policyInsecureTransportCheck, // 3
  policyMinimumTlsCheck, // 3
  policyUnencryptedUploadsCheck, // 3
  policyNetworkCheck, // 1, 7
  defaultEncryptionCheck, // 3
  bucketPublicAccessBlockCheck, // 4
  accountPublicAccessBlockCheck, // 4
  ownershipControlsCheck, // 4
  versioningCheck, // 9
  mfaDeleteCheck, // 5
  objectLockCheck, // 6
  loggingCheck, // 8
  lifecycleCheck, // 9
  replicationCheck, // 10
  replicationReadabilityCheck, // 10
  monitoringCheck, // 11
];
