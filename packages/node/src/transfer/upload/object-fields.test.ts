import { InvalidArgumentError } from '@s3enc/core';
import { describe, expect, it } from 'vitest';
import { resolveObjectFields, type ObjectFieldOptions } from './object-fields.js';

describe('resolveObjectFields', () => {
  it('maps the options to request fields and lower-cases metadata keys', () => {
    const expires = new Date('2030-01-31T00:00:00Z');
    expect(
      resolveObjectFields({
        metadata: { Team: 'blue' },
        storageClass: 'STANDARD_IA',
        cacheControl: 'max-age=60',
        contentDisposition: 'inline',
        contentEncoding: 'gzip',
        contentLanguage: 'en',
        expires,
        tagging: { project: 's3enc', stage: 'a b' },
      }),
    ).toEqual({
      fields: {
        StorageClass: 'STANDARD_IA',
        CacheControl: 'max-age=60',
        ContentDisposition: 'inline',
        ContentEncoding: 'gzip',
        ContentLanguage: 'en',
        Expires: expires,
        Tagging: 'project=s3enc&stage=a+b',
      },
      metadata: { team: 'blue' },
    });
    expect(resolveObjectFields({})).toEqual({ fields: {}, metadata: {} });
  });
  it('refuses what S3 would refuse or what would hide the marker', () => {
    const cases: ObjectFieldOptions[] = [
      { metadata: { 's3enc-format': 'x' } },
      { metadata: { 'bad key': 'x' } },
      { metadata: { k: 'line\nbreak' } },
      { metadata: { k: 'x'.repeat(2100) } },
      { storageClass: 'FAST' as never },
      { expires: new Date(Number.NaN) },
      { tagging: '' },
      { tagging: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v'])) },
      { cacheControl: 'a\r\nX-Injected: 1' },
    ];
    for (const bad of cases) {
      expect(() => resolveObjectFields(bad), JSON.stringify(bad)).toThrow(InvalidArgumentError);
    }
  });
});
