/** Practice 2: the policy names IAM roles, not IAM users with long-term keys. */
import type { Finding } from '../../report.js';
import { finding } from '../finding.js';
import { policyUnavailable, type AuditInput } from '../input.js';

export function iamRolesCheck(input: AuditInput): Finding[] {
  const unavailable = policyUnavailable(input, 'iam.roles');
  if (unavailable !== undefined) return [unavailable];
  if (input.policy.kind !== 'parsed') return [];
  const users = input.policy.lints.filter((l) => l.code === 'iam-user-principal');
  return [
    finding(
      'iam.roles',
      users.length > 0 ? 'warn' : 'pass',
      users.length > 0
        ? users.map((l) => l.message)
        : ['The bucket policy names no IAM users; s3enc itself uses the default credential chain'],
      {
        fix: {
          note: 'Grant to IAM roles assumed by the workloads instead of IAM users with access keys',
        },
      },
    ),
  ];
}
