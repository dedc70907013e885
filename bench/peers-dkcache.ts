// Whether the CLI under test has a data-key cache for `cp`, and the flags that turn it on.
import { execFileSync } from 'node:child_process';

/** Max age given to the cache when the CLI asks for one (seconds; the whole run fits in it). */
const MAX_AGE = '300';

/**
 * The flags that enable the data-key cache for `s3enc cp`, read from `cp --help`: `override`
 * (space-separated) wins; else a bare `--data-key-cache` flag, else `--data-key-cache-max-age`
 * with a 300 s age; undefined when the help names no such option.
 */
export function dataKeyCacheArgs(
  node: string,
  cliBin: string,
  override?: string,
): string[] | undefined {
  if (override !== undefined && override.trim() !== '') return override.trim().split(/\s+/);
  const help = execFileSync(node, [cliBin, 'cp', '--help'], { encoding: 'utf8' });
  return cacheArgsFromHelp(help);
}

/** The parsing half of {@link dataKeyCacheArgs}, on the help text. */
export function cacheArgsFromHelp(help: string): string[] | undefined {
  const options = new Map<string, string | undefined>();
  for (const m of help.matchAll(/^\s*(--data-key-cache[\w-]*)(?:[ =]([A-Z][A-Z_-]*))?/gm)) {
    options.set(m[1]!, m[2]);
  }
  if (options.has('--data-key-cache') && options.get('--data-key-cache') === undefined) {
    return ['--data-key-cache'];
  }
  if (options.has('--data-key-cache-max-age')) return ['--data-key-cache-max-age', MAX_AGE];
  return undefined;
}
