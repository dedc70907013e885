import { describe, expect, it } from 'vitest';
import { evaluateCondition, parseOperator } from './conditions.js';
import { evaluatePolicy, principalMatches } from './evaluate.js';
import { actionMatches, arnMatches } from './glob.js';
import { parsePolicy } from './parse.js';
import type { ContextValue, PolicyCondition, RequestContext } from './types.js';

function cond(operator: string, key: string, values: string[]): PolicyCondition {
  const op = parseOperator(operator);
  if (op === undefined) throw new Error(`bad operator ${operator}`);
  return {
    operator,
    baseOperator: op.base,
    ifExists: op.ifExists,
    setOperator: op.setOperator,
    key,
    values,
  };
}
const ev = (
  operator: string,
  key: string,
  values: string[],
  ctx: Record<string, ContextValue>,
): boolean => evaluateCondition(cond(operator, key, values), ctx);

describe('condition operators', () => {
  it('string operators, case sensitivity and wildcards', () => {
    expect(ev('StringEquals', 'k', ['a', 'b'], { k: 'b' })).toBe(true);
    expect(ev('StringEquals', 'k', ['a'], { k: 'A' })).toBe(false);
    expect(ev('StringEqualsIgnoreCase', 'k', ['a'], { k: 'A' })).toBe(true);
    expect(ev('StringNotEquals', 'k', ['a', 'b'], { k: 'b' })).toBe(false);
    expect(ev('StringNotEquals', 'k', ['a', 'b'], { k: 'c' })).toBe(true);
    expect(ev('StringLike', 'k', ['home/*/x?z'], { k: 'home/a/b/xyz' })).toBe(true);
    expect(ev('StringLike', 'k', ['home/*'], { k: 'other/home/' })).toBe(false);
    expect(ev('StringNotLike', 'k', ['home/*'], { k: 'other' })).toBe(true);
  });

  it('condition keys are case-insensitive', () => {
    expect(ev('Bool', 'aws:SecureTransport', ['false'], { 'AWS:securetransport': false })).toBe(
      true,
    );
  });

  it('a missing key: false for positive operators, true for negated ones and IfExists', () => {
    expect(ev('StringEquals', 'k', ['a'], {})).toBe(false);
    expect(ev('StringNotEquals', 'k', ['a'], {})).toBe(true);
    expect(ev('NotIpAddress', 'aws:SourceIp', ['10.0.0.0/8'], {})).toBe(true);
    expect(ev('IpAddress', 'aws:SourceIp', ['10.0.0.0/8'], {})).toBe(false);
    expect(ev('StringEqualsIfExists', 'k', ['a'], {})).toBe(true);
    expect(ev('StringEqualsIfExists', 'k', ['a'], { k: 'b' })).toBe(false);
    expect(ev('BoolIfExists', 'aws:ViaAWSService', ['false'], {})).toBe(true);
    expect(ev('BoolIfExists', 'aws:ViaAWSService', ['false'], { 'aws:ViaAWSService': true })).toBe(
      false,
    );
  });

  it('Null tests presence', () => {
    expect(ev('Null', 'k', ['true'], {})).toBe(true);
    expect(ev('Null', 'k', ['true'], { k: 'x' })).toBe(false);
    expect(ev('Null', 'k', ['false'], { k: 'x' })).toBe(true);
    expect(ev('Null', 'k', ['false'], {})).toBe(false);
    expect(parseOperator('NullIfExists')).toBeUndefined();
    expect(parseOperator('ForAnyValue:Null')).toBeUndefined();
  });

  it('numeric and date comparisons', () => {
    expect(ev('NumericLessThan', 's3:TlsVersion', ['1.2'], { 's3:TlsVersion': '1.1' })).toBe(true);
    expect(ev('NumericLessThan', 's3:TlsVersion', ['1.2'], { 's3:TlsVersion': 1.2 })).toBe(false);
    expect(ev('NumericGreaterThanEquals', 'n', ['10'], { n: 10 })).toBe(true);
    expect(ev('NumericNotEquals', 'n', ['10'], { n: 11 })).toBe(true);
    expect(ev('NumericLessThan', 'n', ['10'], { n: 'abc' })).toBe(false);
    expect(
      ev('DateLessThan', 'aws:CurrentTime', ['2030-01-01T00:00:00Z'], {
        'aws:CurrentTime': '2026-11-28T00:00:00Z',
      }),
    ).toBe(true);
    expect(
      ev('DateGreaterThan', 'aws:EpochTime', ['1700000000'], { 'aws:EpochTime': '1800000000' }),
    ).toBe(true);
  });

  it('IP ranges, IPv4 and IPv6', () => {
    expect(
      ev('IpAddress', 'aws:SourceIp', ['203.0.113.0/24'], { 'aws:SourceIp': '203.0.113.200' }),
    ).toBe(true);
    expect(
      ev('IpAddress', 'aws:SourceIp', ['203.0.113.0/24'], { 'aws:SourceIp': '203.0.114.1' }),
    ).toBe(false);
    expect(
      ev('IpAddress', 'aws:SourceIp', ['203.0.113.5'], { 'aws:SourceIp': '203.0.113.5' }),
    ).toBe(true);
    expect(
      ev('IpAddress', 'aws:SourceIp', ['2001:db8:1234::/48'], {
        'aws:SourceIp': '2001:db8:1234:ffff::1',
      }),
    ).toBe(true);
    expect(
      ev('IpAddress', 'aws:SourceIp', ['2001:db8:1234::/48'], {
        'aws:SourceIp': '2001:db8:1235::1',
      }),
    ).toBe(false);
    expect(ev('IpAddress', 'aws:SourceIp', ['10.0.0.0/8'], { 'aws:SourceIp': '2001:db8::1' })).toBe(
      false,
    );
    expect(
      ev('NotIpAddress', 'aws:SourceIp', ['10.0.0.0/8', '2001:db8::/32'], {
        'aws:SourceIp': '2001:db8::1',
      }),
    ).toBe(false);
  });

  it('ARN operators match part by part', () => {
    expect(
      ev('ArnLike', 'aws:SourceArn', ['arn:aws:cloudfront::*:distribution/*'], {
        'aws:SourceArn': 'arn:aws:cloudfront::111122223333:distribution/E1',
      }),
    ).toBe(true);
    expect(
      ev('ArnEquals', 'aws:SourceArn', ['arn:aws:sns:us-east-1:111122223333:t'], {
        'aws:SourceArn': 'arn:aws:sns:us-east-1:111122223333:t',
      }),
    ).toBe(true);
    expect(
      ev('ArnNotLike', 'aws:PrincipalArn', ['arn:aws:iam::*:role/admin'], {
        'aws:PrincipalArn': 'arn:aws:iam::1:role/app',
      }),
    ).toBe(true);
    expect(arnMatches('arn:aws:s3:::b/*', 'arn:aws:s3:::b/a/b:c')).toBe(true);
    expect(arnMatches('arn:aws:s3:::b', 'arn:aws:s3:::b/x')).toBe(false);
  });

  it('set operators: ForAnyValue false and ForAllValues true on a missing key', () => {
    const tags = { 'aws:TagKeys': ['project', 'team'] };
    expect(ev('ForAnyValue:StringEquals', 'aws:TagKeys', ['project'], tags)).toBe(true);
    expect(ev('ForAllValues:StringEquals', 'aws:TagKeys', ['project'], tags)).toBe(false);
    expect(ev('ForAllValues:StringEquals', 'aws:TagKeys', ['project', 'team', 'x'], tags)).toBe(
      true,
    );
    expect(ev('ForAnyValue:StringEquals', 'aws:TagKeys', ['project'], {})).toBe(false);
    expect(ev('ForAllValues:StringEquals', 'aws:TagKeys', ['project'], {})).toBe(true);
    expect(ev('ForAnyValue:StringNotEquals', 'aws:TagKeys', ['project'], tags)).toBe(true);
    // A single-valued operator on a multivalued request never matches with several values.
    expect(ev('StringEquals', 'aws:TagKeys', ['project', 'team'], tags)).toBe(false);
  });

  it('actions are case-insensitive wildcards', () => {
    expect(actionMatches('s3:Put*', 's3:PutObject')).toBe(true);
    expect(actionMatches('S3:*', 's3:GetObject')).toBe(true);
    expect(actionMatches('s3:Put*', 's3:GetObject')).toBe(false);
    expect(actionMatches('s3:Get?bject', 's3:GetObject')).toBe(true);
    expect(actionMatches('*', 'kms:Decrypt')).toBe(true);
  });
});

describe('evaluatePolicy', () => {
  const policy = parsePolicy({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'Read',
        Effect: 'Allow',
        Principal: { AWS: ['111122223333'] },
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::b/*',
      },
      {
        Sid: 'Tls',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      {
        Sid: 'Svc',
        Effect: 'Allow',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: 'arn:aws:s3:::b/logs/*',
      },
      {
        Sid: 'NotRes',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:DeleteObject',
        NotResource: 'arn:aws:s3:::b/tmp/*',
      },
    ],
  });
  const req = (o: Partial<RequestContext>): RequestContext => ({
    principal: { type: 'AWS', id: 'arn:aws:iam::111122223333:role/app' },
    action: 's3:GetObject',
    resource: 'arn:aws:s3:::b/k',
    context: { 'aws:SecureTransport': true },
    ...o,
  });

  it('an account principal covers the account, explicit deny wins', () => {
    expect(evaluatePolicy(policy, req({})).decision).toBe('allow');
    const denied = evaluatePolicy(policy, req({ context: { 'aws:SecureTransport': false } }));
    expect(denied.decision).toBe('explicit-deny');
    expect(denied.matchedDeny.map((s) => s.sid)).toEqual(['Tls']);
    expect(denied.matchedAllow.map((s) => s.sid)).toEqual(['Read']);
  });

  it('no match is an implicit deny', () => {
    expect(
      evaluatePolicy(
        policy,
        req({ principal: { type: 'AWS', id: 'arn:aws:iam::999999999999:role/x' } }),
      ).decision,
    ).toBe('implicit-deny');
    expect(evaluatePolicy(policy, req({ principal: { type: 'anonymous' } })).decision).toBe(
      'implicit-deny',
    );
    expect(evaluatePolicy(policy, req({ action: 's3:PutObject' })).decision).toBe('implicit-deny');
  });

  it('service principals and NotResource', () => {
    expect(
      evaluatePolicy(
        policy,
        req({
          principal: { type: 'Service', id: 'logging.s3.amazonaws.com' },
          action: 's3:PutObject',
          resource: 'arn:aws:s3:::b/logs/1',
        }),
      ).decision,
    ).toBe('allow');
    expect(
      evaluatePolicy(policy, req({ action: 's3:DeleteObject', resource: 'arn:aws:s3:::b/k' }))
        .decision,
    ).toBe('explicit-deny');
    expect(
      evaluatePolicy(policy, req({ action: 's3:DeleteObject', resource: 'arn:aws:s3:::b/tmp/k' }))
        .decision,
    ).toBe('implicit-deny');
  });

  it('principal forms: "*", AWS "*", role sessions, account ids', () => {
    const block = (AWS: string[]) => ({
      wildcard: AWS.includes('*'),
      AWS,
      Service: [],
      Federated: [],
      CanonicalUser: [],
    });
    const session = {
      type: 'AWS' as const,
      id: 'arn:aws:sts::111122223333:assumed-role/app/i-123',
    };
    expect(principalMatches(block(['arn:aws:iam::111122223333:role/app']), session)).toBe(true);
    expect(principalMatches(block(['arn:aws:iam::111122223333:role/path/app']), session)).toBe(
      true,
    );
    expect(principalMatches(block(['arn:aws:iam::111122223333:role/other']), session)).toBe(false);
    expect(principalMatches(block(['arn:aws:iam::111122223333:root']), session)).toBe(true);
    expect(principalMatches(block(['444455556666']), session)).toBe(false);
    expect(principalMatches(block(['*']), { type: 'anonymous' })).toBe(true);
    expect(principalMatches(block(['111122223333']), { type: 'anonymous' })).toBe(false);
  });
});
