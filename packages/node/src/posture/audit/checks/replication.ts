/**
 * Practice 10: replication rules, and whether SSE-KMS objects replicate with a replica key
 * (a failure when the bucket's objects use KMS and they would not).
 */
import type { Finding, FindingFix, FindingStatus } from '../../report.js';
import { finding, unreadable } from '../finding.js';
import type { AuditInput } from '../input.js';
import { defaultEncryptionUsesKms } from './default-encryption.js';

const FIX: FindingFix = {
  note: 'Replication rules need SourceSelectionCriteria.SseKmsEncryptedObjects=Enabled and Destination.EncryptionConfiguration.ReplicaKmsKeyID; s3enc wraps data keys under KMS keys of every Region (multi-Region keys) so replicas decrypt where they land',
};

export function replicationCheck(input: AuditInput): Finding[] {
  const read = input.settings.replication;
  const required = input.exp.requireReplication === true;
  const kms =
    defaultEncryptionUsesKms(input.settings.encryption) || input.exp.kmsKeyId !== undefined;
  if (read.kind === 'not-configured')
    return [
      finding('replication', required ? 'fail' : 'warn', 'No replication configured', {
        fix: FIX,
      }),
    ];
  if (read.kind !== 'ok') return [unreadable('replication', 'Replication', read)];
  const rules = read.value.ReplicationConfiguration?.Rules ?? [];
  const enabled = rules.filter((r) => r.Status === 'Enabled');
  const evidence: string[] = [];
  let status: FindingStatus = enabled.length > 0 ? 'pass' : required ? 'fail' : 'warn';
  if (enabled.length === 0) evidence.push(`${rules.length} rules, none enabled`);
  for (const r of enabled) {
    const sseKms = r.SourceSelectionCriteria?.SseKmsEncryptedObjects?.Status === 'Enabled';
    const replicaKey = r.Destination?.EncryptionConfiguration?.ReplicaKmsKeyID;
    evidence.push(
      `Rule ${r.ID ?? '(no id)'} → ${r.Destination?.Bucket ?? '?'}: SSE-KMS objects ${sseKms ? 'replicated' : 'NOT replicated'}${replicaKey !== undefined ? ` with ReplicaKmsKeyID ${replicaKey}` : ''}`,
    );
    if (kms && (!sseKms || replicaKey === undefined)) status = 'fail';
    else if (!sseKms && status === 'pass') status = 'warn';
  }
  return [
    finding('replication', status, evidence, {
      details: read.value.ReplicationConfiguration,
      fix: FIX,
    }),
  ];
}
