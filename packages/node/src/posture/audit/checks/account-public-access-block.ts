/** Practice 4: Block Public Access at the account level (S3 Control), all four settings. */
import type { Finding, FindingFix } from '../../report.js';
import { finding, unreadable } from '../finding.js';
import type { AuditInput } from '../input.js';
import { publicAccessBlockFinding } from './public-access-block.js';

const ID = 'public-access-block.account';
const FIX: FindingFix = {
  note: 'aws s3control put-public-access-block --account-id <id> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true',
};

export function accountPublicAccessBlockCheck(input: AuditInput): Finding[] {
  const r = input.accountPublicAccessBlock;
  switch (r.kind) {
    case 'skipped':
      return [finding(ID, 'warn', 'Account-level check skipped')];
    case 'no-control-api':
      return [
        finding(
          ID,
          'unsupported',
          'Account-level Block Public Access: not supported by this endpoint (a custom S3 endpoint has no S3 Control API; pass an S3 Control client to check)',
        ),
      ];
    case 'account-unknown':
      return [
        r.read.kind === 'not-configured'
          ? finding(ID, 'warn', 'Account id unknown')
          : unreadable(ID, 'Account id (STS GetCallerIdentity)', r.read),
      ];
    case 'read':
      return [
        publicAccessBlockFinding(ID, `Account ${r.accountId} Block Public Access`, r.read, FIX),
      ];
  }
}
