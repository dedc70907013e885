import type { AuditReport } from '@s3enc/node';
import { describe, expect, it } from 'vitest';
import { makeStyle } from '../output.js';
import { renderAuditTable, wrap } from './audit.js';

const report: AuditReport = {
  schemaVersion: 1,
  bucket: 'b1',
  generatedAt: '2026-11-28T00:00:00.000Z',
  findings: [
    {
      id: 'versioning',
      practice: 9,
      title: 'Versioning',
      status: 'pass',
      evidence: ['Versioning is Enabled'],
    },
    {
      id: 'policy.insecure-transport',
      practice: 3,
      title: 'Policy denies non-TLS requests',
      status: 'fail',
      evidence: ['No statement denies aws:SecureTransport=false'],
      fix: { cli: 's3enc policy s3://b1 --apply' },
    },
  ],
  summary: { pass: 1, fail: 1, warn: 0, unsupported: 0, 'access-denied': 0 },
};

describe('renderAuditTable', () => {
  it('lists every check, with evidence and the fix under the failing ones', () => {
    const t = renderAuditTable(report, makeStyle(false));
    expect(t).toMatch(/ 9 {2}PASS +Versioning/);
    expect(t).toMatch(/ 3 {2}FAIL +Policy denies non-TLS requests\n +No statement denies/);
    expect(t).toMatch(/fix: s3enc policy s3:\/\/b1 --apply/);
    expect(t).not.toMatch(/Versioning is Enabled/); // passing checks stay one line
    expect(t).toMatch(/1 pass, 1 fail/);
  });
  it("escapes terminal control characters in evidence taken from the bucket's settings", () => {
    const hostile: AuditReport = {
      ...report,
      findings: [
        {
          id: 'policy.statements',
          practice: 1,
          title: 'Policy statements are written as meant',
          status: 'warn',
          evidence: ['Sid\x1b]0;pwned\x07 tests "aws:Evil\x1b[2J"'],
        },
      ],
    };
    const t = renderAuditTable(hostile, makeStyle(false));
    expect(t).toContain('Sid\\x1b]0;pwned\\x07 tests "aws:Evil\\x1b[2J"');
    // eslint-disable-next-line no-control-regex -- the characters the escaping must remove
    expect(t).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
  });
  it('wraps long evidence (object keys, key ARNs) instead of cutting it', () => {
    const arn = 'arn:aws:kms:us-east-1:111122223333:key/7c2e4a6b-8d0f-4e1a-9b3c-5d7e9f1a3b04';
    const long: AuditReport = {
      ...report,
      findings: [
        {
          id: 'replication.readable',
          practice: 10,
          title: 'Replicas readable in the destination Region',
          status: 'fail',
          evidence: [`dst in us-west-2: 1 of 3 s3enc objects NOT readable there: data/x [${arn}]`],
        },
      ],
    };
    const t = renderAuditTable(long, makeStyle(false), 100);
    expect(t).toContain(arn);
    expect(t.split('\n').every((l) => l.length <= 100)).toBe(true);
    expect(wrap('a '.repeat(200), 30, 3)).toHaveLength(3);
    expect(wrap('a '.repeat(200), 30, 3)[2]).toMatch(/…$/);
  });
  it('colours statuses only when asked', () => {
    expect(renderAuditTable(report, makeStyle(true))).toContain('\u001b[31mFAIL');
    expect(renderAuditTable(report, makeStyle(false))).not.toContain('\u001b[');
  });
});
