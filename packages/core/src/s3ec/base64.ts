/** Strict base64 for S3EC metadata values. @internal */
import { badMetadata } from './errors.js';

const CANONICAL = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes standard, padded base64 (what every official client writes) and checks the decoded
 * length. `Buffer.from(s, 'base64')` skips invalid characters silently; this refuses them,
 * and refuses a non-canonical encoding (two strings must never decode to the same bytes).
 * Throws FormatError (ERR_S3ENC_S3EC_BAD_METADATA) naming `key`.
 */
export function decodeBase64(
  value: string,
  key: string,
  length: { exactly: number } | { min: number; max: number },
): Buffer {
  if (typeof value !== 'string' || !CANONICAL.test(value)) {
    throw badMetadata(`${key} is not base64`);
  }
  const bytes = Buffer.from(value, 'base64');
  if (bytes.toString('base64') !== value) throw badMetadata(`${key} is not canonical base64`);
  const ok =
    'exactly' in length
      ? bytes.length === length.exactly
      : bytes.length >= length.min && bytes.length <= length.max;
  if (!ok) {
    const want = 'exactly' in length ? `${length.exactly}` : `${length.min}..${length.max}`;
    throw badMetadata(`${key} decodes to ${bytes.length} bytes, expected ${want}`);
  }
  return bytes;
}
