/**
 * Condition operators of the IAM policy grammar: which exist, how their values are validated
 * when a policy is parsed, and how one condition entry evaluates against a request context.
 *
 * Semantics (AWS IAM "Condition" reference):
 * - values of one key are ORed (the request value must match one of them; for negated
 *   operators it must match none of them);
 * - a key absent from the request makes the condition false, except for negated operators
 *   (`StringNotEquals`, `NotIpAddress`, …) where it is true, `…IfExists` where it is true,
 *   and `Null`, which tests presence;
 * - `ForAnyValue:` is false and `ForAllValues:` true when the key is absent or empty.
 */
import { BlockList, isIP } from 'node:net';
import { FormatError } from '@s3enc/core';
import { arnMatches, globMatch } from './glob.js';
import type { ContextValue, PolicyCondition } from './types.js';

/** The family of a base operator: decides how values are parsed and compared. */
type OperatorFamily = 'string' | 'numeric' | 'date' | 'bool' | 'binary' | 'ip' | 'arn' | 'null';

interface OperatorSpec {
  readonly family: OperatorFamily;
  /** True for operators that succeed when the value matches none of the policy values. */
  readonly negated: boolean;
  /** Compares one request value with one policy value (the positive form). */
  readonly compare: (request: string, policy: string) => boolean;
}

function num(v: string): number {
  return v.trim() === '' ? Number.NaN : Number(v);
}

function date(v: string): number {
  // IAM accepts ISO 8601 and epoch seconds.
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Number(v) * 1000;
  return Date.parse(v);
}

const blockLists = new Map<string, BlockList | null>();

function ipMatches(request: string, cidr: string): boolean {
  let list = blockLists.get(cidr);
  if (list === undefined) {
    const [addr, prefixText] = cidr.split('/');
    const family = isIP(addr ?? '');
    list = null;
    if (family !== 0) {
      list = new BlockList();
      const prefix = prefixText === undefined ? (family === 4 ? 32 : 128) : Number(prefixText);
      list.addSubnet(addr!, prefix, family === 4 ? 'ipv4' : 'ipv6');
    }
    if (blockLists.size > 1024) blockLists.clear();
    blockLists.set(cidr, list);
  }
  const reqFamily = isIP(request);
  if (list === null || reqFamily === 0) return false;
  return list.check(request, reqFamily === 4 ? 'ipv4' : 'ipv6');
}

const stringEq = (r: string, p: string): boolean => r === p;
const stringEqIc = (r: string, p: string): boolean => r.toLowerCase() === p.toLowerCase();
const stringLike = (r: string, p: string): boolean => globMatch(p, r);
const numCmp =
  (f: (a: number, b: number) => boolean) =>
  (r: string, p: string): boolean => {
    const a = num(r);
    const b = num(p);
    return !Number.isNaN(a) && !Number.isNaN(b) && f(a, b);
  };
const dateCmp =
  (f: (a: number, b: number) => boolean) =>
  (r: string, p: string): boolean => {
    const a = date(r);
    const b = date(p);
    return !Number.isNaN(a) && !Number.isNaN(b) && f(a, b);
  };

const eq = (a: number, b: number): boolean => a === b;
const lt = (a: number, b: number): boolean => a < b;
const le = (a: number, b: number): boolean => a <= b;
const gt = (a: number, b: number): boolean => a > b;
const ge = (a: number, b: number): boolean => a >= b;

const OPERATORS: Readonly<Record<string, OperatorSpec>> = {
  StringEquals: { family: 'string', negated: false, compare: stringEq },
  StringNotEquals: { family: 'string', negated: true, compare: stringEq },
  StringEqualsIgnoreCase: { family: 'string', negated: false, compare: stringEqIc },
  StringNotEqualsIgnoreCase: { family: 'string', negated: true, compare: stringEqIc },
  StringLike: { family: 'string', negated: false, compare: stringLike },
  StringNotLike: { family: 'string', negated: true, compare: stringLike },
  NumericEquals: { family: 'numeric', negated: false, compare: numCmp(eq) },
  NumericNotEquals: { family: 'numeric', negated: true, compare: numCmp(eq) },
  NumericLessThan: { family: 'numeric', negated: false, compare: numCmp(lt) },
  NumericLessThanEquals: { family: 'numeric', negated: false, compare: numCmp(le) },
  NumericGreaterThan: { family: 'numeric', negated: false, compare: numCmp(gt) },
  NumericGreaterThanEquals: { family: 'numeric', negated: false, compare: numCmp(ge) },
  DateEquals: { family: 'date', negated: false, compare: dateCmp(eq) },
  DateNotEquals: { family: 'date', negated: true, compare: dateCmp(eq) },
  DateLessThan: { family: 'date', negated: false, compare: dateCmp(lt) },
  DateLessThanEquals: { family: 'date', negated: false, compare: dateCmp(le) },
  DateGreaterThan: { family: 'date', negated: false, compare: dateCmp(gt) },
  DateGreaterThanEquals: { family: 'date', negated: false, compare: dateCmp(ge) },
  Bool: { family: 'bool', negated: false, compare: (r, p) => r.toLowerCase() === p.toLowerCase() },
  BinaryEquals: { family: 'binary', negated: false, compare: stringEq },
  IpAddress: { family: 'ip', negated: false, compare: ipMatches },
  NotIpAddress: { family: 'ip', negated: true, compare: ipMatches },
  ArnEquals: { family: 'arn', negated: false, compare: (r, p) => arnMatches(p, r) },
  ArnLike: { family: 'arn', negated: false, compare: (r, p) => arnMatches(p, r) },
  ArnNotEquals: { family: 'arn', negated: true, compare: (r, p) => arnMatches(p, r) },
  ArnNotLike: { family: 'arn', negated: true, compare: (r, p) => arnMatches(p, r) },
  Null: { family: 'null', negated: false, compare: () => false },
};

/** The operator split into its parts, or undefined when it is not a known operator. */
export function parseOperator(
  operator: string,
):
  | { base: string; ifExists: boolean; setOperator: 'ForAnyValue' | 'ForAllValues' | undefined }
  | undefined {
  let rest = operator;
  let setOperator: 'ForAnyValue' | 'ForAllValues' | undefined;
  const colon = rest.indexOf(':');
  if (colon !== -1) {
    const prefix = rest.slice(0, colon);
    if (prefix !== 'ForAnyValue' && prefix !== 'ForAllValues') return undefined;
    setOperator = prefix;
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  if (rest.endsWith('IfExists')) {
    ifExists = true;
    rest = rest.slice(0, -'IfExists'.length);
  }
  const spec = OPERATORS[rest];
  if (spec === undefined) return undefined;
  // Null tests presence itself: neither IfExists nor a set operator means anything for it.
  if (spec.family === 'null' && (ifExists || setOperator !== undefined)) return undefined;
  return { base: rest, ifExists, setOperator };
}

/** True when the base operator succeeds on values that match none of the policy values. */
export function isNegatedOperator(base: string): boolean {
  return OPERATORS[base]?.negated ?? false;
}

/**
 * Checks that each value can be read by the operator (a CIDR for IpAddress, a number for
 * Numeric…, a date for Date…, true/false for Bool and Null). Throws a FormatError
 * `ERR_S3ENC_POLICY_CONDITION_INVALID` naming `where`.
 */
export function validateConditionValues(
  base: string,
  values: readonly string[],
  where: string,
): void {
  const spec = OPERATORS[base];
  if (spec === undefined) {
    throw new FormatError(
      'ERR_S3ENC_POLICY_CONDITION_INVALID',
      `${where}: unknown condition operator "${base}"`,
    );
  }
  for (const v of values) {
    let ok = true;
    let expected = '';
    switch (spec.family) {
      case 'numeric':
        ok = !Number.isNaN(num(v));
        expected = 'a number';
        break;
      case 'date':
        ok = !Number.isNaN(date(v));
        expected = 'an ISO 8601 date or epoch seconds';
        break;
      case 'bool':
      case 'null':
        ok = v.toLowerCase() === 'true' || v.toLowerCase() === 'false';
        expected = '"true" or "false"';
        break;
      case 'ip': {
        const [addr, prefix, extra] = v.split('/');
        const family = isIP(addr ?? '');
        const max = family === 4 ? 32 : 128;
        ok =
          family !== 0 &&
          extra === undefined &&
          (prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= max));
        expected = 'an IPv4 or IPv6 address or CIDR block';
        break;
      }
      default:
        break;
    }
    if (!ok) {
      throw new FormatError(
        'ERR_S3ENC_POLICY_CONDITION_INVALID',
        `${where}: ${JSON.stringify(v)} is not ${expected} (operator ${base})`,
      );
    }
  }
}

/** Looks a key up case-insensitively (condition keys are case-insensitive in IAM). */
export function lookupContext(
  context: Readonly<Record<string, ContextValue>> | undefined,
  key: string,
): string[] | undefined {
  if (context === undefined) return undefined;
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(context)) {
    if (k.toLowerCase() === lower) {
      return Array.isArray(v) ? v.map(String) : [String(v)];
    }
  }
  return undefined;
}

/** Request context keys lower-cased, values as string lists: built once per request. */
export type NormalizedContext = ReadonlyMap<string, readonly string[]>;

/** Lower-cases the keys and stringifies the values of a request context. */
export function normalizeContext(
  context: Readonly<Record<string, ContextValue>> | undefined,
): NormalizedContext {
  const out = new Map<string, string[]>();
  for (const [k, v] of Object.entries(context ?? {})) {
    out.set(k.toLowerCase(), Array.isArray(v) ? v.map(String) : [String(v)]);
  }
  return out;
}

/** Evaluates one condition entry against the request's context keys. */
export function evaluateCondition(
  condition: PolicyCondition,
  context: Readonly<Record<string, ContextValue>> | NormalizedContext | undefined,
): boolean {
  const spec = OPERATORS[condition.baseOperator];
  if (spec === undefined) return false; // unreachable for parsed policies
  const requestValues =
    context instanceof Map
      ? (context as NormalizedContext).get(condition.key.toLowerCase())
      : lookupContext(context as Readonly<Record<string, ContextValue>> | undefined, condition.key);

  if (spec.family === 'null') {
    const absent = requestValues === undefined || requestValues.length === 0;
    // Values are ORed: {"Null": {"k": ["true","false"]}} is always true.
    return condition.values.some((v) => (v.toLowerCase() === 'true' ? absent : !absent));
  }

  // One request value against the policy values, in the operator's sense.
  const matchOne = (r: string): boolean => {
    const hit = condition.values.some((p) => spec.compare(r, p));
    return spec.negated ? !hit : hit;
  };

  if (condition.setOperator === 'ForAnyValue') {
    if (requestValues === undefined || requestValues.length === 0) return condition.ifExists;
    return requestValues.some(matchOne);
  }
  if (condition.setOperator === 'ForAllValues') {
    if (requestValues === undefined || requestValues.length === 0) return true;
    return requestValues.every(matchOne);
  }

  if (requestValues === undefined) {
    if (condition.ifExists) return true;
    return spec.negated;
  }
  // A single-valued operator on a multivalued request value: it only works when the request
  // carries exactly one value; with several, no single-valued comparison can hold, which is
  // why such keys need ForAnyValue/ForAllValues (the analyser flags this).
  if (requestValues.length !== 1) return spec.negated;
  return matchOne(requestValues[0]!);
}
