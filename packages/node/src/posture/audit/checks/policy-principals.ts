/** Practice 1: the policy allows only the expected principals (when some are expected). */
import type { Finding } from '../../report.js';
import { checkResultFinding, policyFix } from '../finding.js';
import type { AuditInput } from '../input.js';

export function policyPrincipalsCheck(input: AuditInput): Finding[] {
  const p = input.policy;
  if (p.kind !== 'parsed' || p.analysis.principals === undefined) return [];
  const flags = (input.exp.allowedPrincipalArns ?? []).map((a) => ` --principal ${a}`).join('');
  return [
    checkResultFinding(
      'policy.principals',
      p.analysis.principals,
      'fail',
      policyFix(input.bucket, flags),
    ),
  ];
}
