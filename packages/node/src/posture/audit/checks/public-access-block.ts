/** Practice 4: Block Public Access on the bucket, all four settings. */
import type { PublicAccessBlockConfiguration } from '@aws-sdk/client-s3';
import type { AuditCheckId, Finding, FindingFix } from '../../report.js';
import type { ReadOutcome } from '../../s3-read.js';
import { finding, hardenFix, unreadable } from '../finding.js';
import type { AuditInput } from '../input.js';

/** The finding for a Block Public Access configuration (bucket or account) as read. */
export function publicAccessBlockFinding(
  id: AuditCheckId,
  what: string,
  read: ReadOutcome<PublicAccessBlockConfiguration | undefined>,
  fix: FindingFix,
): Finding {
  if (read.kind === 'not-configured')
    return finding(id, 'fail', `${what}: not configured (nothing blocked)`, { fix });
  if (read.kind !== 'ok') return unreadable(id, what, read);
  const c = read.value ?? {};
  const flags = [
    'BlockPublicAcls',
    'IgnorePublicAcls',
    'BlockPublicPolicy',
    'RestrictPublicBuckets',
  ] as const;
  const off = flags.filter((f) => c[f] !== true);
  return finding(
    id,
    off.length === 0 ? 'pass' : 'fail',
    off.length === 0 ? `${what}: all four settings on` : `${what}: off: ${off.join(', ')}`,
    { details: c, fix },
  );
}

export function bucketPublicAccessBlockCheck(input: AuditInput): Finding[] {
  return [
    publicAccessBlockFinding(
      'public-access-block.bucket',
      'Bucket Block Public Access',
      input.settings.publicAccessBlock,
      hardenFix(input.bucket),
    ),
  ];
}
