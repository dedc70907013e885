/**
 * Answers the practice questions about a bucket policy by evaluating it, never by reading its
 * text: each question is turned into a set of probe requests (every principal the policy
 * names plus an anonymous caller and an outsider, every kind of S3 action on the bucket and
 * on its objects, and the context-key values the policy itself mentions), and the answer is
 * what {@link evaluatePolicy} decides for them. A "no" comes with the first request that
 * shows it (a counterexample).
 */
import type { ParsedPolicy } from './types.js';
import type { PolicyCheckResult, PolicyLint, PolicyTarget } from './check-result.js';
import { checkDeniesInsecureTransport } from './checks/insecure-transport.js';
import { lintPolicy } from './checks/lint.js';
import { checkMinimumTlsVersion } from './checks/minimum-tls.js';
import { checkNetworkRestriction, type NetworkRequirement } from './checks/network.js';
import { checkPrincipalRestriction } from './checks/principals.js';
import { checkPublicAccess } from './checks/public-access.js';
import {
  checkDeniesUnencryptedUploads,
  type SseRequirement,
} from './checks/unencrypted-uploads.js';

export {
  statementLabel,
  type Counterexample,
  type PolicyCheckResult,
  type PolicyLint,
  type PolicyTarget,
} from './check-result.js';
export { checkDeniesInsecureTransport } from './checks/insecure-transport.js';
export {
  checkDeniesUnencryptedUploads,
  type SseRequirement,
} from './checks/unencrypted-uploads.js';
export { checkNetworkRestriction, type NetworkRequirement } from './checks/network.js';
export { checkPrincipalRestriction } from './checks/principals.js';
export { checkMinimumTlsVersion } from './checks/minimum-tls.js';
export { checkPublicAccess } from './checks/public-access.js';
export { lintPolicy } from './checks/lint.js';

/** Expectations for {@link analysePolicy}; each given one adds a question. */
export interface PolicyExpectations extends SseRequirement, NetworkRequirement {
  /** Ask whether uploads without SSE are denied. Default true. */
  readonly requireSse?: boolean;
  /** Ask whether TLS below this version is denied (e.g. 1.2). */
  readonly minimumTlsVersion?: number;
  /** Ask whether every principal but these is denied. */
  readonly allowedPrincipalArns?: readonly string[];
}

/** All answers for one policy. */
export interface PolicyAnalysis {
  readonly insecureTransport: PolicyCheckResult;
  readonly unencryptedUploads: PolicyCheckResult | undefined;
  readonly network: PolicyCheckResult | undefined;
  readonly minimumTls: PolicyCheckResult | undefined;
  readonly principals: PolicyCheckResult | undefined;
  readonly publicAccess: PolicyCheckResult;
  readonly lints: readonly PolicyLint[];
}

type Question<K extends keyof PolicyAnalysis> = (
  policy: ParsedPolicy,
  target: PolicyTarget,
  expectations: PolicyExpectations,
) => PolicyAnalysis[K];

/**
 * One row per practice question: the check that answers it (a pure function in `checks/`), or
 * undefined when the expectations do not ask it. Adding a question is a file in `checks/`, a
 * row here and its field in {@link PolicyAnalysis}.
 */
const QUESTIONS: { readonly [K in keyof PolicyAnalysis]: Question<K> } = {
  insecureTransport: (p, t) => checkDeniesInsecureTransport(p, t),
  unencryptedUploads: (p, t, e) =>
    e.requireSse === false ? undefined : checkDeniesUnencryptedUploads(p, t, e),
  network: (p, t, e) =>
    (e.vpceIds?.length ?? 0) + (e.sourceIpRanges?.length ?? 0) > 0
      ? checkNetworkRestriction(p, t, e)
      : undefined,
  minimumTls: (p, t, e) =>
    e.minimumTlsVersion === undefined
      ? undefined
      : checkMinimumTlsVersion(p, t, e.minimumTlsVersion),
  principals: (p, t, e) =>
    e.allowedPrincipalArns?.length
      ? checkPrincipalRestriction(p, t, e.allowedPrincipalArns)
      : undefined,
  publicAccess: (p, t) => checkPublicAccess(p, t),
  lints: (p) => lintPolicy(p),
};

/** Answers every practice question that applies to `expectations`. */
export function analysePolicy(
  policy: ParsedPolicy,
  target: PolicyTarget,
  expectations: PolicyExpectations = {},
): PolicyAnalysis {
  const answers: Record<string, unknown> = {};
  for (const [name, question] of Object.entries(QUESTIONS) as [
    keyof PolicyAnalysis,
    Question<keyof PolicyAnalysis>,
  ][])
    answers[name] = question(policy, target, expectations);
  return answers as unknown as PolicyAnalysis;
}
