/**
 * `--data-key-cache-*` of `cp --recursive` and `sync`: the data-key cache is off unless
 * `--data-key-cache-max-age` is given (docs/cli.md, "Data-key cache"; the trade-off in
 * docs/transfer.md). The cache lives in the process, so it only pays across the objects of one
 * run; a single `put` or `get` has nothing to share.
 */
import type { DataKeyCacheOptions } from '@s3enc/core';
import {
  parsePositiveInt,
  parseSize,
  stringOpt,
  type OptionSpecs,
  type ParsedValues,
} from './args.js';
import { UsageError } from './cli-errors.js';

export const DATA_KEY_CACHE_OPTIONS = {
  'data-key-cache-max-age': {
    type: 'string',
    valueName: 'DURATION',
    description:
      'reuse a data key across objects for at most this long, e.g. 300, 90s, 5m (max 24h). Off unless given: fewer KMS calls, but one data key (and fewer CloudTrail records) covers many objects',
  },
  'data-key-cache-max-messages': {
    type: 'string',
    valueName: 'N',
    description: 'objects one cached data key may encrypt (default 1000)',
  },
  'data-key-cache-max-bytes': {
    type: 'string',
    valueName: 'SIZE',
    description: 'plaintext bytes one cached data key may encrypt, e.g. 256MiB (default 1GiB)',
  },
  'data-key-cache-capacity': {
    type: 'string',
    valueName: 'N',
    description: 'data keys held at once (default 100)',
  },
} as const satisfies OptionSpecs;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, '': 1000, m: 60_000, h: 3_600_000 };

/** `300` (seconds), `90s`, `5m`, `1h`, `1500ms` → milliseconds. */
export function parseDurationMs(option: string, text: string): number {
  const m = /^\s*(\d+)\s*(ms|s|m|h)?\s*$/.exec(text);
  const ms = m ? Number(m[1]) * UNIT_MS[m[2] ?? '']! : Number.NaN;
  if (!Number.isSafeInteger(ms) || ms <= 0) {
    throw new UsageError(
      `--${option} expects a duration such as 300 (seconds), 90s, 5m or 1h, got ${JSON.stringify(text)}`,
    );
  }
  return ms;
}

/** The cache options given, or undefined (off). Throws UsageError for a limit without a max age. */
export function dataKeyCacheOf(v: ParsedValues): DataKeyCacheOptions | undefined {
  const age = stringOpt(v, 'data-key-cache-max-age');
  const messages = stringOpt(v, 'data-key-cache-max-messages');
  const bytes = stringOpt(v, 'data-key-cache-max-bytes');
  const capacity = stringOpt(v, 'data-key-cache-capacity');
  if (age === undefined) {
    const stray = [
      messages !== undefined ? '--data-key-cache-max-messages' : undefined,
      bytes !== undefined ? '--data-key-cache-max-bytes' : undefined,
      capacity !== undefined ? '--data-key-cache-capacity' : undefined,
    ].find((x) => x !== undefined);
    if (stray !== undefined) {
      throw new UsageError(
        `${stray} needs --data-key-cache-max-age: the data-key cache is off without it`,
      );
    }
    return undefined;
  }
  return {
    maxAgeMs: parseDurationMs('data-key-cache-max-age', age),
    ...(messages !== undefined
      ? { maxMessages: parsePositiveInt('data-key-cache-max-messages', messages) }
      : {}),
    ...(bytes !== undefined ? { maxBytes: parseSize('data-key-cache-max-bytes', bytes) } : {}),
    ...(capacity !== undefined
      ? { capacity: parsePositiveInt('data-key-cache-capacity', capacity) }
      : {}),
  };
}
