/**
 * The error-code registry (packages/core/src/error-codes/) and docs/errors.md list the same
 * codes with the same classes, and every code literal in the packages' sources is registered.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, exitClassOf, isErrorCode, type ErrorFamily } from '../src/index.js';
import { ERROR_CODE_TABLES } from '../src/error-codes/index.js';
import { errorFamilyOf, FormatError, InvalidArgumentError, S3EncError } from '../src/errors.js';

const root = join(import.meta.dirname, '..', '..', '..');

const CLASS_FAMILY: Record<string, ErrorFamily> = {
  InvalidArgumentError: 'invalid-argument',
  InsecureTransportError: 'insecure-transport',
  FormatError: 'format',
  KeyUnwrapError: 'key-unwrap',
  IntegrityError: 'integrity',
  S3RequestError: 's3-request',
  AbortError: 'aborted',
  S3EncError: 'other',
};

/** code → the families its docs rows name (a code may appear in several sections). */
function documentedCodes(): Map<string, Set<ErrorFamily>> {
  const text = readFileSync(join(root, 'docs', 'errors.md'), 'utf8');
  const out = new Map<string, Set<ErrorFamily>>();
  for (const line of text.split('\n')) {
    const m = /^\|\s*`(ERR_S3ENC_[A-Z0-9_]+)`[^|]*\|([^|]*)\|/.exec(line);
    if (m === null) continue;
    const families = out.get(m[1]!) ?? new Set<ErrorFamily>();
    for (const c of m[2]!.matchAll(/\b(\w+Error)\b/g)) {
      const f = CLASS_FAMILY[c[1]!];
      if (f !== undefined) families.add(f);
    }
    out.set(m[1]!, families);
  }
  return out;
}

function familiesOf(code: keyof typeof ERROR_CODES): readonly ErrorFamily[] {
  const f = ERROR_CODES[code].family;
  return typeof f === 'string' ? [f] : f;
}

describe('error-code registry', () => {
  it('docs/errors.md lists exactly the registered codes', () => {
    const documented = [...documentedCodes().keys()].sort();
    const registered = Object.keys(ERROR_CODES).sort();
    expect(documented.filter((c) => !isErrorCode(c))).toEqual([]); // documented, not registered
    expect(registered.filter((c) => !documented.includes(c))).toEqual([]); // registered, not documented
  });

  it('each docs row names the classes the registry gives the code', () => {
    const mismatched: string[] = [];
    for (const [code, families] of documentedCodes()) {
      if (!isErrorCode(code)) continue;
      const want = new Set(familiesOf(code));
      if (families.size !== want.size || [...families].some((f) => !want.has(f)))
        mismatched.push(
          `${code}: docs ${[...families].join('/')}, registry ${[...want].join('/')}`,
        );
    }
    expect(mismatched).toEqual([]);
  });

  it('no code is registered by two areas', () => {
    const seen = new Map<string, string>();
    const twice: string[] = [];
    for (const [area, table] of Object.entries(ERROR_CODE_TABLES)) {
      for (const code of Object.keys(table)) {
        if (seen.has(code)) twice.push(`${code}: ${seen.get(code)} and ${area}`);
        seen.set(code, area);
      }
    }
    expect(twice).toEqual([]);
  });

  it('every ERR_S3ENC_ literal in the packages sources is registered', () => {
    const unregistered = new Set<string>();
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) {
          if (e.name !== 'node_modules' && e.name !== 'dist') walk(p);
        } else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) {
          for (const m of readFileSync(p, 'utf8').matchAll(
            /ERR_S3ENC_[A-Z0-9_]*[A-Z0-9](?![A-Z0-9_*])/g,
          )) {
            if (!isErrorCode(m[0])) unregistered.add(`${m[0]} (${p.slice(root.length + 1)})`);
          }
        }
      }
    };
    for (const pkg of readdirSync(join(root, 'packages'))) walk(join(root, 'packages', pkg, 'src'));
    expect([...unregistered]).toEqual([]);
  });

  it('every row has a family, an exit class and a one-line meaning', () => {
    for (const [code, row] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^ERR_S3ENC_[A-Z0-9_]+$/);
      expect(familiesOf(code as keyof typeof ERROR_CODES).length).toBeGreaterThan(0);
      expect(row.meaning).not.toMatch(/\n/);
      expect(row.meaning.length).toBeGreaterThan(5);
    }
  });

  it('classifies by code and family, not by message', () => {
    expect(exitClassOf('ERR_S3ENC_TAG_MISMATCH', 'integrity')).toBe('integrity');
    expect(exitClassOf('ERR_S3ENC_CONTEXT_MISMATCH', 'key-unwrap')).toBe('integrity');
    expect(exitClassOf('ERR_S3ENC_NO_DATA_KEY', 'key-unwrap')).toBe('access');
    expect(exitClassOf('ERR_S3ENC_TOO_MANY_DATA_KEYS', 'invalid-argument')).toBe('usage');
    expect(exitClassOf('ERR_S3ENC_TOO_MANY_DATA_KEYS', 'format')).toBe('integrity');
    expect(exitClassOf('ERR_S3ENC_NOT_A_CODE', 'format')).toBeUndefined();
    expect(errorFamilyOf(new InvalidArgumentError('x'))).toBe('invalid-argument');
    expect(errorFamilyOf(new FormatError('ERR_S3ENC_BAD_HEADER', 'x'))).toBe('format');
    expect(errorFamilyOf(new S3EncError('ERR_S3ENC_SOURCE_FAILED', 'x'))).toBe('other');
    expect(errorFamilyOf(new Error('x'))).toBeUndefined();
  });
});
