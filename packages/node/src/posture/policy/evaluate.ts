/**
 * Evaluates a parsed policy for one request with IAM's logic: a matching Deny wins over any
 * Allow; without a matching Allow the request is implicitly denied.
 *
 * This evaluates one policy in isolation (a bucket policy). `implicit-deny` from a bucket
 * policy does not stop a principal of the bucket's own account whose IAM policy allows the
 * request — which is why the practice questions ask for an explicit deny.
 */
import { evaluateCondition, normalizeContext, type NormalizedContext } from './conditions.js';
import { actionMatches, arnMatches, globMatch } from './glob.js';
import type {
  EvaluationResult,
  ParsedPolicy,
  PolicyPrincipal,
  PolicyStatement,
  RequestContext,
  RequestPrincipal,
} from './types.js';

/** The account id of an AWS principal (account id, IAM ARN or STS ARN), if it has one. */
export function accountOf(principal: string): string | undefined {
  if (/^\d{12}$/.test(principal)) return principal;
  const parts = principal.split(':');
  if (parts[0] === 'arn' && parts.length >= 6 && /^\d{12}$/.test(parts[4] ?? '')) return parts[4];
  return undefined;
}

function isAccountPrincipal(value: string): boolean {
  return /^\d{12}$/.test(value) || /^arn:[^:]+:iam::\d{12}:root$/.test(value);
}

function awsPrincipalMatches(policyValue: string, requester: string): boolean {
  if (policyValue === '*' || policyValue === requester) return true;
  if (isAccountPrincipal(policyValue)) {
    // An account principal stands for every principal of that account.
    return accountOf(policyValue) === accountOf(requester);
  }
  // A role session (arn:aws:sts::A:assumed-role/R/S) is the role arn:aws:iam::A:role[/path]/R.
  const session = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(requester);
  const role = /^arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(policyValue);
  if (session !== null && role !== null) {
    return session[1] === role[1] && session[2] === role[2] && session[3] === role[3];
  }
  return policyValue.includes('*') || policyValue.includes('?')
    ? globMatch(policyValue, requester)
    : false;
}

/** True when the requesting principal is one of those named by a Principal block. */
export function principalMatches(block: PolicyPrincipal, principal: RequestPrincipal): boolean {
  if (block.wildcard) return true;
  if (principal.type === 'anonymous') return false;
  const values = block[principal.type];
  switch (principal.type) {
    case 'AWS':
      return values.some((v) => awsPrincipalMatches(v, principal.id));
    case 'Service':
      return values.some((v) => v.toLowerCase() === principal.id.toLowerCase());
    default:
      return values.includes(principal.id);
  }
}

/** True when every element of the statement (principal, action, resource, conditions) matches. */
export function statementApplies(statement: PolicyStatement, request: RequestContext): boolean {
  return applies(statement, request, normalizeContext(request.context));
}

function applies(
  statement: PolicyStatement,
  request: RequestContext,
  context: NormalizedContext,
): boolean {
  if (
    statement.principal !== undefined &&
    !principalMatches(statement.principal, request.principal)
  ) {
    return false;
  }
  if (
    statement.notPrincipal !== undefined &&
    principalMatches(statement.notPrincipal, request.principal)
  ) {
    return false;
  }
  if (
    statement.action !== undefined &&
    !statement.action.some((a) => actionMatches(a, request.action))
  ) {
    return false;
  }
  if (statement.notAction?.some((a) => actionMatches(a, request.action)) === true) return false;
  if (
    statement.resource !== undefined &&
    !statement.resource.some((r) => arnMatches(r, request.resource))
  ) {
    return false;
  }
  if (statement.notResource?.some((r) => arnMatches(r, request.resource)) === true) return false;
  return statement.conditions.every((c) => evaluateCondition(c, context));
}

/** Evaluates the policy for one request. Explicit deny wins; no match is an implicit deny. */
export function evaluatePolicy(policy: ParsedPolicy, request: RequestContext): EvaluationResult {
  const matchedDeny: PolicyStatement[] = [];
  const matchedAllow: PolicyStatement[] = [];
  const context = normalizeContext(request.context);
  for (const s of policy.statements) {
    if (!applies(s, request, context)) continue;
    (s.effect === 'Deny' ? matchedDeny : matchedAllow).push(s);
  }
  const decision =
    matchedDeny.length > 0 ? 'explicit-deny' : matchedAllow.length > 0 ? 'allow' : 'implicit-deny';
  return { decision, matchedDeny, matchedAllow };
}
