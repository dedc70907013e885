/** Statements written in ways that commonly do not do what their author meant. One pure function: the parsed policy in, the answer out. */
import { isNegatedOperator } from '../conditions.js';
import { isKnownConditionKey, isLimitingKey, MULTIVALUED_KEYS } from '../keys.js';
import { statementLabel, type PolicyLint } from '../check-result.js';
import type { ParsedPolicy } from '../types.js';

/** Flags statements written in ways that commonly do not do what their author meant. */
export function lintPolicy(policy: ParsedPolicy): PolicyLint[] {
  const out: PolicyLint[] = [];
  for (const s of policy.statements) {
    const label = statementLabel(s);
    if (s.notPrincipal !== undefined) {
      out.push(
        s.effect === 'Deny'
          ? {
              code: 'not-principal-deny',
              statement: label,
              message: `${label} denies everyone except the NotPrincipal list: the listed principals escape the deny, and role sessions not listed explicitly are denied`,
            }
          : {
              code: 'not-principal-allow',
              statement: label,
              message: `${label} allows everyone except the NotPrincipal list, anonymous callers included`,
            },
      );
    }
    for (const block of [s.principal, s.notPrincipal]) {
      for (const arn of block?.AWS ?? []) {
        if (/^arn:[^:]+:iam::\d{12}:user\//.test(arn)) {
          out.push({
            code: 'iam-user-principal',
            statement: label,
            message: `${label} names the IAM user ${arn}; workloads should use roles (no long-term credentials)`,
          });
        }
      }
    }
    for (const c of s.conditions) {
      const key = c.key.toLowerCase();
      if (!isKnownConditionKey(c.key)) {
        out.push({
          code: 'unknown-condition-key',
          statement: label,
          message: `${label} tests "${c.key}", which is not a known condition key (a typo?); the key is never present, so ${c.baseOperator === 'Null' ? 'Null sees it as absent' : isNegatedOperator(c.baseOperator) || c.ifExists ? 'the condition is always true' : 'the condition is never true'}`,
        });
      }
      if (MULTIVALUED_KEYS.has(key) && c.setOperator === undefined && c.baseOperator !== 'Null') {
        out.push({
          code: 'multivalued-key-single-operator',
          statement: label,
          message: `${label} uses ${c.operator} on the multivalued key ${c.key}; use ForAnyValue: or ForAllValues:`,
        });
      }
      if (s.effect === 'Allow' && c.setOperator === 'ForAllValues') {
        out.push({
          code: 'for-all-values-allow',
          statement: label,
          message: `${label} allows with ForAllValues on ${c.key}, which is true when the key is absent; add a Null condition`,
        });
      }
      if (s.effect === 'Allow' && c.ifExists && isLimitingKey(c.key)) {
        out.push({
          code: 'if-exists-allow-limiting-key',
          statement: label,
          message: `${label} allows with ${c.operator} on ${c.key}: requests without the key (e.g. from the internet) pass`,
        });
      }
      if (
        s.effect === 'Allow' &&
        key === 'aws:securetransport' &&
        c.baseOperator === 'Bool' &&
        c.values.some((v) => v.toLowerCase() === 'true')
      ) {
        out.push({
          code: 'allow-on-secure-transport',
          statement: label,
          message: `${label} allows on aws:SecureTransport=true, which does not deny non-TLS requests (other Allows or IAM policies still grant them); deny on aws:SecureTransport=false instead`,
        });
      }
    }
  }
  return out;
}
