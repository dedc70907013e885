export * from './policy/index.js';
export { auditBucket } from './audit.js';
export type { AuditExpectations, AuditKmsClients, AuditOptions } from './audit.js';
export { hardenBucket, formatPlannedChange } from './harden.js';
export type {
  ChangeStatus,
  HardenOptions,
  HardenResult,
  HardenSetting,
  PlannedChange,
} from './harden.js';
export {
  AUDIT_TABLE_COLUMNS,
  FINDING_STATUSES,
  auditExitStatus,
  auditTableRows,
} from './report.js';
export type {
  AuditCheckId,
  AuditReport,
  AuditTableRow,
  ExitStatusOptions,
  Finding,
  FindingFix,
  FindingStatus,
} from './report.js';
