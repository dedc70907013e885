/**
 * vitest globalSetup (both projects): one private temp root per run, handed to the test
 * workers as TMPDIR (os.tmpdir() reads it), removed at teardown. Test files can use mkdtemp in
 * os.tmpdir() freely: nothing of theirs outlives the run, whatever path a test fails on.
 * Registered first, so its teardown runs after the servers' (vitest tears down in reverse).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const root = mkdtempSync(join(tmpdir(), 's3enc-run-'));
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(root, { recursive: true, force: true });
  };
}
