// Where the bootstrap script put the pinned server binaries (resolved by @s3enc/testing), and
// the repository's own pins.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export { cacheDir, localKmsBinary, minioBinary } from '@s3enc/testing';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export function readVersions(): Record<string, string> {
  const text = readFileSync(join(repoRoot, 'scripts', 'versions.env'), 'utf8');
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}
