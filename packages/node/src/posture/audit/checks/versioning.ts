/** Practice 9: versioning is enabled. */
import type { Finding } from '../../report.js';
import { finding, hardenFix, unreadable } from '../finding.js';
import type { AuditInput } from '../input.js';

export function versioningCheck(input: AuditInput): Finding[] {
  const ver = input.settings.versioning;
  const fix = hardenFix(input.bucket);
  if (ver.kind === 'ok') {
    const status = ver.value.Status;
    return [
      finding(
        'versioning',
        status === 'Enabled' ? 'pass' : 'fail',
        `Versioning ${status ?? 'never enabled'}`,
        { details: { Status: status ?? null, MFADelete: ver.value.MFADelete ?? null }, fix },
      ),
    ];
  }
  if (ver.kind === 'not-configured')
    return [finding('versioning', 'fail', 'Versioning never enabled', { fix })];
  return [unreadable('versioning', 'Versioning', ver)];
}
