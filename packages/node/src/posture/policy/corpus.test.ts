// Runs the analyser over the policy corpus in ./corpus: real-world shapes that are correct,
// subtly wrong, or malformed. Each file says which questions to ask and what the answer is.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { S3EncError } from '@s3enc/core';
import {
  checkDeniesInsecureTransport,
  checkDeniesUnencryptedUploads,
  checkMinimumTlsVersion,
  checkNetworkRestriction,
  checkPrincipalRestriction,
  checkPublicAccess,
  lintPolicy,
  type PolicyCheckResult,
  type PolicyTarget,
} from './analyse.js';
import { parsePolicy } from './parse.js';
import type { ParsedPolicy } from './types.js';

interface Expected {
  ok: boolean;
  counterexample?: Record<string, unknown>;
  requirement?: Record<string, unknown>;
  version?: number;
  allowed?: string[];
}
interface Entry {
  name: string;
  source: string;
  target: PolicyTarget;
  policy: string | object;
  checks?: Record<string, Expected>;
  lints?: string[];
  error?: { code: string; message?: string };
}

const dir = new URL('./corpus/', import.meta.url);
const entries: Entry[] = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as Entry);

const run: Record<string, (p: ParsedPolicy, t: PolicyTarget, e: Expected) => PolicyCheckResult> = {
  insecureTransport: (p, t) => checkDeniesInsecureTransport(p, t),
  unencryptedUploads: (p, t, e) => checkDeniesUnencryptedUploads(p, t, e.requirement),
  unencryptedUploadsSseS3: (p, t, e) => checkDeniesUnencryptedUploads(p, t, e.requirement),
  network: (p, t, e) => checkNetworkRestriction(p, t, e.requirement ?? {}),
  minimumTls: (p, t, e) => checkMinimumTlsVersion(p, t, e.version),
  publicAccess: (p, t) => checkPublicAccess(p, t),
  principals: (p, t, e) => checkPrincipalRestriction(p, t, e.allowed ?? []),
};

describe('policy corpus', () => {
  it('has at least 25 shapes, with correct, subtly wrong and malformed ones', () => {
    expect(entries.length).toBeGreaterThanOrEqual(25);
    expect(entries.filter((e) => e.name.startsWith('correct-')).length).toBeGreaterThanOrEqual(8);
    expect(entries.filter((e) => e.name.startsWith('wrong-')).length).toBeGreaterThanOrEqual(8);
    expect(entries.filter((e) => e.name.startsWith('malformed-')).length).toBeGreaterThanOrEqual(8);
    for (const e of entries)
      expect(e.error !== undefined || e.checks !== undefined, e.name).toBe(true);
  });

  for (const entry of entries) {
    it(`${entry.name}: ${entry.source}`, () => {
      if (entry.error !== undefined) {
        let thrown: unknown;
        try {
          parsePolicy(entry.policy);
        } catch (err) {
          thrown = err;
        }
        expect(thrown).toBeInstanceOf(S3EncError);
        expect((thrown as S3EncError).code).toBe(entry.error.code);
        if (entry.error.message !== undefined)
          expect((thrown as Error).message).toContain(entry.error.message);
        return;
      }
      const policy = parsePolicy(entry.policy);
      for (const [question, expected] of Object.entries(entry.checks ?? {})) {
        const result = run[question]!(policy, entry.target, expected);
        expect(result.ok, `${question}: ${result.summary}`).toBe(expected.ok);
        if (!expected.ok) expect(result.counterexample ?? result.summary).toBeDefined();
        if (expected.counterexample !== undefined)
          expect(result.counterexample, question).toMatchObject(expected.counterexample);
      }
      if (entry.lints !== undefined) {
        expect([...new Set(lintPolicy(policy).map((l) => l.code))].sort()).toEqual(
          [...entry.lints].sort(),
        );
      }
    });
  }
});
