/** Practice 1: access only for the given principals. One pure function: the parsed policy in, the answer out. */
import { evaluatePolicy, principalMatches } from '../evaluate.js';
import { globMatch } from '../glob.js';
import { statementLabel, type PolicyCheckResult, type PolicyTarget } from '../check-result.js';
import {
  actionProbes,
  concretise,
  contextVariants,
  IDENTITY_KEYS,
  keyVariants,
  principalContext,
  requestsFor,
  resourcesOf,
} from '../probes.js';
import { describe, search } from '../search.js';
import type { ParsedPolicy, RequestPrincipal } from '../types.js';

/**
 * "Is access limited to the given principals?": every other principal (anonymous, an outsider,
 * a same-account role) must be explicitly denied every action; the allowed ones must not be
 * (else a warning). Requests by AWS service principals are not probed.
 */
export function checkPrincipalRestriction(
  policy: ParsedPolicy,
  t: PolicyTarget,
  allowedPrincipalArns: readonly string[],
): PolicyCheckResult {
  const exempt = [...allowedPrincipalArns, ...(t.exemptPrincipalArns ?? [])];
  const allowed = { wildcard: false, AWS: exempt, Service: [], Federated: [], CanonicalUser: [] };
  const skip = (p: RequestPrincipal): boolean =>
    p.type === 'Service' ||
    principalMatches(allowed, p) ||
    (p.type === 'AWS' && exempt.some((a) => globMatch(a, p.id)));
  const r = search(
    policy,
    requestsFor(
      policy,
      t,
      {
        'aws:SecureTransport': true,
        'aws:PrincipalIsAWSService': undefined,
        'aws:ViaAWSService': undefined,
      },
      actionProbes(resourcesOf(t)),
      { skipPrincipal: skip },
    ),
    (d) => d === 'explicit-deny',
  );
  if (r.hole !== undefined) {
    return {
      ok: false,
      summary: `Principals other than the allowed ones are not denied: ${describe(r.hole)}`,
      statements: [...r.deciding],
      counterexample: r.hole,
      warnings: [],
    };
  }
  const warnings: string[] = [];
  for (const arn of allowedPrincipalArns) {
    // Locked out: no request of this principal, whatever its other keys, escapes a Deny.
    const p: RequestPrincipal = { type: 'AWS', id: concretise(arn) };
    const variants = keyVariants(
      policy,
      new Set(['aws:securetransport', ...IDENTITY_KEYS.map((k) => k.toLowerCase())]),
      false,
    );
    let lockedOut = true;
    const by = new Set<string>();
    for (const context of contextVariants(
      { ...principalContext(p), 'aws:SecureTransport': true },
      variants,
    )) {
      const e = evaluatePolicy(policy, {
        principal: p,
        action: 's3:GetObject',
        resource: resourcesOf(t).object,
        context,
      });
      if (e.decision !== 'explicit-deny') {
        lockedOut = false;
        break;
      }
      e.matchedDeny.forEach((s) => by.add(statementLabel(s)));
    }
    if (lockedOut)
      warnings.push(
        `The allowed principal ${arn} is denied every request (by ${[...by].join(', ')})`,
      );
  }
  return {
    ok: true,
    summary: `Principals other than ${allowedPrincipalArns.join(', ')} are explicitly denied (${r.count} probe requests; by ${[...r.deciding].join(', ')})`,
    statements: [...r.deciding],
    warnings,
  };
}
