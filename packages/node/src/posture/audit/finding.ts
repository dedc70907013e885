/**
 * How an audit check words its findings: the practice row and title of each check id, the
 * finding for a setting that could not be read, and the fixes the report suggests.
 */
import type { PolicyCheckResult } from '../policy/analyse.js';
import {
  toJson,
  type AuditCheckId,
  type Finding,
  type FindingFix,
  type FindingStatus,
} from '../report.js';
import type { ReadOutcome } from '../s3-read.js';

/** The practice row (SECURITY-PRACTICES.md) and title of each check. */
const TITLES: Record<AuditCheckId, [number, string]> = {
  'policy.public-access': [1, 'Policy grants nothing to everyone'],
  'policy.statements': [1, 'Policy statements are written as meant'],
  'policy.principals': [1, 'Policy allows only the given principals'],
  'policy.source-ip': [1, 'Policy restricts source IP ranges'],
  'iam.roles': [2, 'Policy names roles, not IAM users'],
  'policy.insecure-transport': [3, 'Policy denies non-TLS requests'],
  'policy.minimum-tls': [3, 'Policy denies old TLS versions'],
  'policy.unencrypted-uploads': [3, 'Policy denies uploads without required SSE'],
  'encryption.default': [3, 'Default encryption'],
  'public-access-block.bucket': [4, 'Block Public Access (bucket)'],
  'public-access-block.account': [4, 'Block Public Access (account)'],
  'ownership-controls': [4, 'Object ownership: ACLs disabled'],
  'versioning.mfa-delete': [5, 'MFA Delete'],
  'object-lock': [6, 'Object Lock and default retention'],
  'policy.vpc-endpoint': [7, 'Policy restricts to VPC endpoints'],
  logging: [8, 'Server access logging'],
  versioning: [9, 'Versioning'],
  'lifecycle.noncurrent-versions': [9, 'Lifecycle for noncurrent versions'],
  replication: [10, 'Replication of SSE-KMS objects'],
  'replication.readable': [10, 'Replicas readable in the destination Region'],
  monitoring: [11, 'Monitoring (Macie, AWS Config)'],
};

/** A finding of check `id`; the fix is kept only when the status is not `pass`. */
export function finding(
  id: AuditCheckId,
  status: FindingStatus,
  evidence: string | readonly string[],
  o: { details?: unknown; fix?: FindingFix } = {},
): Finding {
  const [practice, title] = TITLES[id];
  return {
    id,
    practice,
    title,
    status,
    evidence: typeof evidence === 'string' ? [evidence] : evidence,
    ...(o.details !== undefined ? { details: toJson(o.details) } : {}),
    ...(status !== 'pass' && o.fix !== undefined ? { fix: o.fix } : {}),
  };
}

/** A read that failed, other than "not configured". */
export type Unreadable = Exclude<ReadOutcome<unknown>, { kind: 'ok' | 'not-configured' }>;

/** The finding for a read that failed in a way that is not "not configured". */
export function unreadable(id: AuditCheckId, what: string, r: Unreadable): Finding {
  if (r.kind === 'unsupported')
    return finding(id, 'unsupported', `${what}: not supported by this endpoint (${r.code})`);
  if (r.kind === 'access-denied')
    return finding(id, 'access-denied', `${what}: access denied (${r.code})`);
  return finding(id, 'warn', `${what}: could not be read (${r.code}: ${r.message})`);
}

export const hardenFix = (b: string): FindingFix => ({
  library: `hardenBucket(s3, '${b}', { apply: true })`,
  cli: `s3enc harden s3://${b} --apply`,
});

export const policyFix = (b: string, flags = ''): FindingFix => ({
  library: `buildBucketPolicy({ bucket: '${b}', existingPolicy${flags === '' ? '' : ', …'} }) then PutBucketPolicy`,
  cli: `s3enc policy s3://${b}${flags} --apply`,
});

/** Whether a configured KMS key id names the expected key (ARN, key id or alias forms). */
export function keyMatches(configured: string | undefined, expected: string): boolean {
  if (configured === undefined) return false;
  if (configured === expected) return true;
  const tail = (k: string): string => k.replace(/^arn:[^:]+:kms:[^:]*:[^:]*:/, '');
  return (
    tail(configured) === tail(expected) ||
    tail(configured) === `key/${expected}` ||
    `key/${tail(configured)}` === tail(expected)
  );
}

/** The finding for a policy question's answer. */
export function checkResultFinding(
  id: AuditCheckId,
  r: PolicyCheckResult,
  failStatus: FindingStatus,
  fix: FindingFix,
  warningsFail = false,
): Finding {
  const evidence = [r.summary, ...r.warnings];
  const status: FindingStatus = !r.ok
    ? failStatus
    : r.warnings.length > 0
      ? warningsFail
        ? failStatus
        : 'warn'
      : 'pass';
  return finding(id, status, evidence, {
    details: {
      statements: r.statements,
      ...(r.counterexample ? { counterexample: r.counterexample } : {}),
    },
    fix,
  });
}

/** `r` with its summary prefixed (e.g. "No bucket policy: …"). */
export function withPrefix(prefix: readonly string[], r: PolicyCheckResult): PolicyCheckResult {
  return prefix.length === 0 ? r : { ...r, summary: `${prefix.join('; ')}: ${r.summary}` };
}
