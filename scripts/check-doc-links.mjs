#!/usr/bin/env node
// Lint: every relative link in docs/ and the READMEs points to a file that exists, and so does
// every document of this repository named in a code span (`docs/FORMAT.md`, `FORMAT.md`). Anchors are not checked; web
// links are not followed (CI has no internet). Exits 1 listing each broken reference.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function markdownFiles() {
  const out = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.md')) out.push(p);
    }
  };
  walk(join(root, 'docs'));
  out.push(join(root, 'README.md'));
  for (const pkg of readdirSync(join(root, 'packages'))) {
    const readme = join(root, 'packages', pkg, 'README.md');
    if (existsSync(readme)) out.push(readme);
  }
  return out.filter((p) => existsSync(p));
}

/** Link targets of `[text](target)` and `[ref]: target`, outside fenced code blocks. */
function references(text) {
  const refs = [];
  let fenced = false;
  for (const [i, line] of text.split('\n').entries()) {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      continue;
    }
    if (fenced) continue;
    for (const m of line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g))
      refs.push({ line: i + 1, target: m[1], kind: 'link' });
    const def = /^\s*\[[^\]]+\]:\s*(\S+)/.exec(line);
    if (def) refs.push({ line: i + 1, target: def[1], kind: 'link' });
    // A code span naming one of this repository's documents: a path into the repository
    // (`docs/FORMAT.md`) or an upper-case document name (`SECURITY-PRACTICES.md`). Lower-case
    // names without a folder may be files of other projects (a specification's chapters).
    for (const m of line.matchAll(/`([A-Za-z0-9_./-]+\.md)`/g)) {
      const name = m[1];
      if (
        /^(docs|packages|test|scripts|examples|bench)\//.test(name) ||
        /^[A-Z][A-Z0-9_-]*\.md$/.test(name)
      )
        refs.push({ line: i + 1, target: name, kind: 'code' });
    }
  }
  return refs;
}

const broken = [];
for (const file of markdownFiles()) {
  const text = readFileSync(file, 'utf8');
  for (const r of references(text)) {
    const target = r.target.split('#')[0];
    if (target === '' || /^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // anchor, http:, mailto:
    const candidates =
      r.kind === 'link'
        ? [resolve(dirname(file), decodeURIComponent(target))]
        : [resolve(dirname(file), target), resolve(root, target)];
    if (
      !candidates.some((c) => existsSync(c) && (statSync(c).isFile() || statSync(c).isDirectory()))
    )
      broken.push(`${relative(root, file)}:${r.line}: ${r.target}`);
  }
}
if (broken.length > 0) {
  console.error(`Broken references in the documentation (no such file):\n  ${broken.join('\n  ')}`);
  process.exit(1);
}
