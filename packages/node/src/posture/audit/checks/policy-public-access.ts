/** Practice 1: the bucket policy grants nothing to everyone. */
import type { Finding } from '../../report.js';
import { finding } from '../finding.js';
import { policyUnavailable, type AuditInput } from '../input.js';

export function policyPublicAccessCheck(input: AuditInput): Finding[] {
  const unavailable = policyUnavailable(input, 'policy.public-access');
  if (unavailable !== undefined) return [unavailable];
  if (input.policy.kind !== 'parsed') return [];
  const { analysis, prefix } = input.policy;
  return [
    finding(
      'policy.public-access',
      analysis.publicAccess.ok ? 'pass' : 'fail',
      [...prefix, analysis.publicAccess.summary],
      {
        details: {
          statements: analysis.publicAccess.statements,
          ...(analysis.publicAccess.counterexample
            ? { counterexample: analysis.publicAccess.counterexample }
            : {}),
        },
        fix: {
          note: `Remove or limit the listed Allow statements (a condition on aws:SourceIp, aws:SourceVpce or aws:PrincipalOrgID), and turn on Block Public Access: s3enc harden s3://${input.bucket} --apply`,
        },
      },
    ),
  ];
}
