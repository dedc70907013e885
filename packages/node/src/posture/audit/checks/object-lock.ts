/** Practice 6: Object Lock with a default retention (a failure only when required). */
import type { Finding, FindingFix, FindingStatus } from '../../report.js';
import { finding, unreadable } from '../finding.js';
import type { AuditInput } from '../input.js';

export function objectLockCheck(input: AuditInput): Finding[] {
  const lock = input.settings.objectLock;
  const required = input.exp.requireObjectLock === true;
  const fix: FindingFix = {
    library: `putBucketDefaultRetention(s3, { bucket: '${input.bucket}', … })`,
    note: 'Object Lock is enabled when the bucket is created (with Object Lock on) or later with PutObjectLockConfiguration on a versioned bucket',
  };
  if (lock.kind === 'ok') {
    const cfg = lock.value.ObjectLockConfiguration;
    const enabled = cfg?.ObjectLockEnabled === 'Enabled';
    const dr = cfg?.Rule?.DefaultRetention;
    const retention =
      dr === undefined
        ? undefined
        : `${dr.Mode ?? '?'} ${dr.Days !== undefined ? `${dr.Days} days` : `${dr.Years ?? '?'} years`}`;
    const status: FindingStatus =
      enabled && retention !== undefined ? 'pass' : enabled ? 'warn' : required ? 'fail' : 'warn';
    return [
      finding(
        'object-lock',
        status,
        enabled
          ? `Object Lock enabled; default retention ${retention ?? 'none'}`
          : 'Object Lock not enabled',
        { details: cfg, fix },
      ),
    ];
  }
  if (lock.kind === 'not-configured')
    return [finding('object-lock', required ? 'fail' : 'warn', 'Object Lock not enabled', { fix })];
  return [unreadable('object-lock', 'Object Lock', lock)];
}
