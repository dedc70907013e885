/**
 * Parses an IAM policy document into {@link ParsedPolicy}, validating it against the policy
 * grammar. Never inspects the JSON as text: every decision is made on the parsed structure.
 *
 * Throws (never returns partial results):
 * - `FormatError` `ERR_S3ENC_POLICY_NOT_JSON` — the text is not JSON;
 * - `FormatError` `ERR_S3ENC_POLICY_MALFORMED` — the JSON does not follow the grammar (the
 *   message names the offending path, e.g. `Statement[2].Effect`);
 * - `FormatError` `ERR_S3ENC_POLICY_CONDITION_INVALID` — an unknown condition operator or a
 *   value the operator cannot read (a bad CIDR, a non-number for Numeric…);
 * - `InvalidArgumentError` `ERR_S3ENC_INVALID_ARGUMENT` — the argument is neither a string
 *   nor an object.
 */
import { FormatError, InvalidArgumentError } from '@s3enc/core';
import { parseOperator, validateConditionValues } from './conditions.js';
import type {
  ParsedPolicy,
  PolicyCondition,
  PolicyEffect,
  PolicyPrincipal,
  PolicyStatement,
  PrincipalKind,
} from './types.js';

const STATEMENT_KEYS = new Set([
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
]);
const PRINCIPAL_KINDS: readonly PrincipalKind[] = ['AWS', 'Service', 'Federated', 'CanonicalUser'];

function malformed(message: string): FormatError {
  return new FormatError('ERR_S3ENC_POLICY_MALFORMED', `Malformed policy: ${message}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringList(v: unknown, where: string): string[] {
  const list = Array.isArray(v) ? (v as unknown[]) : [v];
  if (Array.isArray(v) && list.length === 0) throw malformed(`${where} is an empty array`);
  return list.map((item, i) => {
    if (typeof item !== 'string' || item === '') {
      throw malformed(`${where}${Array.isArray(v) ? `[${i}]` : ''} must be a non-empty string`);
    }
    return item;
  });
}

function parsePrincipal(v: unknown, where: string): PolicyPrincipal {
  if (v === '*') return { wildcard: true, AWS: [], Service: [], Federated: [], CanonicalUser: [] };
  if (!isRecord(v)) throw malformed(`${where} must be "*" or an object such as {"AWS": "..."}`);
  const out: Record<PrincipalKind, string[]> = {
    AWS: [],
    Service: [],
    Federated: [],
    CanonicalUser: [],
  };
  const keys = Object.keys(v);
  if (keys.length === 0) throw malformed(`${where} is an empty object`);
  for (const key of keys) {
    if (!(PRINCIPAL_KINDS as readonly string[]).includes(key)) {
      throw malformed(
        `${where} has unknown principal type "${key}" (expected AWS, Service, Federated or CanonicalUser)`,
      );
    }
    out[key as PrincipalKind] = stringList(v[key], `${where}.${key}`);
  }
  return { wildcard: out.AWS.includes('*'), ...out };
}

function conditionValues(v: unknown, where: string): string[] {
  const list = Array.isArray(v) ? (v as unknown[]) : [v];
  if (list.length === 0) throw malformed(`${where} has no values`);
  return list.map((item, i) => {
    if (typeof item === 'string') return item;
    if (typeof item === 'boolean') return item ? 'true' : 'false';
    if (typeof item === 'number' && Number.isFinite(item)) return String(item);
    throw malformed(
      `${where}${Array.isArray(v) ? `[${i}]` : ''} must be a string, number or boolean`,
    );
  });
}

function parseConditions(v: unknown, where: string): PolicyCondition[] {
  if (!isRecord(v)) throw malformed(`${where} must be an object of operator → {key: values}`);
  const out: PolicyCondition[] = [];
  for (const [operator, block] of Object.entries(v)) {
    const op = parseOperator(operator);
    if (op === undefined) {
      throw new FormatError(
        'ERR_S3ENC_POLICY_CONDITION_INVALID',
        `${where}: unknown condition operator "${operator}"`,
      );
    }
    if (!isRecord(block) || Object.keys(block).length === 0) {
      throw malformed(`${where}.${operator} must be a non-empty object of key → values`);
    }
    for (const [key, raw] of Object.entries(block)) {
      const at = `${where}.${operator}["${key}"]`;
      if (key === '') throw malformed(`${at}: empty condition key`);
      const values = conditionValues(raw, at);
      validateConditionValues(op.base, values, at);
      out.push({
        operator,
        baseOperator: op.base,
        ifExists: op.ifExists,
        setOperator: op.setOperator,
        key,
        values,
      });
    }
  }
  return out;
}

function parseStatement(v: unknown, index: number, where: string): PolicyStatement {
  if (!isRecord(v)) throw malformed(`${where} must be an object`);
  for (const key of Object.keys(v)) {
    if (!STATEMENT_KEYS.has(key)) throw malformed(`${where} has unknown element "${key}"`);
  }
  const { Sid, Effect } = v;
  if (Sid !== undefined && typeof Sid !== 'string')
    throw malformed(`${where}.Sid must be a string`);
  if (Effect !== 'Allow' && Effect !== 'Deny') {
    throw malformed(
      `${where}.Effect must be "Allow" or "Deny" (got ${JSON.stringify(Effect) ?? 'nothing'})`,
    );
  }
  const pair = (a: string, b: string, required: boolean): void => {
    if (v[a] !== undefined && v[b] !== undefined)
      throw malformed(`${where} has both ${a} and ${b}`);
    if (required && v[a] === undefined && v[b] === undefined)
      throw malformed(`${where} needs ${a} or ${b}`);
  };
  pair('Principal', 'NotPrincipal', false);
  pair('Action', 'NotAction', true);
  pair('Resource', 'NotResource', false);
  const opt = <T>(key: string, f: (x: unknown, w: string) => T): T | undefined =>
    v[key] === undefined ? undefined : f(v[key], `${where}.${key}`);
  return {
    index,
    sid: Sid,
    effect: Effect satisfies PolicyEffect,
    principal: opt('Principal', parsePrincipal),
    notPrincipal: opt('NotPrincipal', parsePrincipal),
    action: opt('Action', stringList),
    notAction: opt('NotAction', stringList),
    resource: opt('Resource', stringList),
    notResource: opt('NotResource', stringList),
    conditions: opt('Condition', parseConditions) ?? [],
  };
}

/**
 * Parses and validates a policy document given as JSON text or as an already-parsed object.
 * `Statement` may be an array or a single object.
 */
export function parsePolicy(input: string | object): ParsedPolicy {
  let doc: unknown = input;
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input) as unknown;
    } catch (cause) {
      throw new FormatError('ERR_S3ENC_POLICY_NOT_JSON', 'The policy is not valid JSON', { cause });
    }
  } else if (typeof input !== 'object' || input === null) {
    throw new InvalidArgumentError('parsePolicy expects a JSON string or an object');
  }
  if (!isRecord(doc)) throw malformed('the document must be a JSON object');
  for (const key of Object.keys(doc)) {
    if (key !== 'Version' && key !== 'Id' && key !== 'Statement') {
      throw malformed(`unknown top-level element "${key}"`);
    }
  }
  const { Version, Id, Statement } = doc;
  if (Version !== undefined && Version !== '2012-10-17' && Version !== '2008-10-17') {
    throw malformed(
      `Version must be "2012-10-17" or "2008-10-17" (got ${JSON.stringify(Version)})`,
    );
  }
  if (Id !== undefined && typeof Id !== 'string') throw malformed('Id must be a string');
  if (Statement === undefined) throw malformed('Statement is missing');
  const list = Array.isArray(Statement) ? (Statement as unknown[]) : [Statement];
  const statements = list.map((s, i) =>
    parseStatement(s, i, Array.isArray(Statement) ? `Statement[${i}]` : 'Statement'),
  );
  const sids = new Set<string>();
  for (const s of statements) {
    if (s.sid === undefined || s.sid === '') continue;
    if (sids.has(s.sid)) throw malformed(`duplicate Sid "${s.sid}"`);
    sids.add(s.sid);
  }
  return { version: Version, id: Id, statements };
}
