import { InvalidArgumentError } from '@s3enc/core';
import { describe, expect, it } from 'vitest';
import { resolveObjectFields, type ObjectFieldOptions } from './object-fields.js';

describe('resolveObjectFields', () => {
  it('maps the options to request fields', () => {
    const expires = new Date('2030-01-31T00:00:00Z');
    expect(
      resolveObjectFields({
        storageClass: 'STANDARD_IA',
        cacheControl: 'max-age=60',
        contentDisposition: 'inline',
        contentEncoding: 'gzip',
        contentLanguage: 'en',
        expires,
      }),
    ).toEqual({
      StorageClass: 'STANDARD_IA',
      CacheControl: 'max-age=60',
      ContentDisposition: 'inline',
      ContentEncoding: 'gzip',
      ContentLanguage: 'en',
      Expires: expires,
    });
    expect(resolveObjectFields({})).toEqual({});
  });
  it('refuses what S3 would refuse or what would break a header', () => {
    const cases: ObjectFieldOptions[] = [
      { storageClass: 'FAST' as never },
      { expires: new Date(Number.NaN) },
      { cacheControl: 'a\r\nX-Injected: 1' },
      { contentLanguage: '' },
    ];
    for (const bad of cases) {
      expect(() => resolveObjectFields(bad), JSON.stringify(bad)).toThrow(InvalidArgumentError);
    }
  });
});
