/**
 * Walking an error to its real cause: the `cause` links of typed errors and SDK errors, and
 * the `errors` of an AggregateError (Node reports a refused connection to a host with several
 * addresses that way). Bounded: a cyclic or deep chain cannot hang the error boundary.
 */

/** Fields the errors of Node, the AWS SDK and undici carry that tell what happened. */
export interface ErrorFields {
  name?: unknown;
  code?: unknown;
  Code?: unknown;
  message?: unknown;
  errno?: unknown;
  syscall?: unknown;
  address?: unknown;
  port?: unknown;
  hostname?: unknown;
  host?: unknown;
  cause?: unknown;
  errors?: unknown;
  $metadata?: { httpStatusCode?: unknown; attempts?: unknown };
}

const MAX_LINKS = 24;

/** Every error reachable from `err` (itself first), breadth-first, at most 24. */
export function errorLinks(err: unknown): ErrorFields[] {
  const out: ErrorFields[] = [];
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length > 0 && out.length < MAX_LINKS) {
    const e = queue.shift();
    if (e === null || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    const f = e as ErrorFields;
    out.push(f);
    if (f.cause !== undefined) queue.push(f.cause);
    if (Array.isArray(f.errors)) queue.push(...(f.errors as unknown[]).slice(0, 8));
  }
  return out;
}

/** The error's name or AWS error code, ignoring the uninformative `Error`. */
export function nameOf(e: ErrorFields): string | undefined {
  for (const v of [e.name, e.Code]) if (typeof v === 'string' && v !== 'Error') return v;
  return undefined;
}

/** A string `code` (Node system and TLS errors, undici, s3enc). */
export function codeOf(e: ErrorFields): string | undefined {
  return typeof e.code === 'string' ? e.code : undefined;
}

/** The first link of the chain whose name or code is in `set`. */
export function findLink(
  links: ErrorFields[],
  set: ReadonlySet<string>,
): { link: ErrorFields; id: string } | undefined {
  for (const link of links) {
    for (const id of [nameOf(link), codeOf(link)])
      if (id !== undefined && set.has(id)) return { link, id };
  }
  return undefined;
}

/** First line of an error's message, bounded. */
export function messageOf(e: ErrorFields | undefined): string {
  if (e === undefined) return '';
  const m = typeof e.message === 'string' ? e.message : '';
  const line = m.split('\n')[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/** The HTTP status the server answered with, from the first link that has one. */
export function httpStatusOf(links: ErrorFields[]): number | undefined {
  for (const l of links) {
    const s = l.$metadata?.httpStatusCode ?? (l as { statusCode?: unknown }).statusCode;
    if (typeof s === 'number') return s;
  }
  return undefined;
}

/** How many attempts the SDK made, when it says. */
export function attemptsOf(links: ErrorFields[]): number | undefined {
  for (const l of links) {
    const a = l.$metadata?.attempts;
    if (typeof a === 'number' && a > 0) return a;
  }
  return undefined;
}

/** The S3 operation an s3enc error names (`GetObject failed: …`). */
export function operationOf(links: ErrorFields[]): string | undefined {
  for (const l of links) {
    const m = /^([A-Z][A-Za-z]+)(?: \d+)? failed\b/.exec(messageOf(l));
    if (m) return m[1];
    const op = (l as { operation?: unknown }).operation;
    if (typeof op === 'string') return op;
  }
  return undefined;
}
