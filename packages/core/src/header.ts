/**
 * Header parsing and description (docs/FORMAT.md, "Header"). Deserialisation is
 * `@aws-crypto/serialize`'s; this file maps its results and errors to ours.
 */
import {
  NodeAlgorithmSuite,
  type AlgorithmSuiteIdentifier,
} from '@aws-crypto/material-management-node';
import {
  ContentType,
  deserializeFactory,
  type HeaderInfo as AwsHeaderInfo,
} from '@aws-crypto/serialize';
import { FormatError, InvalidArgumentError } from './errors.js';
import type { HeaderInfo } from './types.js';

const toUtf8 = (b: Uint8Array): string =>
  Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
const deserialize = deserializeFactory(toUtf8, NodeAlgorithmSuite);

/** A parsed header: our description plus what the decryptor needs. @internal */
export interface ParsedHeader {
  /** Header length including the header auth section. */
  readonly headerLength: number;
  readonly info: HeaderInfo;
  /** @internal the `@aws-crypto/serialize` view, used by the decryptor. */
  readonly raw: AwsHeaderInfo;
}

function asBytes(bytes: Uint8Array): Uint8Array {
  if (!(bytes instanceof Uint8Array))
    throw new InvalidArgumentError('header bytes must be a Uint8Array');
  return bytes;
}

/** Bytes before the AAD length field: version ‖ suite ‖ message id (v2); version ‖ type ‖ suite ‖ message id (v1). */
const PREFIX_LENGTH: Readonly<Record<number, number>> = { 2: 1 + 2 + 32, 1: 1 + 1 + 2 + 16 };

/**
 * The encrypted-data-key count of a header (docs/FORMAT.md, "Header"), read from its count
 * field without parsing any data key; undefined until enough bytes are there.
 */
function encryptedDataKeyCount(buf: Uint8Array): number | undefined {
  const prefix = PREFIX_LENGTH[buf[0] ?? 0];
  if (prefix === undefined || buf.byteLength < prefix + 2) return undefined;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const at = prefix + 2 + dv.getUint16(prefix);
  return buf.byteLength < at + 2 ? undefined : dv.getUint16(at);
}

/**
 * Parses a header at the start of `bytes`. Returns undefined when more bytes are needed;
 * throws FormatError (ERR_S3ENC_BAD_HEADER, ERR_S3ENC_UNSUPPORTED_FORMAT) when the bytes are
 * not a header this library can read, and ERR_S3ENC_TOO_MANY_DATA_KEYS as soon as the count
 * field says more than `maxEncryptedDataKeys` (before any data key is parsed). Makes no key or
 * network call.
 * @internal use {@link parseHeader} from outside the package.
 */
export function parseHeaderFull(
  bytes: Uint8Array,
  maxEncryptedDataKeys: number | false = false,
): ParsedHeader | undefined {
  const buf = asBytes(bytes);
  if (buf.byteLength >= 1 && buf[0] !== 0x01 && buf[0] !== 0x02) {
    throw new FormatError(
      'ERR_S3ENC_UNSUPPORTED_FORMAT',
      'Not an AWS Encryption SDK message (unknown version)',
    );
  }
  if (maxEncryptedDataKeys !== false) {
    const count = encryptedDataKeyCount(buf);
    if (count !== undefined && count > maxEncryptedDataKeys) {
      throw new FormatError(
        'ERR_S3ENC_TOO_MANY_DATA_KEYS',
        `The message lists more than ${maxEncryptedDataKeys} encrypted data keys`,
      );
    }
  }
  let raw: AwsHeaderInfo | false;
  try {
    // The cap was applied above, from the count field, before any data key is parsed.
    raw = deserialize.deserializeMessageHeader(buf, { maxEncryptedDataKeys: false });
  } catch (cause) {
    throw new FormatError('ERR_S3ENC_BAD_HEADER', 'Malformed message header', { cause });
  }
  if (raw === false) return undefined;
  const { messageHeader: h, algorithmSuite: suite } = raw;
  if (h.contentType !== ContentType.FRAMED_DATA) {
    throw new FormatError('ERR_S3ENC_UNSUPPORTED_FORMAT', 'Non-framed messages are not supported');
  }
  if (h.frameLength < 1) {
    throw new FormatError('ERR_S3ENC_BAD_HEADER', 'Framed message with a zero frame length');
  }
  const info: HeaderInfo = Object.freeze({
    version: h.version,
    suiteId: suite.id,
    suiteName: suite.name,
    messageId: Buffer.from(h.messageId).toString('hex'),
    frameLength: h.frameLength,
    framed: true,
    encryptionContext: Object.freeze({ ...h.encryptionContext }),
    encryptedDataKeys: Object.freeze(
      h.encryptedDataKeys.map((k) =>
        Object.freeze({
          providerId: k.providerId,
          providerInfo: k.providerInfo,
          keyId: keyIdOf(k),
        }),
      ),
    ),
    committing: suite.commitment === 'KEY',
    signed: suite.signatureCurve !== undefined,
  });
  return { headerLength: raw.headerLength + raw.headerAuth.headerAuthLength, info, raw };
}

/** Options of {@link parseHeader} and {@link describeMessage}. */
export interface ParseHeaderOptions {
  /**
   * Refuse (FormatError ERR_S3ENC_TOO_MANY_DATA_KEYS) a header that lists more encrypted data
   * keys than this, before parsing any of them. Default: no cap (describing is not decrypting;
   * readers that go on to decrypt pass their cap, e.g. DEFAULT_MAX_ENCRYPTED_DATA_KEYS).
   */
  readonly maxEncryptedDataKeys?: number;
}

function capOf(options: ParseHeaderOptions | undefined): number | false {
  const cap = options?.maxEncryptedDataKeys;
  if (cap === undefined) return false;
  if (!Number.isSafeInteger(cap) || cap < 1)
    throw new InvalidArgumentError('maxEncryptedDataKeys must be a positive integer');
  return cap;
}

/**
 * Parses the header at the start of `bytes` without unwrapping any key. Returns undefined when
 * `bytes` holds only part of a header (read more and call again); throws FormatError when the
 * bytes are not a framed AWS Encryption SDK message.
 */
export function parseHeader(
  bytes: Uint8Array,
  options?: ParseHeaderOptions,
): { headerLength: number; info: HeaderInfo } | undefined {
  const p = parseHeaderFull(bytes, capOf(options));
  return p === undefined ? undefined : { headerLength: p.headerLength, info: p.info };
}

/**
 * Describes a message from its first bytes: suite, frame length, message id, encryption
 * context, key providers and key ids. Returns the description; throws FormatError when the
 * bytes are malformed or hold less than a whole header (ERR_S3ENC_TRUNCATED_HEADER).
 */
export function describeMessage(bytes: Uint8Array, options?: ParseHeaderOptions): HeaderInfo {
  const p = parseHeaderFull(bytes, capOf(options));
  if (p === undefined)
    throw new FormatError('ERR_S3ENC_TRUNCATED_HEADER', 'Incomplete message header');
  return p.info;
}

/**
 * A readable id for an encrypted data key: the KMS key ARN, or `namespace/keyName` for a raw
 * AES key (whose provider info also carries binary IV and tag lengths). @internal
 */
export function keyIdOf(k: {
  providerId: string;
  providerInfo: string;
  rawInfo?: Uint8Array;
}): string {
  const raw = k.rawInfo;
  if (k.providerId !== 'aws-kms' && raw !== undefined && raw.byteLength >= 20) {
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const n = raw.byteLength;
    if (dv.getUint32(n - 20) === 128 && dv.getUint32(n - 16) === 12) {
      return `${k.providerId}/${toUtf8(raw.subarray(0, n - 20))}`;
    }
  }
  return k.providerInfo;
}

/** @internal */
export function suiteOf(id: AlgorithmSuiteIdentifier): NodeAlgorithmSuite {
  return new NodeAlgorithmSuite(id);
}
