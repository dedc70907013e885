// Fails when a package's sources import each other in a cycle (DESIGN.md "Layout": no import
// cycles inside a package). Follows relative imports (type-only ones too: a cycle of types is
// still a tangle) of packages/*/src/**/*.ts, tests excluded.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.argv[2] ?? resolve(dirname(fileURLToPath(import.meta.url)), '..');
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"](\.[^'"]+)['"]/g;

function* sources(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* sources(p);
    else if (p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith('.d.ts')) yield p;
  }
}

const graph = new Map();
for (const pkg of readdirSync(join(root, 'packages'))) {
  const src = join(root, 'packages', pkg, 'src');
  try {
    statSync(src);
  } catch {
    continue;
  }
  for (const file of sources(src)) {
    const text = readFileSync(file, 'utf8');
    const deps = [];
    for (const m of text.matchAll(IMPORT)) {
      deps.push(resolve(dirname(file), m[1].replace(/\.js$/, '.ts')));
    }
    graph.set(file, deps);
  }
}

const cycles = [];
const state = new Map(); // 1 = on the stack, 2 = done
const stack = [];
function visit(n) {
  state.set(n, 1);
  stack.push(n);
  for (const d of graph.get(n) ?? []) {
    if (!graph.has(d)) continue;
    if (state.get(d) === 1) cycles.push([...stack.slice(stack.indexOf(d)), d]);
    else if (state.get(d) === undefined) visit(d);
  }
  stack.pop();
  state.set(n, 2);
}
for (const n of graph.keys()) if (state.get(n) === undefined) visit(n);

if (cycles.length > 0) {
  for (const c of cycles)
    console.error(`import cycle: ${c.map((f) => relative(root, f)).join(' -> ')}`);
  process.exit(1);
}
console.log(`no import cycles in ${graph.size} files`);
