/** Practice 3: TLS older than a minimum version is denied. One pure function: the parsed policy in, the answer out. */
import { type PolicyCheckResult, type PolicyTarget } from '../check-result.js';
import { actionProbes, requestsFor, resourcesOf } from '../probes.js';
import { describe, search } from '../search.js';
import type { ParsedPolicy } from '../types.js';

/** "Are requests over TLS older than `minimumVersion` explicitly denied?" */
export function checkMinimumTlsVersion(
  policy: ParsedPolicy,
  t: PolicyTarget,
  minimumVersion = 1.2,
): PolicyCheckResult {
  const deciding = new Set<string>();
  let count = 0;
  for (const v of [1.0, 1.1, 1.2, 1.3].filter((x) => x < minimumVersion)) {
    const r = search(
      policy,
      requestsFor(
        policy,
        t,
        { 'aws:SecureTransport': true, 's3:TlsVersion': v.toFixed(1) },
        actionProbes(resourcesOf(t)),
      ),
      (d) => d === 'explicit-deny',
    );
    r.deciding.forEach((s) => deciding.add(s));
    count += r.count;
    if (r.hole !== undefined) {
      return {
        ok: false,
        summary: `TLS below ${minimumVersion.toFixed(1)} is not always denied: ${describe(r.hole)}`,
        statements: [...deciding],
        counterexample: r.hole,
        warnings: [],
      };
    }
  }
  return {
    ok: true,
    summary: `TLS below ${minimumVersion.toFixed(1)} is explicitly denied (${count} probe requests; by ${[...deciding].join(', ')})`,
    statements: [...deciding],
    warnings: [],
  };
}
