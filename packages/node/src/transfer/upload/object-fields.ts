/**
 * The object's own S3 fields a put may set besides the encryption: user metadata, storage
 * class, the HTTP headers S3 stores and serves back (Cache-Control, Content-Disposition,
 * Content-Encoding, Content-Language, Expires) and tags. They describe the object as the
 * caller sees it (the plaintext); S3 stores them as given. Checked before any request.
 */
import { InvalidArgumentError } from '@s3enc/core';
import { MARKER_FORMAT_KEY, MARKER_VERSION_KEY } from '../../marker.js';

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
  /** User metadata (`x-amz-meta-*`); not secret, not encrypted. Keys starting with `s3enc-` are reserved. */
  metadata?: Readonly<Record<string, string>> | undefined;
  storageClass?: StorageClass | undefined;
  cacheControl?: string | undefined;
  contentDisposition?: string | undefined;
  /** Stored and served as given: it describes the plaintext, not the stored ciphertext. */
  contentEncoding?: string | undefined;
  contentLanguage?: string | undefined;
  expires?: Date | undefined;
  /** Tags as S3 takes them: `key1=value1&key2=value2` (URL-encoded), or pairs. At most 10. */
  tagging?: string | Readonly<Record<string, string>> | undefined;
}

/** S3 limits: user metadata ≤ 2 KiB in all; 10 tags, keys ≤ 128 and values ≤ 256 characters. */
const MAX_METADATA_BYTES = 2048;
const MAX_TAGS = 10;

function checkString(name: string, v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '' || /[\r\n\0]/.test(v))
    throw new InvalidArgumentError(`${name} must be a non-empty string without line breaks`);
  return v;
}

function taggingOf(t: ObjectFieldOptions['tagging']): string | undefined {
  if (t === undefined) return undefined;
  const params =
    typeof t === 'string' ? new URLSearchParams(t) : new URLSearchParams(Object.entries(t));
  const keys = [...params.keys()];
  if (keys.length === 0 || keys.length > MAX_TAGS || new Set(keys).size !== keys.length)
    throw new InvalidArgumentError(
      `tagging must hold 1 to ${MAX_TAGS} distinct tags (key1=value1&key2=value2)`,
    );
  for (const [k, v] of params) {
    if (k === '' || k.length > 128 || v.length > 256)
      throw new InvalidArgumentError(
        'a tag key must be 1 to 128 characters and its value at most 256',
      );
  }
  return params.toString();
}

/**
 * The request fields for PutObject and CreateMultipartUpload, and the user metadata to merge
 * under s3enc's marker.
 * @throws InvalidArgumentError for a value S3 would refuse or that would hide the marker.
 */
export function resolveObjectFields(o: ObjectFieldOptions): {
  fields: Record<string, unknown>;
  metadata: Record<string, string>;
} {
  const metadata: Record<string, string> = {};
  let bytes = 0;
  for (const [k, v] of Object.entries(o.metadata ?? {})) {
    const key = k.toLowerCase();
    if (!/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(key) || typeof v !== 'string' || /[\r\n\0]/.test(v))
      throw new InvalidArgumentError(
        `metadata ${JSON.stringify(k)}: keys are header tokens, values one line`,
      );
    if (key.startsWith('s3enc-') || key === MARKER_FORMAT_KEY || key === MARKER_VERSION_KEY)
      throw new InvalidArgumentError(
        `metadata keys starting with "s3enc-" are reserved, got ${JSON.stringify(k)}`,
      );
    metadata[key] = v;
    bytes += Buffer.byteLength(key) + Buffer.byteLength(v);
  }
  if (bytes > MAX_METADATA_BYTES)
    throw new InvalidArgumentError(`user metadata exceeds S3's ${MAX_METADATA_BYTES} bytes`);
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
  set('Tagging', taggingOf(o.tagging));
  return { fields, metadata };
}
