/**
 * What a server-side copy carries from the source's HeadObject answer to the new object's
 * CreateMultipartUpload / PutObject: user metadata and the content headers (as CopyObject with
 * `MetadataDirective: COPY` does), and the source's tags as a `Tagging` value. Shared by rewrap
 * and the bulk multipart copy. @internal
 */
import {
  GetObjectTaggingCommand,
  type HeadObjectCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { toS3Error } from '../s3-errors.js';

const CONTENT_FIELDS = [
  'ContentType',
  'ContentEncoding',
  'ContentDisposition',
  'ContentLanguage',
  'CacheControl',
  'Expires',
  'WebsiteRedirectLocation',
] as const;

/** User metadata and content headers of the source. */
export function contentFieldsOf(h: HeadObjectCommandOutput): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const f of CONTENT_FIELDS) if (h[f] !== undefined) fields[f] = h[f];
  if (h.Metadata !== undefined) fields.Metadata = { ...h.Metadata };
  return fields;
}

/**
 * The tags of one version (or the current object) as a `Tagging` header value.
 * @throws S3RequestError (ERR_S3ENC_ACCESS_DENIED without s3:GetObject(Version)Tagging, …).
 */
export async function readTagging(
  s3: S3Client,
  v: { bucket: string; key: string; versionId: string | undefined },
  signal: AbortSignal | undefined,
): Promise<string> {
  try {
    const out = await s3.send(
      new GetObjectTaggingCommand({
        Bucket: v.bucket,
        Key: v.key,
        ...(v.versionId === undefined ? {} : { VersionId: v.versionId }),
      }),
      { abortSignal: signal },
    );
    const pairs = new URLSearchParams();
    for (const t of out.TagSet ?? []) pairs.append(t.Key ?? '', t.Value ?? '');
    return pairs.toString();
  } catch (err) {
    throw toS3Error(err, 'GetObjectTagging', {}, signal);
  }
}
