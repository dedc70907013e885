/**
 * IAM wildcard matching: `*` matches any run of characters (including none, and including
 * `/` and `:`), `?` matches exactly one character. Everything else is literal.
 */

const cache = new Map<string, RegExp>();

function compile(pattern: string, ignoreCase: boolean): RegExp {
  const cacheKey = `${ignoreCase ? 'i' : 's'}:${pattern}`;
  let re = cache.get(cacheKey);
  if (re === undefined) {
    let src = '';
    for (const ch of pattern) {
      if (ch === '*') src += '[\\s\\S]*';
      else if (ch === '?') src += '[\\s\\S]';
      else src += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
    re = new RegExp(`^${src}$`, ignoreCase ? 'iu' : 'u');
    if (cache.size > 4096) cache.clear();
    cache.set(cacheKey, re);
  }
  return re;
}

/** True when `value` matches the IAM wildcard `pattern`. */
export function globMatch(pattern: string, value: string, ignoreCase = false): boolean {
  if (pattern === '*') return true;
  if (!pattern.includes('*') && !pattern.includes('?')) {
    return ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
  }
  return compile(pattern, ignoreCase).test(value);
}

/** Action names are case-insensitive: `s3:put*` matches `s3:PutObject`. */
export function actionMatches(pattern: string, action: string): boolean {
  return globMatch(pattern, action, true);
}

/**
 * ARN matching as `ArnLike` does it: the six colon-separated parts are matched one by one,
 * and the resource part (which may contain `:`) with the rest of the pattern.
 */
export function arnMatches(pattern: string, arn: string): boolean {
  const p = splitArn(pattern);
  const a = splitArn(arn);
  if (p === undefined || a === undefined) return globMatch(pattern, arn);
  for (let i = 0; i < 6; i++) {
    if (!globMatch(p[i]!, a[i]!)) return false;
  }
  return true;
}

function splitArn(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}
