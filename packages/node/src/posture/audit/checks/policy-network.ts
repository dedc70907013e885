/**
 * Practices 1 and 7: requests only through the expected VPC endpoints or from the expected
 * source IP ranges; without an expectation, whether the policy restricts the network at all.
 */
import type { AuditCheckId, Finding } from '../../report.js';
import { checkResultFinding, finding, policyFix, withPrefix } from '../finding.js';
import { policyUnavailable, type AuditInput } from '../input.js';

export function policyNetworkCheck(input: AuditInput): Finding[] {
  const unavailable = policyUnavailable(input, 'policy.vpc-endpoint');
  if (unavailable !== undefined) return [unavailable];
  const p = input.policy;
  if (p.kind !== 'parsed') return [];
  const b = input.bucket;
  const exp = input.exp;
  const out: Finding[] = [];
  if (p.analysis.network !== undefined) {
    const id: AuditCheckId =
      (exp.vpceIds?.length ?? 0) > 0 ? 'policy.vpc-endpoint' : 'policy.source-ip';
    out.push(
      checkResultFinding(
        id,
        withPrefix(p.prefix, p.analysis.network),
        'fail',
        policyFix(b, p.flags),
      ),
    );
  }
  if ((exp.vpceIds?.length ?? 0) === 0) {
    const keys = new Set<string>();
    for (const s of p.policy.statements) {
      if (s.effect !== 'Deny') continue;
      for (const c of s.conditions) {
        if (['aws:sourcevpce', 'aws:sourcevpc', 'aws:sourceip'].includes(c.key.toLowerCase()))
          keys.add(`${c.key} ${c.values.join(',')}`);
      }
    }
    out.push(
      finding(
        'policy.vpc-endpoint',
        keys.size > 0 ? 'pass' : 'warn',
        keys.size > 0
          ? [`Deny statements test ${[...keys].join('; ')} (no endpoint expected, so not verified)`]
          : [
              'No network restriction in the bucket policy; pass expected VPC endpoints (--expect-vpce) or IP ranges to require one',
            ],
        { fix: policyFix(b, ' --vpce vpce-…') },
      ),
    );
  }
  return out;
}
