/**
 * Reads an object's checksum attributes from S3 and verifies a local file against them,
 * without downloading the object (the computation is core's verifyFileChecksum).
 */
import {
  GetObjectAttributesCommand,
  type GetObjectAttributesCommandOutput,
  type ObjectAttributes,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  enforceHttpsOnly,
  verifyFileChecksum,
  type ChecksumVerification,
  type ObjectAttributesLike,
} from '@s3enc/core';
import { toS3Error } from './s3-errors.js';
import { toSseCustomerKey, type SseCustomerKeyInput } from './sse.js';

/** Options of {@link getObjectChecksumAttributes}. */
export interface ObjectChecksumOptions {
  versionId?: string | undefined;
  sseCustomerKey?: SseCustomerKeyInput | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * GetObjectAttributes for Checksum, ObjectSize and every part (paginated). Each attribute is
 * asked for on its own: some S3-compatible servers (MinIO) reject the SDK's comma-and-space
 * joined list.
 *
 * @throws S3RequestError (ERR_S3ENC_NO_SUCH_KEY, ERR_S3ENC_ACCESS_DENIED, …).
 */
export async function getObjectChecksumAttributes(
  s3: S3Client,
  bucket: string,
  key: string,
  o: ObjectChecksumOptions = {},
): Promise<ObjectAttributesLike> {
  // The caller's client carries the SSE-C key: hold it to https first (idempotent).
  if (o.sseCustomerKey !== undefined)
    enforceHttpsOnly(s3 as unknown as Parameters<typeof enforceHttpsOnly>[0]);
  const common = {
    Bucket: bucket,
    Key: key,
    ...(o.versionId !== undefined ? { VersionId: o.versionId } : {}),
    ...(o.sseCustomerKey !== undefined ? toSseCustomerKey(o.sseCustomerKey).requestParams() : {}),
  };
  const ask = async (
    attr: ObjectAttributes,
    extra: Record<string, unknown> = {},
  ): Promise<GetObjectAttributesCommandOutput> =>
    s3
      .send(new GetObjectAttributesCommand({ ...common, ObjectAttributes: [attr], ...extra }), {
        abortSignal: o.signal,
      })
      .catch((err: unknown) => {
        throw toS3Error(err, 'GetObjectAttributes', {}, o.signal);
      });
  const ck = await ask('Checksum');
  const size = await ask('ObjectSize');
  const parts: { PartNumber?: number; Size?: number }[] = [];
  let total: number | undefined;
  let marker: string | undefined;
  for (;;) {
    const p = await ask('ObjectParts', {
      MaxParts: 1000,
      ...(marker !== undefined ? { PartNumberMarker: marker } : {}),
    });
    total = p.ObjectParts?.TotalPartsCount ?? total;
    parts.push(...(p.ObjectParts?.Parts ?? []));
    if (p.ObjectParts?.IsTruncated !== true || p.ObjectParts.NextPartNumberMarker === undefined)
      break;
    marker = p.ObjectParts.NextPartNumberMarker;
  }
  return {
    Checksum: ck.Checksum,
    ObjectSize: size.ObjectSize,
    ...(total !== undefined || parts.length > 0
      ? { ObjectParts: { TotalPartsCount: total, Parts: parts } }
      : {}),
  };
}

/**
 * Verifies a local file against the checksum S3 holds for an object. For s3enc objects the
 * checksum covers the stored ciphertext, so compare it with a ciphertext copy.
 *
 * @returns the comparison (`ok` false on mismatch).
 * @throws S3RequestError; InvalidArgumentError (ERR_S3ENC_NO_CHECKSUM) when the object has none.
 */
export async function verifyObjectChecksum(
  s3: S3Client,
  bucket: string,
  key: string,
  path: string,
  o: ObjectChecksumOptions = {},
): Promise<ChecksumVerification> {
  return verifyFileChecksum(path, await getObjectChecksumAttributes(s3, bucket, key, o));
}
