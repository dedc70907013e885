/**
 * `--range` takes the HTTP / AWS CLI spelling, `bytes=a-b` with `b` INCLUSIVE; the library's
 * ranges are `{ start, end }` with `end` EXCLUSIVE. The conversion lives here and only here.
 */
import { UsageError } from './cli-errors.js';

/** A parsed `--range`, not yet resolved against the object's plaintext size. */
export type RangeSpec =
  | { kind: 'bounded'; first: number; last: number } // bytes=a-b
  | { kind: 'from'; first: number } // bytes=a-
  | { kind: 'suffix'; length: number }; // bytes=-n

export function parseRange(text: string): RangeSpec {
  const m = /^bytes=(\d*)-(\d*)$/.exec(text.trim());
  const err = () =>
    new UsageError(
      `--range expects bytes=FIRST-LAST (inclusive), bytes=FIRST- or bytes=-SUFFIX, got ${JSON.stringify(text)}`,
    );
  if (!m) throw err();
  const [a, b] = [m[1]!, m[2]!];
  const num = (s: string) => {
    const n = Number(s);
    if (!Number.isSafeInteger(n)) throw err();
    return n;
  };
  if (a === '' && b === '') throw err();
  if (a === '') {
    const length = num(b);
    if (length === 0) throw new UsageError('--range bytes=-0 selects nothing');
    return { kind: 'suffix', length };
  }
  if (b === '') return { kind: 'from', first: num(a) };
  const first = num(a);
  const last = num(b);
  if (last < first) throw new UsageError(`--range ${text}: the last byte comes before the first`);
  return { kind: 'bounded', first, last };
}

/**
 * Resolves a range against the plaintext size into the library's `{ start, end }` with `end`
 * exclusive, clamped to the object like HTTP does. Throws when nothing of the object is selected.
 */
export function resolveRange(spec: RangeSpec, size: number): { start: number; end: number } {
  let start: number;
  let end: number;
  switch (spec.kind) {
    case 'bounded':
      start = spec.first;
      end = Math.min(spec.last + 1, size);
      break;
    case 'from':
      start = spec.first;
      end = size;
      break;
    case 'suffix':
      start = Math.max(0, size - spec.length);
      end = size;
      break;
  }
  if (start >= size && !(size === 0 && start === 0 && spec.kind !== 'bounded')) {
    throw new UsageError(
      `--range starts at byte ${start} but the object has ${size} bytes of plaintext`,
    );
  }
  return { start, end };
}

/** The library range for `bytes=a-b` without knowing the size (a-b inclusive → a..b+1). */
export function boundedToLibrary(spec: { first: number; last: number }): {
  start: number;
  end: number;
} {
  return { start: spec.first, end: spec.last + 1 };
}
