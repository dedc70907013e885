/**
 * Runs probe requests through {@link evaluatePolicy} and keeps the first whose decision is not
 * the one the question wants (a counterexample), with the statements that decided.
 */
import { evaluatePolicy } from './evaluate.js';
import { statementLabel, type Counterexample } from './check-result.js';
import { principalKey } from './probes.js';
import type { Decision, EvaluationResult, ParsedPolicy, RequestContext } from './types.js';

/** The deciding Deny statements that test one of `keys` (so a warning names the right cause). */
export function denyingOn(e: EvaluationResult, keys: readonly string[]): string[] {
  const lower = keys.map((k) => k.toLowerCase());
  return e.matchedDeny
    .filter(
      (s) =>
        s.notPrincipal !== undefined ||
        s.conditions.some((c) => lower.some((k) => c.key.toLowerCase().startsWith(k))),
    )
    .map(statementLabel);
}

export function toCounterexample(r: RequestContext, decision: Decision): Counterexample {
  const context: Record<string, string | readonly string[]> = {};
  for (const [k, v] of Object.entries(r.context ?? {})) {
    context[k] = Array.isArray(v) ? v.map(String) : String(v);
  }
  return {
    principal: principalKey(r.principal),
    action: r.action,
    resource: r.resource,
    context,
    decision,
  };
}

export function describe(c: Counterexample): string {
  const ctx = Object.entries(c.context)
    .filter(([k]) => !/^aws:Principal(Arn|Account|IsAWSService|ServiceName)$/.test(k))
    .map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(',')}]` : String(v)}`)
    .join(', ');
  return `${c.action} on ${c.resource} by ${c.principal}${ctx === '' ? '' : ` with ${ctx}`} is ${c.decision === 'allow' ? 'allowed' : c.decision === 'implicit-deny' ? 'only implicitly denied (an IAM policy of the bucket account can still allow it)' : 'explicitly denied'}`;
}

/** Runs probes; returns the first whose decision is not wanted, and the statements that decided. */
export function search(
  policy: ParsedPolicy,
  probes: Iterable<RequestContext>,
  wanted: (d: Decision) => boolean,
): { hole?: Counterexample; deciding: Set<string>; count: number } {
  // The statements that decided every probe; if none did alone, all that took part.
  const union = new Set<string>();
  let every: Set<string> | undefined;
  let count = 0;
  for (const r of probes) {
    count++;
    const res = evaluatePolicy(policy, r);
    const labels = (res.decision === 'explicit-deny' ? res.matchedDeny : res.matchedAllow).map(
      statementLabel,
    );
    if (!wanted(res.decision))
      return { hole: toCounterexample(r, res.decision), deciding: new Set(labels), count };
    labels.forEach((l) => union.add(l));
    every = every === undefined ? new Set(labels) : new Set(labels.filter((l) => every!.has(l)));
  }
  return { deciding: every !== undefined && every.size > 0 ? every : union, count };
}
