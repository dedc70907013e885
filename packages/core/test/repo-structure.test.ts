/**
 * Structure rules checked once here for the packages this test owns: the import-cycle check
 * that `pnpm lint` runs (scripts/check-import-cycles.mjs) fails on a planted cycle, and the
 * core and CLI indexes export explicit lists, none of it marked @internal.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const script = join(root, 'scripts', 'check-import-cycles.mjs');

describe('import-cycle check', () => {
  const dir = mkdtempSync(join(tmpdir(), 's3enc-cycles-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function tree(files: Record<string, string>): string {
    const r = mkdtempSync(join(dir, 'root-'));
    for (const [p, text] of Object.entries(files)) {
      mkdirSync(dirname(join(r, p)), { recursive: true });
      writeFileSync(join(r, p), text);
    }
    return r;
  }
  function check(r: string): { code: number; out: string } {
    try {
      return {
        code: 0,
        out: execFileSync(process.execPath, [script, r], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      };
    } catch (e) {
      const err = e as { status: number; stderr: string };
      return { code: err.status, out: err.stderr };
    }
  }
  const pkg = (name: string) => JSON.stringify({ name });

  it('passes an acyclic tree and fails on a planted file cycle, naming it', () => {
    const base = {
      'packages/a/package.json': pkg('@s3enc/a'),
      'packages/a/src/index.ts': "export { x } from './x.js';\n",
      'packages/a/src/x.ts': "import { y } from './y.js';\nexport const x = y;\n",
      'packages/a/src/y.ts': 'export const y = 1;\n',
    };
    expect(check(tree(base)).code).toBe(0);
    const planted = check(
      tree({
        ...base,
        'packages/a/src/y.ts': "import type { x } from './x.js';\nexport const y = 1;\n",
      }),
    );
    expect(planted.code).toBe(1);
    expect(planted.out).toMatch(/packages\/a\/src\/x\.ts <-> packages\/a\/src\/y\.ts/);
  });

  it('fails on a cycle between packages', () => {
    const r = check(
      tree({
        'packages/a/package.json': pkg('@s3enc/a'),
        'packages/a/src/index.ts': "import '@s3enc/b';\n",
        'packages/b/package.json': pkg('@s3enc/b'),
        'packages/b/src/index.ts': "export * from '@s3enc/a/sub';\n",
      }),
    );
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/packages\/a <-> packages\/b|packages\/b <-> packages\/a/);
  });
});

/** Names a module exports, with the TSDoc of their declarations. */
function exportsOf(indexPath: string): { name: string; internal: boolean }[] {
  const program = ts.createProgram([indexPath], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
    skipLibCheck: true,
    paths: { '@s3enc/core': [join(root, 'packages/core/src/index.ts')] },
  });
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(indexPath)!;
  const moduleSymbol = checker.getSymbolAtLocation(file)!;
  return checker.getExportsOfModule(moduleSymbol).map((s) => {
    const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
    const internal = (target.declarations ?? []).some((d) =>
      ts.getJSDocTags(d).some((t) => t.tagName.text === 'internal'),
    );
    return { name: s.getName(), internal };
  });
}

describe('package indexes', () => {
  for (const pkg of ['core', 'cli']) {
    const index = join(root, 'packages', pkg, 'src', 'index.ts');
    it(`${pkg}: explicit export lists, nothing marked @internal`, () => {
      expect(readFileSync(index, 'utf8')).not.toMatch(/export \*/);
      const exported = exportsOf(index);
      expect(exported.length).toBeGreaterThan(pkg === 'core' ? 50 : 3);
      expect(exported.filter((e) => e.internal).map((e) => e.name)).toEqual([]);
    });
  }
});
