/**
 * The shape of an audit report: plain JSON-serialisable objects, so the CLI can print them
 * as JSON (`--json`) or as a table ({@link auditTableRows}) and map them to an exit status
 * ({@link auditExitStatus}).
 */
import type { JsonValue } from './policy/types.js';

/**
 * - `pass`: the practice holds;
 * - `fail`: it does not (or an expectation is not met) — a non-zero exit;
 * - `warn`: worth a look, not a failure (optional practices, recommendations);
 * - `unsupported`: the endpoint does not implement the API ("not supported by this endpoint");
 * - `access-denied`: the caller may not read the setting.
 */
export type FindingStatus = 'pass' | 'fail' | 'warn' | 'unsupported' | 'access-denied';

/** Every status, in the order reports count them. */
export const FINDING_STATUSES: readonly FindingStatus[] = [
  'pass',
  'fail',
  'warn',
  'unsupported',
  'access-denied',
];

/** How to fix a finding: the library call and the CLI command (either may be absent). */
export interface FindingFix {
  /** e.g. `hardenBucket(s3, 'b', { apply: true })`. */
  readonly library?: string;
  /** e.g. `s3enc harden s3://b --apply`. */
  readonly cli?: string;
  /** Free text when neither applies (e.g. an AWS CLI command). */
  readonly note?: string;
}

/** The stable ids of the audit's checks. */
export type AuditCheckId =
  | 'policy.public-access'
  | 'policy.statements'
  | 'policy.principals'
  | 'policy.source-ip'
  | 'policy.insecure-transport'
  | 'policy.minimum-tls'
  | 'policy.unencrypted-uploads'
  | 'policy.vpc-endpoint'
  | 'iam.roles'
  | 'encryption.default'
  | 'public-access-block.bucket'
  | 'public-access-block.account'
  | 'ownership-controls'
  | 'versioning'
  | 'versioning.mfa-delete'
  | 'object-lock'
  | 'logging'
  | 'lifecycle.noncurrent-versions'
  | 'replication'
  | 'replication.readable'
  | 'monitoring';

/** One check's outcome. */
export interface Finding {
  readonly id: AuditCheckId;
  /** The row of SECURITY-PRACTICES.md this check serves (1–11). */
  readonly practice: number;
  readonly title: string;
  readonly status: FindingStatus;
  /** What was read, in sentences. */
  readonly evidence: readonly string[];
  /** The configuration as read (JSON), when there is one. */
  readonly details?: JsonValue;
  /** How to fix it; present unless the status is `pass`. */
  readonly fix?: FindingFix;
}

/** What {@link auditBucket} returns. */
export interface AuditReport {
  readonly schemaVersion: 1;
  readonly bucket: string;
  /** ISO 8601. */
  readonly generatedAt: string;
  readonly findings: readonly Finding[];
  /** How many findings have each status. */
  readonly summary: Readonly<Record<FindingStatus, number>>;
}

/** Counts findings by status. */
export function summarise(findings: readonly Finding[]): Record<FindingStatus, number> {
  const out: Record<FindingStatus, number> = {
    pass: 0,
    fail: 0,
    warn: 0,
    unsupported: 0,
    'access-denied': 0,
  };
  for (const f of findings) out[f.status]++;
  return out;
}

/** Options of {@link auditExitStatus}. */
export interface ExitStatusOptions {
  /** Also exit non-zero on warnings. */
  readonly failOnWarn?: boolean;
  /** Also exit non-zero when a setting could not be read (access denied). */
  readonly failOnAccessDenied?: boolean;
}

/** The process exit status for a report: 1 when any finding fails (see options), else 0. */
export function auditExitStatus(report: AuditReport, o: ExitStatusOptions = {}): 0 | 1 {
  const bad = report.findings.some(
    (f) =>
      f.status === 'fail' ||
      (o.failOnWarn === true && f.status === 'warn') ||
      (o.failOnAccessDenied === true && f.status === 'access-denied'),
  );
  return bad ? 1 : 0;
}

/** One table row per finding, all strings. Column order: {@link AUDIT_TABLE_COLUMNS}. */
export interface AuditTableRow {
  readonly practice: string;
  readonly check: string;
  readonly status: FindingStatus;
  readonly evidence: string;
  readonly fix: string;
}

/** The columns of {@link auditTableRows}, with headers. */
export const AUDIT_TABLE_COLUMNS: readonly {
  readonly key: keyof AuditTableRow;
  readonly header: string;
}[] = [
  { key: 'practice', header: '#' },
  { key: 'check', header: 'Check' },
  { key: 'status', header: 'Status' },
  { key: 'evidence', header: 'Evidence' },
  { key: 'fix', header: 'Fix' },
];

/** Flattens a report into table rows for a TTY. */
export function auditTableRows(report: AuditReport): AuditTableRow[] {
  return report.findings.map((f) => ({
    practice: String(f.practice),
    check: f.title,
    status: f.status,
    evidence: f.evidence.join('; '),
    fix: f.fix === undefined ? '' : (f.fix.cli ?? f.fix.library ?? f.fix.note ?? ''),
  }));
}

/** Converts an SDK output (Dates, undefined, $metadata) to JSON for `details`. */
export function toJson(value: unknown): JsonValue {
  return JSON.parse(
    JSON.stringify(value, (k, v: unknown) =>
      k === '$metadata' ? undefined : v instanceof Date ? v.toISOString() : v,
    ) ?? 'null',
  ) as JsonValue;
}
