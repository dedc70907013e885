/** Practice 1: the policy's statements are not written in a known-misleading way. */
import type { Finding } from '../../report.js';
import { finding } from '../finding.js';
import type { AuditInput } from '../input.js';

export function policyStatementsCheck(input: AuditInput): Finding[] {
  const p = input.policy;
  if (p.kind !== 'parsed' || p.none) return [];
  const notIam = p.lints.filter((l) => l.code !== 'iam-user-principal');
  return [
    finding(
      'policy.statements',
      notIam.length > 0 ? 'warn' : 'pass',
      notIam.length > 0
        ? notIam.map((l) => l.message)
        : [`${p.policy.statements.length} statements, none written in a known-misleading way`],
      {
        details: notIam.map((l) => ({ code: l.code, statement: l.statement })),
        fix: {
          note: 'Rewrite the listed statements; s3enc policy writes the s3enc statements correctly',
        },
      },
    ),
  ];
}
