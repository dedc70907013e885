// The replication sample's pure parts: destinations of the enabled rules, prefixes to list,
// bucket names in destination ARNs.
import { describe, expect, it } from 'vitest';
import {
  destinationBucketName,
  prefixesToList,
  replicationDestinations,
} from './replication-sample.js';

describe('replication sample', () => {
  it('enabled rules only, grouped by destination, with their prefixes and tag filters', () => {
    const d = replicationDestinations({
      Role: 'r',
      Rules: [
        { Status: 'Enabled', Filter: { Prefix: 'a/' }, Destination: { Bucket: 'arn:aws:s3:::x' } },
        {
          Status: 'Enabled',
          Filter: { And: { Prefix: 'b/', Tags: [{ Key: 't', Value: 'v' }] } },
          Destination: { Bucket: 'arn:aws:s3:::x' },
        },
        { Status: 'Disabled', Destination: { Bucket: 'arn:aws:s3:::y' } },
        {
          Status: 'Enabled',
          // eslint-disable-next-line @typescript-eslint/no-deprecated -- a V1 rule's prefix
          Prefix: 'v1/',
          Destination: { Bucket: 'arn:minio:replication:us-west-2:id:z' },
        },
      ],
    });
    expect(d).toEqual([
      { bucket: 'arn:aws:s3:::x', prefixes: ['a/', 'b/'], tagFilters: true },
      { bucket: 'arn:minio:replication:us-west-2:id:z', prefixes: ['v1/'], tagFilters: false },
    ]);
  });

  it('lists each needed prefix once', () => {
    expect(prefixesToList(['a/', ''])).toEqual(['']);
    expect(prefixesToList(['b/', 'a/', 'a/x/', 'b/'])).toEqual(['a/', 'b/']);
  });

  it('names the bucket of AWS and MinIO destination ARNs', () => {
    expect(destinationBucketName('arn:aws:s3:::my.bucket')).toBe('my.bucket');
    expect(destinationBucketName('arn:minio:replication:us-west-2:abc:dst')).toBe('dst');
  });
});
