/**
 * Practice 3: the policy denies uploads without the required server-side encryption (a
 * failure when an SSE is expected, a warning otherwise).
 */
import type { Finding } from '../../report.js';
import { checkResultFinding, policyFix, withPrefix } from '../finding.js';
import { policyUnavailable, type AuditInput } from '../input.js';

export function policyUnencryptedUploadsCheck(input: AuditInput): Finding[] {
  const unavailable = policyUnavailable(input, 'policy.unencrypted-uploads');
  if (unavailable !== undefined) return [unavailable];
  const p = input.policy;
  if (p.kind !== 'parsed' || p.analysis.unencryptedUploads === undefined) return [];
  return [
    checkResultFinding(
      'policy.unencrypted-uploads',
      withPrefix(p.prefix, p.analysis.unencryptedUploads),
      p.sse === undefined ? 'warn' : 'fail',
      policyFix(input.bucket, p.sse === undefined ? ' --require-sse AES256' : p.flags),
      true,
    ),
  ];
}
