/** S3's answer about an object, turned into {@link ObjectFacts} and a pin for later requests. @internal */
import type { GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { hasMarker } from '../../marker.js';
import type { ObjectFacts } from './read-options.js';

/** Conditions that pin every later request to the object first seen. */
export interface ObjectPin {
  VersionId?: string;
  IfMatch?: string;
}

export function factsOf(
  bucket: string,
  key: string,
  r: Partial<GetObjectCommandOutput>,
  storedSize: number,
): ObjectFacts {
  let sse: ObjectFacts['sse'];
  if (r.SSECustomerAlgorithm !== undefined) sse = { type: 'SSE-C' };
  else if (r.ServerSideEncryption === 'aws:kms' || r.ServerSideEncryption === 'aws:kms:dsse') {
    sse = { type: 'SSE-KMS', kmsKeyId: r.SSEKMSKeyId, bucketKey: r.BucketKeyEnabled };
  } else if (r.ServerSideEncryption === 'AES256') sse = { type: 'SSE-S3' };
  const lock =
    r.ObjectLockMode !== undefined || r.ObjectLockLegalHoldStatus !== undefined
      ? {
          mode: r.ObjectLockMode,
          retainUntil: r.ObjectLockRetainUntilDate,
          legalHold: r.ObjectLockLegalHoldStatus === 'ON',
        }
      : undefined;
  return {
    bucket,
    key,
    versionId: r.VersionId,
    etag: r.ETag,
    lastModified: r.LastModified,
    storedSize,
    contentType: r.ContentType,
    sse,
    lock,
    marker: hasMarker(r.Metadata),
    userMetadata: Object.freeze({ ...r.Metadata }),
  };
}

export function pinOf(f: ObjectFacts): ObjectPin {
  const pin: ObjectPin = {};
  if (f.versionId !== undefined && f.versionId !== 'null') pin.VersionId = f.versionId;
  if (f.etag !== undefined) pin.IfMatch = f.etag;
  return pin;
}
