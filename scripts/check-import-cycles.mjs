#!/usr/bin/env node
// Fails (exit 1) when the import graph of packages/*/src has a cycle: between files of a
// package (relative imports, type-only ones included), or between packages (@s3enc/* imports).
// Run by `pnpm lint`. Uses only the TypeScript compiler's import scanner.
//
//   node scripts/check-import-cycles.mjs [ROOT]   (ROOT defaults to the repository)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
const packagesDir = join(root, 'packages');

/** Every .ts source file under dir, tests and declarations excluded. */
function sources(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'node_modules' && name !== 'dist') out.push(...sources(p));
    } else if (/\.(m|c)?tsx?$/.test(name) && !/\.test\.tsx?$|\.d\.ts$/.test(name)) {
      out.push(p);
    }
  }
  return out;
}

/** The file a relative specifier names (`./x.js` is written for `./x.ts`), or undefined. */
function resolveRelative(from, spec) {
  const base = resolve(dirname(from), spec);
  const stem = base.replace(/\.(m|c)?js$/, '');
  for (const c of [`${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, base, join(base, 'index.ts')]) {
    if (existsSync(c) && statSync(c).isFile()) return c;
  }
  return undefined;
}

const packageNames = new Map(); // '@s3enc/core' -> 'packages/core'
const fileGraph = new Map(); // file -> Set<file>
const packageGraph = new Map(); // package dir -> Set<package dir>
for (const pkg of readdirSync(packagesDir)) {
  const dir = join(packagesDir, pkg);
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest) || !existsSync(join(dir, 'src'))) continue;
  packageNames.set(JSON.parse(readFileSync(manifest, 'utf8')).name, dir);
}
for (const dir of packageNames.values()) {
  packageGraph.set(dir, new Set());
  for (const file of sources(join(dir, 'src'))) {
    const edges = new Set();
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName: spec } of importedFiles) {
      if (spec.startsWith('.')) {
        const target = resolveRelative(file, spec);
        if (target !== undefined) edges.add(target);
      } else {
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec;
        const other = packageNames.get(name);
        if (other !== undefined && other !== dir) packageGraph.get(dir).add(other);
      }
    }
    fileGraph.set(file, edges);
  }
}

/** The cycles of a graph: its strongly connected components with more than one node or a self-edge. */
function cycles(graph) {
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const on = new Set();
  const found = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const scc = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || graph.get(v)?.has(v)) found.push(scc.reverse());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}

const problems = [...cycles(packageGraph), ...cycles(fileGraph)];
if (problems.length > 0) {
  process.stderr.write(`import cycles (${problems.length}):\n`);
  for (const scc of problems) {
    process.stderr.write(`  ${scc.map((f) => relative(root, f)).join(' <-> ')}\n`);
  }
  process.exit(1);
}
process.stdout.write(
  `no import cycles (${fileGraph.size} files in ${packageGraph.size} packages)\n`,
);
