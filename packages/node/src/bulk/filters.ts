/**
 * `--exclude` / `--include` as the AWS CLI applies them: every path starts included, the
 * filters are applied in the order given and the last one that matches decides. Patterns are
 * matched against the path relative to the source (and destination) root, with `/` as the
 * separator, in the AWS CLI's fnmatch syntax: `*` any characters (including `/`), `?` one
 * character, `[seq]` / `[!seq]` a character class.
 */
import { InvalidArgumentError } from '@s3enc/core';

/** One filter, in command-line order. */
export interface PathFilter {
  readonly type: 'include' | 'exclude';
  readonly pattern: string;
}

/** The longest pattern accepted (a pattern is compiled to a regular expression). */
const MAX_PATTERN_LENGTH = 1024;

/** Compiles an fnmatch pattern (whole-string, case-sensitive) to a RegExp. */
export function patternToRegExp(pattern: string): RegExp {
  if (typeof pattern !== 'string' || pattern.length > MAX_PATTERN_LENGTH)
    throw new InvalidArgumentError(
      `a filter pattern is a string of at most ${MAX_PATTERN_LENGTH} characters`,
    );
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      // Consecutive stars mean the same as one (and keep the regular expression linear).
      while (pattern[i + 1] === '*') i++;
      re += '[\\s\\S]*';
    } else if (c === '?') re += '[\\s\\S]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = pattern.slice(i + 1, end);
        let negate = false;
        if (body.startsWith('!')) {
          negate = true;
          body = body.slice(1);
        }
        const escaped = body.replace(/[\\\]^]/g, (m) => `\\${m}`);
        re += `[${negate ? '^' : ''}${escaped}]`;
        i = end;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, (m) => `\\${m}`);
  }
  return new RegExp(`^${re}$`, 'u');
}

/** A compiled filter list: `included(path)` says whether a relative path takes part. */
export class PathFilters {
  readonly #rules: readonly { include: boolean; re: RegExp }[];

  constructor(filters: readonly PathFilter[] = []) {
    this.#rules = filters.map((f) => {
      if (f.type !== 'include' && f.type !== 'exclude')
        throw new InvalidArgumentError('a filter type is include or exclude');
      return { include: f.type === 'include', re: patternToRegExp(f.pattern) };
    });
  }

  included(relativePath: string): boolean {
    let result = true;
    for (const r of this.#rules) if (r.re.test(relativePath)) result = r.include;
    return result;
  }
}
