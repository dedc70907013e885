/** Practice 4: object ownership is BucketOwnerEnforced (ACLs disabled). */
import type { Finding } from '../../report.js';
import { finding, hardenFix, unreadable } from '../finding.js';
import type { AuditInput } from '../input.js';

export function ownershipControlsCheck(input: AuditInput): Finding[] {
  const own = input.settings.ownership;
  const fix = hardenFix(input.bucket);
  if (own.kind === 'ok') {
    const rule = own.value.OwnershipControls?.Rules?.[0]?.ObjectOwnership;
    return [
      finding(
        'ownership-controls',
        rule === 'BucketOwnerEnforced' ? 'pass' : 'fail',
        `ObjectOwnership=${rule ?? 'none'}`,
        { details: own.value.OwnershipControls, fix },
      ),
    ];
  }
  if (own.kind === 'not-configured')
    return [finding('ownership-controls', 'fail', 'No ownership controls (ACLs enabled)', { fix })];
  return [unreadable('ownership-controls', 'Ownership controls', own)];
}
