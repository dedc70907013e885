/** Practice 3: uploads without the required server-side encryption are denied. One pure function: the parsed policy in, the answer out. */
import { evaluatePolicy } from '../evaluate.js';
import { type PolicyCheckResult, type PolicyTarget } from '../check-result.js';
import { OUTSIDER_ACCOUNT, principalContext, requestsFor, resourcesOf } from '../probes.js';
import { denyingOn, describe, search } from '../search.js';
import type { ContextValue, ParsedPolicy, RequestPrincipal } from '../types.js';

/** What uploads must carry, for {@link checkDeniesUnencryptedUploads}. */
export interface SseRequirement {
  /** The algorithm every PutObject must request. Default `aws:kms`. */
  readonly algorithm?: 'aws:kms' | 'AES256';
  /** With `aws:kms`: the KMS key ARNs an upload may name; another key must be denied. */
  readonly kmsKeyIds?: readonly string[];
}

/**
 * "Is a PutObject without the required server-side encryption (or naming another KMS key)
 * explicitly denied?" Also warns when a correctly encrypted upload is denied too.
 */
export function checkDeniesUnencryptedUploads(
  policy: ParsedPolicy,
  t: PolicyTarget,
  req: SseRequirement = {},
): PolicyCheckResult {
  const algorithm = req.algorithm ?? 'aws:kms';
  const sse = 's3:x-amz-server-side-encryption';
  const keyId = 's3:x-amz-server-side-encryption-aws-kms-key-id';
  // The SSE keys are what the question is about: each bad upload fixes both (undefined =
  // the header is absent), and only the other keys vary.
  const bad: Record<string, ContextValue | undefined>[] = [
    { 'aws:SecureTransport': true, [sse]: undefined, [keyId]: undefined },
  ];
  if (algorithm === 'aws:kms') {
    bad.push({ 'aws:SecureTransport': true, [sse]: 'AES256', [keyId]: undefined });
    if (req.kmsKeyIds !== undefined && req.kmsKeyIds.length > 0) {
      bad.push({
        'aws:SecureTransport': true,
        [sse]: 'aws:kms',
        [keyId]: 'arn:aws:kms:us-east-1:999999999999:key/s3enc-probe-other',
      });
    }
  }
  const put = [{ action: 's3:PutObject', resource: resourcesOf(t).object }];
  const deciding = new Set<string>();
  let count = 0;
  for (const fixed of bad) {
    const r = search(policy, requestsFor(policy, t, fixed, put), (d) => d === 'explicit-deny');
    r.deciding.forEach((s) => deciding.add(s));
    count += r.count;
    if (r.hole !== undefined) {
      return {
        ok: false,
        summary: `Uploads without the required encryption are not always denied: ${describe(r.hole)}`,
        statements: [...deciding],
        counterexample: r.hole,
        warnings: [],
      };
    }
  }
  const warnings: string[] = [];
  const good: Record<string, ContextValue> = { 'aws:SecureTransport': true, [sse]: algorithm };
  if (algorithm === 'aws:kms' && req.kmsKeyIds?.[0] !== undefined) good[keyId] = req.kmsKeyIds[0];
  const caller: RequestPrincipal = {
    type: 'AWS',
    id: `arn:aws:iam::${t.accountId ?? OUTSIDER_ACCOUNT}:role/s3enc-probe`,
  };
  const res = evaluatePolicy(policy, {
    principal: caller,
    action: 's3:PutObject',
    resource: resourcesOf(t).object,
    context: { ...principalContext(caller), ...good },
  });
  const blocking = denyingOn(res, ['s3:x-amz-server-side-encryption']);
  if (blocking.length > 0)
    warnings.push(`A correctly encrypted upload is denied as well (by ${blocking.join(', ')})`);
  return {
    ok: true,
    summary: `Uploads without ${algorithm === 'aws:kms' ? `SSE-KMS${req.kmsKeyIds?.length ? ' with the required key' : ''}` : 'SSE'} are explicitly denied (${count} probe requests; by ${[...deciding].join(', ')})`,
    statements: [...deciding],
    warnings,
  };
}
