/**
 * What the policy checks answer: the target they ask about, a counterexample, the result of one
 * practice question, and a lint about how a statement is written.
 */
import type { Decision, PolicyStatement } from './types.js';

/** Which bucket the policy is for, and who owns it. */
export interface PolicyTarget {
  /** The bucket name; resources are `arn:<partition>:s3:::<bucket>` and `…/<bucket>/*`. */
  readonly bucket: string;
  /** `aws` unless the bucket lives in another partition (`aws-cn`, `aws-us-gov`). */
  readonly partition?: string;
  /** The bucket owner's account id; adds a same-account principal to the probes. */
  readonly accountId?: string;
  /**
   * Principal ARNs deliberately exempted from network restrictions (break-glass roles): the
   * network question does not count them as holes.
   */
  readonly exemptPrincipalArns?: readonly string[];
}

/** A request the policy does not treat as the question requires, in JSON-friendly form. */
export interface Counterexample {
  /** `anonymous` or `<type>:<id>`, e.g. `AWS:arn:aws:iam::111122223333:role/app`. */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, string | readonly string[]>>;
  readonly decision: Decision;
}

/** The answer to one practice question. */
export interface PolicyCheckResult {
  /** True when the policy does what the practice asks. */
  readonly ok: boolean;
  /** One sentence, suitable as report evidence. */
  readonly summary: string;
  /** Labels (`"Sid"` or `Statement[i]`) of the statements that decided the answer. */
  readonly statements: readonly string[];
  /** When `ok` is false: a request that shows it. */
  readonly counterexample?: Counterexample;
  /** Things that are not wrong for the question but worth a look (e.g. a lock-out). */
  readonly warnings: readonly string[];
}

/** A finding about how a statement is written, independent of any expectation. */
export interface PolicyLint {
  readonly code:
    | 'not-principal-deny'
    | 'not-principal-allow'
    | 'multivalued-key-single-operator'
    | 'for-all-values-allow'
    | 'if-exists-allow-limiting-key'
    | 'unknown-condition-key'
    | 'allow-on-secure-transport'
    | 'iam-user-principal';
  readonly statement: string;
  readonly message: string;
}

/** The label a report uses for a statement. */
export function statementLabel(s: PolicyStatement): string {
  return s.sid !== undefined && s.sid !== '' ? s.sid : `Statement[${s.index}]`;
}
