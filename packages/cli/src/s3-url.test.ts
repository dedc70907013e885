import { describe, expect, it } from 'vitest';
import { UsageError } from './cli-errors.js';
import { parseS3Url } from './s3-url.js';

describe('parseS3Url', () => {
  it('splits bucket and key, keeping slashes and spaces in the key verbatim', () => {
    expect(parseS3Url('s3://my-bucket/a/b c/d%20e.txt')).toEqual({
      bucket: 'my-bucket',
      key: 'a/b c/d%20e.txt',
    });
  });
  it('allows a bare bucket only when asked', () => {
    expect(parseS3Url('s3://my-bucket', { requireKey: false })).toEqual({
      bucket: 'my-bucket',
      key: '',
    });
    expect(() => parseS3Url('s3://my-bucket')).toThrow(UsageError);
    expect(() => parseS3Url('s3://my-bucket/')).toThrow(UsageError);
  });
  it('rejects other schemes and invalid bucket names', () => {
    for (const bad of [
      'https://b/k',
      'b/k',
      's3:/b/k',
      's3://UPPER/k',
      's3://a/k',
      's3://-bad/k',
    ]) {
      expect(() => parseS3Url(bad), bad).toThrow(UsageError);
    }
  });
});
