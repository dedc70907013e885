/**
 * The object's own S3 fields a put may set besides the encryption, the user metadata and the
 * tags (`metadata` and `tags` of PutOptions): the storage class and the HTTP headers S3 stores
 * and serves back (Cache-Control, Content-Disposition, Content-Encoding, Content-Language,
 * Expires). They describe the object as the caller sees it (the plaintext); S3 stores them as
 * given. Checked before any request.
 */
import { InvalidArgumentError } from '@s3enc/core';

/** Storage classes S3 accepts on PutObject / CreateMultipartUpload. */
export const STORAGE_CLASSES = [
  'STANDARD',
  'REDUCED_REDUNDANCY',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'GLACIER',
  'DEEP_ARCHIVE',
  'OUTPOSTS',
  'GLACIER_IR',
  'SNOW',
  'EXPRESS_ONEZONE',
] as const;
export type StorageClass = (typeof STORAGE_CLASSES)[number];

/** The object fields of `PutOptions` (see there). */
export interface ObjectFieldOptions {
  storageClass?: StorageClass | undefined;
  cacheControl?: string | undefined;
  contentDisposition?: string | undefined;
  /** Stored and served as given: it describes the plaintext, not the stored ciphertext. */
  contentEncoding?: string | undefined;
  contentLanguage?: string | undefined;
  expires?: Date | undefined;
}

function checkString(name: string, v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '' || /[\r\n\0]/.test(v))
    throw new InvalidArgumentError(`${name} must be a non-empty string without line breaks`);
  return v;
}

/**
 * The request fields for PutObject and CreateMultipartUpload.
 * @throws InvalidArgumentError for a value S3 would refuse (or that would break a header).
 */
export function resolveObjectFields(o: ObjectFieldOptions): Record<string, unknown> {
  if (
    o.storageClass !== undefined &&
    !(STORAGE_CLASSES as readonly string[]).includes(o.storageClass)
  )
    throw new InvalidArgumentError(`storageClass must be one of ${STORAGE_CLASSES.join(', ')}`);
  if (
    o.expires !== undefined &&
    (!(o.expires instanceof Date) || Number.isNaN(o.expires.getTime()))
  )
    throw new InvalidArgumentError('expires must be a valid Date');
  const fields: Record<string, unknown> = {};
  const set = (field: string, v: unknown) => {
    if (v !== undefined) fields[field] = v;
  };
  set('StorageClass', o.storageClass);
  set('CacheControl', checkString('cacheControl', o.cacheControl));
  set('ContentDisposition', checkString('contentDisposition', o.contentDisposition));
  set('ContentEncoding', checkString('contentEncoding', o.contentEncoding));
  set('ContentLanguage', checkString('contentLanguage', o.contentLanguage));
  set('Expires', o.expires);
  return fields;
}
