/**
 * What every audit check receives: the bucket, the expectations, the settings as read, and
 * the bucket policy parsed and analysed once. Checks are pure functions of this.
 */
import {
  analysePolicy,
  lintPolicy,
  type PolicyAnalysis,
  type PolicyLint,
} from '../policy/analyse.js';
import { parsePolicy } from '../policy/parse.js';
import type { ParsedPolicy } from '../policy/types.js';
import type { AuditCheckId, Finding } from '../report.js';
import type { ReadOutcome } from '../s3-read.js';
import { finding, policyFix, unreadable, type Unreadable } from './finding.js';
import type { AuditExpectations, AuditOptions } from './options.js';
import type { ReplicationSampleRead } from './replication-sample.js';
import type { AccountPublicAccessBlockRead, BucketSettings } from './settings.js';

/** The bucket policy as the policy checks see it. */
export type PolicyView =
  | { readonly kind: 'unreadable'; readonly read: Unreadable }
  | { readonly kind: 'unparseable'; readonly message: string }
  | {
      readonly kind: 'parsed';
      readonly policy: ParsedPolicy;
      /** No policy, or one without statements. */
      readonly none: boolean;
      /** Evidence prefix ("No bucket policy") for the questions a missing policy answers. */
      readonly prefix: readonly string[];
      readonly analysis: PolicyAnalysis;
      readonly lints: readonly PolicyLint[];
      /** The SSE uploads must carry, if expected. */
      readonly sse: 'aws:kms' | 'AES256' | undefined;
      /** `s3enc policy` flags that write the expected statements. */
      readonly flags: string;
    };

export interface AuditInput {
  readonly bucket: string;
  readonly exp: AuditExpectations;
  readonly settings: BucketSettings;
  readonly accountPublicAccessBlock: AccountPublicAccessBlockRead;
  readonly policy: PolicyView;
  /** Replication destinations and the objects sampled to check replicas' readability. */
  readonly replicationSample: ReplicationSampleRead;
}

/** One practice check: the settings read in, its findings out (no request, no side effect). */
export type AuditCheck = (input: AuditInput) => readonly Finding[];

/** Parses and analyses the policy read against the expectations. */
export function viewPolicy(
  read: ReadOutcome<string | undefined>,
  bucket: string,
  o: AuditOptions,
): PolicyView {
  if (read.kind !== 'ok' && read.kind !== 'not-configured') return { kind: 'unreadable', read };
  const text = read.kind === 'ok' ? read.value : undefined;
  let policy: ParsedPolicy;
  try {
    policy =
      text === undefined || text === ''
        ? { version: undefined, id: undefined, statements: [] }
        : parsePolicy(text);
  } catch (err) {
    return { kind: 'unparseable', message: err instanceof Error ? err.message : String(err) };
  }
  const sse = o.requireSse ?? (o.kmsKeyId !== undefined ? 'aws:kms' : undefined);
  const none = policy.statements.length === 0;
  const flags = [
    o.kmsKeyId !== undefined ? ` --kms-key ${o.kmsKeyId}` : '',
    ...(o.vpceIds ?? []).map((v) => ` --vpce ${v}`),
    ...(o.sourceIpRanges ?? []).map((r) => ` --source-ip ${r}`),
  ].join('');
  const analysis = analysePolicy(
    policy,
    {
      bucket,
      partition: o.partition,
      accountId: o.accountId,
      exemptPrincipalArns: o.exemptPrincipalArns,
    },
    {
      requireSse: true,
      algorithm: sse ?? 'AES256',
      kmsKeyIds: o.kmsKeyId !== undefined ? [o.kmsKeyId] : undefined,
      vpceIds: o.vpceIds,
      sourceIpRanges: o.sourceIpRanges,
      minimumTlsVersion: o.minimumTlsVersion,
      allowedPrincipalArns: o.allowedPrincipalArns,
    },
  );
  return {
    kind: 'parsed',
    policy,
    none,
    prefix: none ? ['No bucket policy'] : [],
    analysis,
    lints: lintPolicy(policy),
    sse,
    flags,
  };
}

/**
 * For the policy checks that report even without a policy to analyse: the finding when the
 * policy could not be read or parsed, else undefined.
 */
export function policyUnavailable(input: AuditInput, id: AuditCheckId): Finding | undefined {
  const p = input.policy;
  if (p.kind === 'unreadable') return unreadable(id, 'Bucket policy', p.read);
  if (p.kind === 'unparseable')
    return finding(id, 'fail', `The bucket policy cannot be parsed: ${p.message}`, {
      fix: policyFix(input.bucket),
    });
  return undefined;
}
