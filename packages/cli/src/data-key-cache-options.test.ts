import { describe, expect, it } from 'vitest';
import { UsageError } from './cli-errors.js';
import { dataKeyCacheOf, parseDurationMs } from './data-key-cache-options.js';

describe('--data-key-cache-*', () => {
  it('off unless --data-key-cache-max-age is given', () => {
    expect(dataKeyCacheOf({})).toBeUndefined();
    expect(() => dataKeyCacheOf({ 'data-key-cache-capacity': '5' })).toThrow(
      /--data-key-cache-capacity needs --data-key-cache-max-age/,
    );
    expect(() => dataKeyCacheOf({ 'data-key-cache-max-bytes': '1MiB' })).toThrow(UsageError);
  });
  it('max age in seconds by default, or with a unit; limits with their own syntax', () => {
    expect(parseDurationMs('x', '300')).toBe(300_000);
    expect(parseDurationMs('x', '90s')).toBe(90_000);
    expect(parseDurationMs('x', '5m')).toBe(300_000);
    expect(parseDurationMs('x', '1h')).toBe(3_600_000);
    expect(parseDurationMs('x', '1500ms')).toBe(1500);
    for (const bad of ['0', '-1', '1.5', '5 days', 'm', '']) {
      expect(() => parseDurationMs('x', bad), bad).toThrow(UsageError);
    }
    expect(
      dataKeyCacheOf({
        'data-key-cache-max-age': '5m',
        'data-key-cache-max-messages': '10',
        'data-key-cache-max-bytes': '256MiB',
        'data-key-cache-capacity': '7',
      }),
    ).toEqual({ maxAgeMs: 300_000, maxMessages: 10, maxBytes: 256 * 1024 ** 2, capacity: 7 });
    expect(dataKeyCacheOf({ 'data-key-cache-max-age': '60' })).toEqual({ maxAgeMs: 60_000 });
    expect(() =>
      dataKeyCacheOf({ 'data-key-cache-max-age': '60', 'data-key-cache-max-messages': '0' }),
    ).toThrow(UsageError);
  });
});
