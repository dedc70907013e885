/** Practice 11: Macie and AWS Config are account services the S3 API does not expose. */
import type { Finding } from '../../report.js';
import { finding } from '../finding.js';

export function monitoringCheck(): Finding[] {
  return [
    finding(
      'monitoring',
      'unsupported',
      'Macie and AWS Config are account services the S3 API does not expose; run this audit on a schedule (s3enc audit --json, non-zero exit on failures)',
    ),
  ];
}
