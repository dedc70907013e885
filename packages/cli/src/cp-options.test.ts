import { describe, expect, it } from 'vitest';
import { UsageError } from './cli-errors.js';
import { objectFieldsOf, parseExpires, parseMetadata, sizeOption } from './cp-options.js';

describe('aws s3 cp value syntax', () => {
  it('--metadata: shorthand and JSON, repeatable', () => {
    expect(parseMetadata(['a=1,b=x=y', '{"c":"3"}'])).toEqual({ a: '1', b: 'x=y', c: '3' });
    expect(parseMetadata([])).toBeUndefined();
    expect(() => parseMetadata(['{"c":3}'])).toThrow(UsageError);
    expect(() => parseMetadata(['novalue'])).toThrow(/KEY=VALUE/);
  });
  it('--expires: ISO 8601 or epoch seconds', () => {
    expect(parseExpires('2030-01-31T00:00:00Z').toISOString()).toBe('2030-01-31T00:00:00.000Z');
    expect(parseExpires('1893456000').toISOString()).toBe('2030-01-01T00:00:00.000Z');
    expect(() => parseExpires('soon')).toThrow(UsageError);
  });
  it('--size / --expected-size with units, not both', () => {
    expect(sizeOption({ 'expected-size': '5GB' })).toBe(5 * 1024 ** 3);
    expect(sizeOption({ size: '1TiB' })).toBe(1024 ** 4);
    expect(sizeOption({})).toBeUndefined();
    expect(() => sizeOption({ size: '1', 'expected-size': '1' })).toThrow(/not both/);
  });
  it('object fields', async () => {
    expect(
      await objectFieldsOf({
        'storage-class': 'standard_ia',
        tagging: 'a=b',
        'cache-control': 'no-cache',
      }),
    ).toEqual({ storageClass: 'STANDARD_IA', tags: { a: 'b' }, cacheControl: 'no-cache' });
    expect((await objectFieldsOf({ tagging: 'a=1&b=x%20y' })).tags).toEqual({ a: '1', b: 'x y' });
    await expect(objectFieldsOf({ tagging: 'a=1&a=2' })).rejects.toThrow(/distinct/);
    await expect(objectFieldsOf({ 'storage-class': 'FAST' })).rejects.toThrow(/--storage-class/);
  });
});
