/** Practice 3: the policy denies every non-TLS request. */
import type { Finding } from '../../report.js';
import { checkResultFinding, policyFix, withPrefix } from '../finding.js';
import { policyUnavailable, type AuditInput } from '../input.js';

export function policyInsecureTransportCheck(input: AuditInput): Finding[] {
  const unavailable = policyUnavailable(input, 'policy.insecure-transport');
  if (unavailable !== undefined) return [unavailable];
  const p = input.policy;
  if (p.kind !== 'parsed') return [];
  return [
    checkResultFinding(
      'policy.insecure-transport',
      withPrefix(p.prefix, p.analysis.insecureTransport),
      'fail',
      policyFix(input.bucket),
    ),
  ];
}
