/** Practice 3: the policy denies TLS older than the expected minimum (when one is expected). */
import type { Finding } from '../../report.js';
import { checkResultFinding, policyFix, withPrefix } from '../finding.js';
import type { AuditInput } from '../input.js';

export function policyMinimumTlsCheck(input: AuditInput): Finding[] {
  const p = input.policy;
  if (p.kind !== 'parsed' || p.analysis.minimumTls === undefined) return [];
  return [
    checkResultFinding(
      'policy.minimum-tls',
      withPrefix(p.prefix, p.analysis.minimumTls),
      'fail',
      policyFix(input.bucket, ` --min-tls ${input.exp.minimumTlsVersion?.toFixed(1) ?? '1.2'}`),
    ),
  ];
}
