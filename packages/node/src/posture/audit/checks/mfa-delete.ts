/** Practice 5: MFA Delete on the versioned bucket (a failure only when required). */
import type { Finding, FindingFix } from '../../report.js';
import { finding, unreadable } from '../finding.js';
import type { AuditInput } from '../input.js';

export function mfaDeleteCheck(input: AuditInput): Finding[] {
  const ver = input.settings.versioning;
  const required = input.exp.requireMfaDelete === true;
  if (ver.kind === 'ok') {
    const versioned = ver.value.Status === 'Enabled';
    const mfa = ver.value.MFADelete === 'Enabled';
    const fix: FindingFix = {
      library: `enableVersioning(s3, { bucket: '${input.bucket}', mfaDelete: true, mfa })`,
      note: 'MFA Delete can only be turned on by the root user with an MFA device',
    };
    return [
      finding(
        'versioning.mfa-delete',
        mfa ? 'pass' : required ? 'fail' : 'warn',
        mfa
          ? 'MFA Delete enabled'
          : `MFA Delete ${ver.value.MFADelete ?? 'not enabled'}${versioned ? '' : ' (it needs versioning)'}`,
        { fix },
      ),
    ];
  }
  if (ver.kind === 'not-configured')
    return [
      finding(
        'versioning.mfa-delete',
        required ? 'fail' : 'warn',
        'MFA Delete not enabled (it needs versioning)',
      ),
    ];
  return [unreadable('versioning.mfa-delete', 'MFA Delete', ver)];
}
