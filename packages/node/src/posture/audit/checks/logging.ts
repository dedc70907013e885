/** Practice 8: server access logging (a failure only when required). */
import type { Finding, FindingFix } from '../../report.js';
import { finding, unreadable } from '../finding.js';
import type { AuditInput } from '../input.js';

export function loggingCheck(input: AuditInput): Finding[] {
  const log = input.settings.logging;
  const b = input.bucket;
  const required = input.exp.requireAccessLogging === true;
  const fix: FindingFix = {
    note: `aws s3api put-bucket-logging --bucket ${b} --bucket-logging-status '{"LoggingEnabled":{"TargetBucket":"<log-bucket>","TargetPrefix":"${b}/"}}' (or CloudTrail data events)`,
  };
  if (log.kind === 'ok') {
    const le = log.value.LoggingEnabled;
    return [
      finding(
        'logging',
        le !== undefined ? 'pass' : required ? 'fail' : 'warn',
        le !== undefined
          ? `Access logs to s3://${le.TargetBucket ?? '?'}/${le.TargetPrefix ?? ''}`
          : 'Server access logging not enabled',
        { details: log.value, fix },
      ),
    ];
  }
  if (log.kind === 'not-configured')
    return [
      finding('logging', required ? 'fail' : 'warn', 'Server access logging not enabled', { fix }),
    ];
  return [unreadable('logging', 'Server access logging', log)];
}
