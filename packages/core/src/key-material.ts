/**
 * Key material in one place: the one strict decoder of 256-bit keys given by people (key files,
 * SSE-C keys from files or variables), the one `wipe()`, and the names a raw AES key is
 * recorded under in headers (docs/FORMAT.md, "Key files").
 *
 * Accepted encodings of a 256-bit key, and nothing else:
 * - `raw`: exactly 32 bytes, taken as they are (no trimming: every byte is key);
 * - `hex`: exactly 64 hex digits (either case);
 * - `base64`: exactly 44 characters of the standard alphabet ending in one `=`, canonical
 *   (the unused low bits are zero).
 * Text may be followed by one line ending (`\n` or `\r\n`) and by nothing else: no leading or
 * inner whitespace, no other trailing bytes, no comments.
 */
import { createHash, createHmac } from 'node:crypto';
import { InvalidArgumentError } from './errors.js';
import type { ErrorCode } from './error-codes/index.js';

/** Bytes of an AES-256 key. */
export const KEY_LENGTH = 32;

/** An encoding {@link decodeKey256} accepts. */
export type KeyEncoding = 'raw' | 'hex' | 'base64';

/** Options of {@link decodeKey256}. */
export interface DecodeKeyOptions {
  /** The encodings to accept; default all three. */
  readonly accept?: readonly KeyEncoding[];
  /** The code of the InvalidArgumentError thrown for a bad key; default ERR_S3ENC_INVALID_KEY. */
  readonly code?: ErrorCode;
  /** What the key is, for the error message (never the key itself); default "key". */
  readonly what?: string;
}

const HEX = /^[0-9a-fA-F]{64}$/;
const BASE64 = /^[A-Za-z0-9+/]{43}=$/;
const ALL: readonly KeyEncoding[] = ['raw', 'hex', 'base64'];

/** The text without one trailing line ending (any other whitespace stays, and fails the match). */
function stripLineEnding(text: string): string {
  if (text.endsWith('\r\n')) return text.slice(0, -2);
  if (text.endsWith('\n')) return text.slice(0, -1);
  return text;
}

/**
 * Decodes a 256-bit key from a file's bytes or a variable's text (see the file comment for
 * the exact rules). Returns a new 32-byte Buffer the caller owns and should {@link wipe}; the
 * input is not modified (wipe it too when it came from a file). Throws InvalidArgumentError
 * (`options.code`, default ERR_S3ENC_INVALID_KEY) for anything else; the message never shows
 * the input.
 */
export function decodeKey256(input: Uint8Array | string, options?: DecodeKeyOptions): Buffer {
  const accept = options?.accept ?? ALL;
  const fail = (): never => {
    throw new InvalidArgumentError(
      `${options?.what ?? 'key'} must hold a 256-bit key: ${accept
        .map((e) =>
          e === 'raw' ? '32 raw bytes' : e === 'hex' ? '64 hex digits' : '44 base64 characters',
        )
        .join(', ')} (text optionally followed by one line ending)`,
      { code: options?.code ?? 'ERR_S3ENC_INVALID_KEY' },
    );
  };
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) return fail();
  if (typeof input !== 'string' && input.byteLength === KEY_LENGTH) {
    if (!accept.includes('raw')) return fail();
    return owned(input);
  }
  // Text forms are ASCII. (A string cannot be wiped: it lives until collected.)
  const text = stripLineEnding(
    typeof input === 'string'
      ? input
      : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1'),
  );
  if (accept.includes('hex') && HEX.test(text)) return owned(Buffer.from(text, 'hex'), true);
  if (accept.includes('base64') && BASE64.test(text)) {
    const key = Buffer.from(text, 'base64');
    // Canonical only: re-encoding gives the same text (no stray low bits in the last digit).
    if (key.length === KEY_LENGTH && key.toString('base64') === text) return owned(key, true);
    wipe(key);
  }
  return fail();
}

/**
 * A copy in a buffer that owns its whole ArrayBuffer (never a slice of Node's shared pool, so
 * wiping it wipes every copy we made, and keyrings that want an owning buffer accept it).
 * `wipeSource`: the source was our temporary; wipe it.
 */
function owned(source: Uint8Array, wipeSource = false): Buffer {
  const out = Buffer.alloc(KEY_LENGTH);
  out.set(source);
  if (wipeSource) wipe(source);
  return out;
}

/** Zeroes every buffer given (undefined entries are skipped). Use it for every key buffer you own. */
export function wipe(...buffers: readonly (Uint8Array | undefined)[]): void {
  for (const b of buffers) b?.fill(0);
}

/** The namespace (provider id) s3enc records key-file keys under. */
export const RAW_KEY_NAMESPACE = 's3enc-raw-aes';

/** Fixed label of the key-name derivation: domain separation from every other use of the key. */
const KEY_NAME_LABEL = 's3enc raw AES key name v1';

/**
 * The key name s3enc records in headers for a raw AES key:
 * `hmac-sha256:` + the first 16 bytes, in hex, of HMAC-SHA256(key, "s3enc raw AES key name v1").
 * Keyed and domain-separated, so the name is no plain hash of the key and no other use of the
 * key can produce it. Not secret: it tells which key file an object needs.
 */
export function rawKeyName(key: Uint8Array): string {
  checkKeyLength(key);
  const mac = createHmac('sha256', key).update(KEY_NAME_LABEL, 'utf8').digest();
  const name = `hmac-sha256:${mac.subarray(0, 16).toString('hex')}`;
  wipe(mac);
  return name;
}

/**
 * The name s3enc 0.1 recorded for a raw AES key (`sha256:` + 16 hex digits of its SHA-256).
 * Read-only: accepted on decrypt so stored objects open; never written.
 */
export function legacyRawKeyName(key: Uint8Array): string {
  checkKeyLength(key);
  const digest = createHash('sha256').update(key).digest();
  const name = `sha256:${digest.toString('hex').slice(0, 16)}`;
  wipe(digest);
  return name;
}

function checkKeyLength(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.byteLength !== KEY_LENGTH) {
    throw new InvalidArgumentError('key must be 32 bytes (AES-256)', {
      code: 'ERR_S3ENC_INVALID_KEY',
    });
  }
}
