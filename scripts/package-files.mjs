// Copies the files a published package carries but does not own into its directory: the root
// LICENSE into every package, and for the CLI the documentation its --help names (docs/cli.md,
// docs/errors.md) into packages/cli/docs/. Run by each package's `build` script, so `pnpm pack`
// after a build always has them; the copies are git-ignored (the sources stay in one place).
// Usage: node scripts/package-files.mjs <package dir>
import { copyFileSync, mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const pkgDir = resolve(process.argv[2] ?? process.cwd());

copyFileSync(join(root, 'LICENSE'), join(pkgDir, 'LICENSE'));
if (basename(pkgDir) === 'cli') {
  mkdirSync(join(pkgDir, 'docs'), { recursive: true });
  for (const doc of ['cli.md', 'errors.md']) {
    copyFileSync(join(root, 'docs', doc), join(pkgDir, 'docs', doc));
  }
}
