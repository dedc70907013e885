/** Practices 1 and 4: no Allow grants to everyone without a limiting condition. One pure function: the parsed policy in, the answer out. */
import { evaluatePolicy, principalMatches } from '../evaluate.js';
import {
  statementLabel,
  type Counterexample,
  type PolicyCheckResult,
  type PolicyTarget,
} from '../check-result.js';
import {
  actionProbes,
  concretise,
  contextVariants,
  keyVariants,
  OUTSIDER_ACCOUNT,
  OUTSIDER_IPS,
  principalContext,
  resourcesOf,
} from '../probes.js';
import { describe, toCounterexample } from '../search.js';
import type { ParsedPolicy, RequestContext, RequestPrincipal } from '../types.js';

/**
 * "Does any Allow grant to everyone (`Principal: "*"`, `{"AWS": "*"}`, or a NotPrincipal)
 * without a limiting condition?" A condition limits only when it is on a key the caller
 * cannot choose (source IP, VPC endpoint, organisation, principal ARN…); conditions on
 * `aws:SecureTransport`, `aws:Referer`, request headers and the like do not. The whole
 * policy is evaluated, so a Deny that blocks outsiders (e.g. on the source IP) counts.
 * `ok` is true when no public grant exists.
 */
export function checkPublicAccess(policy: ParsedPolicy, t: PolicyTarget): PolicyCheckResult {
  const res = resourcesOf(t);
  const outsiders: RequestPrincipal[] = [
    { type: 'anonymous' },
    { type: 'AWS', id: `arn:aws:iam::${OUTSIDER_ACCOUNT}:role/s3enc-probe-outsider` },
  ];
  const variants = keyVariants(policy, new Set(['aws:securetransport', 'aws:sourceip']), true);
  const granted = new Set<string>();
  let first: Counterexample | undefined;
  for (const s of policy.statements) {
    if (s.effect !== 'Allow') continue;
    const actions: { action: string; resource: string }[] = [];
    const resources = s.resource?.map(concretise) ?? [res.bucket, res.object];
    for (const a of s.action ?? [])
      for (const r of resources) actions.push({ action: concretise(a), resource: r });
    if (s.notAction !== undefined)
      for (const r of resources)
        actions.push(...actionProbes(res).map((p) => ({ action: p.action, resource: r })));
    for (const p of outsiders) {
      if (s.principal !== undefined && !principalMatches(s.principal, p)) continue;
      if (s.notPrincipal !== undefined && principalMatches(s.notPrincipal, p)) continue;
      for (const { action, resource } of actions) {
        for (const ctx of contextVariants(
          { ...principalContext(p), 'aws:SecureTransport': true, 'aws:SourceIp': OUTSIDER_IPS[0]! },
          variants,
        )) {
          const r: RequestContext = { principal: p, action, resource, context: ctx };
          const e = evaluatePolicy(policy, r);
          if (e.decision === 'allow' && e.matchedAllow.includes(s)) {
            granted.add(statementLabel(s));
            first ??= toCounterexample(r, e.decision);
            break;
          }
        }
        if (granted.has(statementLabel(s))) break;
      }
      if (granted.has(statementLabel(s))) break;
    }
  }
  if (first !== undefined) {
    return {
      ok: false,
      summary: `${[...granted].join(', ')} grant${granted.size === 1 ? 's' : ''} access to everyone without a limiting condition: ${describe(first)}`,
      statements: [...granted],
      counterexample: first,
      warnings: [],
    };
  }
  return {
    ok: true,
    summary: 'No Allow statement grants access to everyone without a limiting condition',
    statements: [],
    warnings: [],
  };
}
