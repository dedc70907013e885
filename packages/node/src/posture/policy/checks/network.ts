/** Practices 1 and 7: access only from the given VPC endpoints or source IP ranges. One pure function: the parsed policy in, the answer out. */
import { isIP } from 'node:net';
import { evaluateCondition } from '../conditions.js';
import { evaluatePolicy, principalMatches } from '../evaluate.js';
import { type PolicyCheckResult, type PolicyTarget } from '../check-result.js';
import {
  actionProbes,
  firstAddress,
  OUTSIDER_ACCOUNT,
  OUTSIDER_IPS,
  principalContext,
  requestsFor,
  resourcesOf,
} from '../probes.js';
import { denyingOn, describe, search } from '../search.js';
import type { ContextValue, ParsedPolicy, RequestPrincipal } from '../types.js';

/** The network origins that should be the only ones allowed. */
export interface NetworkRequirement {
  readonly vpceIds?: readonly string[];
  readonly sourceIpRanges?: readonly string[];
}

function inRanges(ip: string, ranges: readonly string[]): boolean {
  return ranges.some((r) =>
    evaluateCondition(
      {
        operator: 'IpAddress',
        baseOperator: 'IpAddress',
        ifExists: false,
        setOperator: undefined,
        key: 'k',
        values: [r],
      },
      { k: ip },
    ),
  );
}

/**
 * "Is access restricted to the given VPC endpoints / source IP ranges?": requests from
 * elsewhere (an outside address, another endpoint) must be explicitly denied for every
 * principal (except AWS service principals and `exemptPrincipalArns`) and action; requests through an allowed endpoint or from an allowed range must
 * not be (else a warning: the policy locks everyone out).
 */
export function checkNetworkRestriction(
  policy: ParsedPolicy,
  t: PolicyTarget,
  req: NetworkRequirement,
): PolicyCheckResult {
  const vpces = req.vpceIds ?? [];
  const ranges = req.sourceIpRanges ?? [];
  const outsideIps = OUTSIDER_IPS.filter((ip) => !inRanges(ip, ranges));
  const v4 = outsideIps.find((ip) => isIP(ip) === 4);
  const v6 = outsideIps.find((ip) => isIP(ip) === 6);
  // Calls made by or through AWS services are the usual deliberate carve-out of a network
  // restriction, so the probes are plain callers: those keys are held absent.
  const plain = {
    'aws:SecureTransport': true,
    'aws:ViaAWSService': undefined,
    'aws:PrincipalIsAWSService': undefined,
    'aws:CalledVia': undefined,
  };
  const outside: Record<string, ContextValue | undefined>[] = [];
  if (v4 !== undefined) outside.push({ ...plain, 'aws:SourceIp': v4, 'aws:SourceVpce': undefined });
  if (v6 !== undefined) outside.push({ ...plain, 'aws:SourceIp': v6, 'aws:SourceVpce': undefined });
  if (vpces.length > 0)
    outside.push({
      ...plain,
      'aws:SourceVpce': 'vpce-0s3encprobeother',
      'aws:VpcSourceIp': '10.255.255.7',
      'aws:SourceIp': undefined,
    });
  const exempt = (t.exemptPrincipalArns ?? []).map((a) => ({ type: 'AWS' as const, id: a }));
  // AWS service principals (CloudFront, log delivery…) have no network origin of their own;
  // exempting them is the usual carve-out, so they are not probed.
  const skip = (p: RequestPrincipal): boolean =>
    p.type === 'Service' ||
    exempt.some(
      (e) =>
        p.type === 'AWS' &&
        principalMatches(
          { wildcard: false, AWS: [e.id], Service: [], Federated: [], CanonicalUser: [] },
          p,
        ),
    );
  const deciding = new Set<string>();
  let count = 0;
  for (const fixed of outside) {
    const r = search(
      policy,
      requestsFor(policy, t, fixed, actionProbes(resourcesOf(t)), { skipPrincipal: skip }),
      (d) => d === 'explicit-deny',
    );
    r.deciding.forEach((s) => deciding.add(s));
    count += r.count;
    if (r.hole !== undefined) {
      return {
        ok: false,
        summary: `Access is not restricted to the allowed networks: ${describe(r.hole)}`,
        statements: [...deciding],
        counterexample: r.hole,
        warnings: [],
      };
    }
  }
  if (v4 === undefined && ranges.length > 0) {
    return {
      ok: false,
      summary: 'The allowed IP ranges cover every IPv4 address',
      statements: [],
      warnings: [],
    };
  }
  const warnings: string[] = [];
  const caller: RequestPrincipal = {
    type: 'AWS',
    id: `arn:aws:iam::${t.accountId ?? OUTSIDER_ACCOUNT}:role/s3enc-probe`,
  };
  const inside: [string, Record<string, ContextValue>][] = [
    ...vpces.map((v): [string, Record<string, ContextValue>] => [
      `through ${v}`,
      { 'aws:SourceVpce': v, 'aws:VpcSourceIp': '10.0.0.7' },
    ]),
    ...ranges.map((r): [string, Record<string, ContextValue>] => [
      `from ${r}`,
      { 'aws:SourceIp': firstAddress(r) },
    ]),
  ];
  for (const [label, ctx] of inside) {
    const res = evaluatePolicy(policy, {
      principal: caller,
      action: 's3:GetObject',
      resource: resourcesOf(t).object,
      context: { ...principalContext(caller), 'aws:SecureTransport': true, ...ctx },
    });
    const blocking = denyingOn(res, [
      'aws:SourceVpce',
      'aws:SourceIp',
      'aws:SourceVpc',
      'aws:VpcSourceIp',
    ]);
    if (blocking.length > 0)
      warnings.push(`Requests ${label} are denied too (by ${blocking.join(', ')})`);
  }
  return {
    ok: true,
    summary: `Requests from outside ${[...vpces, ...ranges].join(', ')} are explicitly denied (${count} probe requests; by ${[...deciding].join(', ')})`,
    statements: [...deciding],
    warnings,
  };
}
