/**
 * The normalised form of an IAM policy document, as produced by {@link parsePolicy}. Every
 * "string or array" field of the grammar is an array here, and condition values are strings
 * (IAM compares them as strings after type-specific parsing), so evaluation never sees the
 * raw JSON.
 */

/** `Allow` or `Deny`. */
export type PolicyEffect = 'Allow' | 'Deny';

/** The principal kinds the grammar allows inside a `Principal` / `NotPrincipal` object. */
export type PrincipalKind = 'AWS' | 'Service' | 'Federated' | 'CanonicalUser';

/**
 * A `Principal` or `NotPrincipal` block. `"*"` is `{ wildcard: true }` with empty lists;
 * `{"AWS": "*"}` also sets `wildcard` (AWS treats both as "everyone, anonymous included").
 */
export interface PolicyPrincipal {
  /** True for `"*"` and for `{"AWS": "*"}`. */
  readonly wildcard: boolean;
  readonly AWS: readonly string[];
  readonly Service: readonly string[];
  readonly Federated: readonly string[];
  readonly CanonicalUser: readonly string[];
}

/** The set operator prefix of a condition operator. */
export type ConditionSetOperator = 'ForAnyValue' | 'ForAllValues';

/** One `operator: { key: values }` entry of a `Condition` block. */
export interface PolicyCondition {
  /** The operator as written, e.g. `ForAnyValue:StringNotEqualsIfExists`. */
  readonly operator: string;
  /** The operator without set prefix and `IfExists` suffix, e.g. `StringNotEquals`. */
  readonly baseOperator: string;
  readonly ifExists: boolean;
  readonly setOperator: ConditionSetOperator | undefined;
  /** The condition key as written (keys are compared case-insensitively). */
  readonly key: string;
  /** The values, converted to strings (`true` → `"true"`, `1.2` → `"1.2"`). */
  readonly values: readonly string[];
}

/** One statement, normalised. Exactly one of `principal`/`notPrincipal` may be set, etc. */
export interface PolicyStatement {
  /** Position in the `Statement` array (0 when `Statement` was a single object). */
  readonly index: number;
  readonly sid: string | undefined;
  readonly effect: PolicyEffect;
  readonly principal: PolicyPrincipal | undefined;
  readonly notPrincipal: PolicyPrincipal | undefined;
  readonly action: readonly string[] | undefined;
  readonly notAction: readonly string[] | undefined;
  readonly resource: readonly string[] | undefined;
  readonly notResource: readonly string[] | undefined;
  /** All condition entries; a statement applies only when every one of them is true. */
  readonly conditions: readonly PolicyCondition[];
}

/** A parsed policy document. */
export interface ParsedPolicy {
  readonly version: string | undefined;
  readonly id: string | undefined;
  readonly statements: readonly PolicyStatement[];
}

/** A JSON value, as found in and produced for policy documents. */
export type JsonValue =
  string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** A policy document in its JSON shape (what `GetBucketPolicy` returns, parsed). */
export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: PolicyStatementJson[];
}

/** One statement in its JSON shape; fields follow the IAM grammar. */
export interface PolicyStatementJson {
  Sid?: string;
  Effect: PolicyEffect;
  Principal?: '*' | Partial<Record<PrincipalKind, string | string[]>>;
  NotPrincipal?: '*' | Partial<Record<PrincipalKind, string | string[]>>;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<
    string,
    Record<string, string | number | boolean | (string | number | boolean)[]>
  >;
}

/** The principal making a request, for {@link evaluatePolicy}. */
export type RequestPrincipal =
  { readonly type: 'anonymous' } | { readonly type: PrincipalKind; readonly id: string };

/** A context key's value in a request: single-valued keys take a scalar, multivalued keys an array. */
export type ContextValue = string | number | boolean | readonly (string | number | boolean)[];

/** A request to evaluate a policy against. */
export interface RequestContext {
  readonly principal: RequestPrincipal;
  /** e.g. `s3:PutObject` (compared case-insensitively). */
  readonly action: string;
  /** e.g. `arn:aws:s3:::bucket/key`. */
  readonly resource: string;
  /**
   * Context keys such as `aws:SecureTransport`, `aws:SourceIp`, `s3:x-amz-server-side-encryption`.
   * A key that is absent here is absent from the request (this matters for `Null`, `…IfExists`
   * and negated operators).
   */
  readonly context?: Readonly<Record<string, ContextValue>>;
}

/** The outcome of evaluating one policy for one request. */
export type Decision = 'explicit-deny' | 'allow' | 'implicit-deny';

/** What {@link evaluatePolicy} returns. */
export interface EvaluationResult {
  readonly decision: Decision;
  /** Statements that matched the request (Deny ones first decide). */
  readonly matchedDeny: readonly PolicyStatement[];
  readonly matchedAllow: readonly PolicyStatement[];
}
