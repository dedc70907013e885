/** Practice 3: non-TLS requests are denied. One pure function: the parsed policy in, the answer out. */
import { type PolicyCheckResult, type PolicyTarget } from '../check-result.js';
import { actionProbes, requestsFor, resourcesOf } from '../probes.js';
import { describe, search } from '../search.js';
import type { ParsedPolicy } from '../types.js';

/**
 * "Is every request with `aws:SecureTransport=false` explicitly denied, for every principal and
 * every S3 action on this bucket and on its objects?"
 */
export function checkDeniesInsecureTransport(
  policy: ParsedPolicy,
  t: PolicyTarget,
): PolicyCheckResult {
  const r = search(
    policy,
    requestsFor(policy, t, { 'aws:SecureTransport': false }, actionProbes(resourcesOf(t))),
    (d) => d === 'explicit-deny',
  );
  if (r.hole !== undefined) {
    return {
      ok: false,
      summary: `Insecure (non-TLS) requests are not always denied: ${describe(r.hole)}`,
      statements: [...r.deciding],
      counterexample: r.hole,
      warnings: [],
    };
  }
  return {
    ok: true,
    summary: `Every non-TLS request is explicitly denied (${r.count} probe requests; by ${[...r.deciding].join(', ')})`,
    statements: [...r.deciding],
    warnings: [],
  };
}
