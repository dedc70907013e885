import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { walkDirectory } from './walk-directory.js';

const root = mkdtempSync(join(tmpdir(), 's3enc-walk-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('walkDirectory', () => {
  it('yields nested, empty, unicode and spaced files sorted; skips links and download temporaries', async () => {
    mkdirSync(join(root, 'a/b c/ü'), { recursive: true });
    writeFileSync(join(root, 'a/b c/ü/日本.txt'), 'x');
    writeFileSync(join(root, 'empty'), '');
    writeFileSync(join(root, '.data.bin.s3enc-0123456789ab.tmp'), 'partial');
    symlinkSync('/etc/passwd', join(root, 'link'));
    const seen = [];
    for await (const e of walkDirectory(root)) seen.push(e);
    expect(
      seen.filter((e) => e.kind === 'file').map((e) => [e.relativePath, 'size' in e ? e.size : -1]),
    ).toEqual([
      ['a/b c/ü/日本.txt', 1],
      ['empty', 0],
    ]);
    expect(
      seen
        .filter((e) => e.kind === 'skipped')
        .map((e) => e.relativePath)
        .sort(),
    ).toEqual(['.data.bin.s3enc-0123456789ab.tmp', 'link']);
  });
});
