/**
 * Detecting an AWS Encryption SDK message from its first bytes (docs/FORMAT.md, "Header"),
 * with the data-key cap applied while parsing: core reads the count of encrypted data keys from
 * its fixed place before any of them is parsed, so a header listing thousands of keys costs
 * nothing and is refused (FormatError ERR_S3ENC_TOO_MANY_DATA_KEYS).
 * @internal
 */
import { FormatError, MAX_FRAME_LENGTH, parseHeader, type HeaderInfo } from '@s3enc/core';

/** A parsed header: its length and description. */
export interface ParsedHeader {
  readonly headerLength: number;
  readonly info: HeaderInfo;
}

/** Algorithm suites of the message format (v1 and v2), committing or not, signed or not. */
const KNOWN_SUITES = new Set([
  0x0014, 0x0046, 0x0078, 0x0114, 0x0146, 0x0178, 0x0214, 0x0346, 0x0378, 0x0478, 0x0578,
]);

/**
 * Whether `b` starts like a header of a known suite: v2 = version(1) suite(2) …, v1 =
 * version(1) type 0x80(1) suite(2) …. Only then is the data-key cap applied while parsing, so
 * someone else's bytes that happen to start with 0x01 or 0x02 stay someone else's.
 */
function knownSuitePrefix(b: Buffer): boolean {
  if (b[0] === 0x02 && b.length >= 3) return KNOWN_SUITES.has(b.readUInt16BE(1));
  if (b[0] === 0x01 && b.length >= 4 && b[1] === 0x80) return KNOWN_SUITES.has(b.readUInt16BE(2));
  return false;
}

/**
 * Reads the header at the start of `head`.
 *
 * @returns the header; undefined when more bytes are needed.
 * @throws FormatError ERR_S3ENC_TOO_MANY_DATA_KEYS (before the keys are parsed) when a header
 *   of a known suite lists more than `maxEncryptedDataKeys`; ERR_S3ENC_FRAME_TOO_LARGE for a
 *   frame length above 64 MiB; ERR_S3ENC_BAD_HEADER / ERR_S3ENC_UNSUPPORTED_FORMAT when the
 *   bytes are not a framed message header.
 */
export function readHeader(head: Buffer, maxEncryptedDataKeys: number): ParsedHeader | undefined {
  // core refuses a count over the cap from the count field, before parsing any data key.
  const cap = knownSuitePrefix(head) ? { maxEncryptedDataKeys } : {};
  const parsed = parseHeader(head, cap);
  if (parsed !== undefined && parsed.info.frameLength > MAX_FRAME_LENGTH) {
    throw new FormatError(
      'ERR_S3ENC_FRAME_TOO_LARGE',
      `The message frame length exceeds ${MAX_FRAME_LENGTH} bytes`,
    );
  }
  return parsed;
}
