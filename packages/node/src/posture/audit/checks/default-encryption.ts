/** Practice 3: default encryption is on, with SSE-KMS (the expected key, a Bucket Key) if expected. */
import type { GetBucketEncryptionCommandOutput } from '@aws-sdk/client-s3';
import type { Finding, FindingFix, FindingStatus } from '../../report.js';
import type { ReadOutcome } from '../../s3-read.js';
import { finding, hardenFix, keyMatches, unreadable } from '../finding.js';
import type { AuditInput } from '../input.js';

/** Whether the read says default encryption uses SSE-KMS (or DSSE-KMS). */
export function defaultEncryptionUsesKms(
  read: ReadOutcome<GetBucketEncryptionCommandOutput>,
): boolean {
  if (read.kind !== 'ok') return false;
  const algo =
    read.value.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault
      ?.SSEAlgorithm;
  return algo === 'aws:kms' || algo === 'aws:kms:dsse';
}

export function defaultEncryptionCheck(input: AuditInput): Finding[] {
  const b = input.bucket;
  const exp = input.exp;
  const read = input.settings.encryption;
  const fix: FindingFix =
    exp.kmsKeyId !== undefined
      ? {
          library: `hardenBucket(s3, '${b}', { kmsKeyId: '${exp.kmsKeyId}', apply: true })`,
          cli: `s3enc harden s3://${b} --kms-key ${exp.kmsKeyId} --apply`,
        }
      : hardenFix(b);
  if (read.kind === 'not-configured')
    return [finding('encryption.default', 'fail', 'No default encryption configured', { fix })];
  if (read.kind !== 'ok') return [unreadable('encryption.default', 'Default encryption', read)];
  const rule = read.value.ServerSideEncryptionConfiguration?.Rules?.[0];
  const algo = rule?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm;
  const key = rule?.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID;
  const bucketKey = rule?.BucketKeyEnabled === true;
  const details = read.value.ServerSideEncryptionConfiguration;
  const kms = defaultEncryptionUsesKms(read);
  const evidence = [
    `SSEAlgorithm=${algo ?? 'none'}${key !== undefined ? `, KMSMasterKeyID=${key}` : ''}${kms ? `, BucketKeyEnabled=${bucketKey}` : ''}`,
  ];
  let status: FindingStatus = 'pass';
  if (algo === undefined) status = 'fail';
  else if (exp.kmsKeyId !== undefined || exp.requireSse === 'aws:kms') {
    if (!kms) {
      status = 'fail';
      evidence.push('SSE-KMS expected');
    } else if (exp.kmsKeyId !== undefined && !keyMatches(key, exp.kmsKeyId)) {
      status = 'fail';
      evidence.push(`Expected KMS key ${exp.kmsKeyId}`);
    }
  }
  if (status === 'pass' && kms && !bucketKey && (exp.bucketKey ?? true)) {
    status = 'warn';
    evidence.push('S3 Bucket Key is off (every object costs a KMS call)');
  }
  return [finding('encryption.default', status, evidence, { details, fix })];
}
