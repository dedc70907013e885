/** Practice 9: a lifecycle rule expires or transitions noncurrent versions. */
import type { Finding, FindingFix } from '../../report.js';
import { finding, unreadable } from '../finding.js';
import type { AuditInput } from '../input.js';

const FIX: FindingFix = {
  note: 'Add a lifecycle rule with NoncurrentVersionExpiration (and AbortIncompleteMultipartUpload) so old versions do not pile up',
};

export function lifecycleCheck(input: AuditInput): Finding[] {
  const life = input.settings.lifecycle;
  if (life.kind === 'ok') {
    const rules = (life.value.Rules ?? []).filter(
      (r) =>
        r.Status === 'Enabled' &&
        (r.NoncurrentVersionExpiration !== undefined ||
          (r.NoncurrentVersionTransitions?.length ?? 0) > 0),
    );
    return [
      finding(
        'lifecycle.noncurrent-versions',
        rules.length > 0 ? 'pass' : 'warn',
        rules.length > 0
          ? `Rules for noncurrent versions: ${rules.map((r) => r.ID ?? '(no id)').join(', ')}`
          : 'No enabled rule expires or transitions noncurrent versions',
        { details: life.value.Rules, fix: FIX },
      ),
    ];
  }
  if (life.kind === 'not-configured')
    return [
      finding('lifecycle.noncurrent-versions', 'warn', 'No lifecycle configuration', { fix: FIX }),
    ];
  return [unreadable('lifecycle.noncurrent-versions', 'Lifecycle', life)];
}
