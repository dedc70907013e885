/**
 * Codes raised by @s3enc/core: arguments, the message format, keys, integrity (docs/errors.md, "Core").
 * Adding a code: one row here plus its row in docs/errors.md (a test compares them).
 */
import type { ErrorCodeTable } from './row.js';

export const CORE_ERROR_CODES = {
  ERR_S3ENC_INVALID_ARGUMENT: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning: 'generic invalid argument (a more precise code is used where one exists)',
  },
  ERR_S3ENC_INSECURE_TRANSPORT: {
    family: 'insecure-transport',
    exit: 'usage',
    meaning: 'generic insecure transport',
  },
  ERR_S3ENC_ABORTED: {
    family: 'aborted',
    exit: 'interrupted',
    meaning: 'the operation was cancelled',
  },
  ERR_S3ENC_INVALID_FRAME_LENGTH: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning: 'frame length not an integer in 1..64 MiB',
  },
  ERR_S3ENC_INVALID_RANGE: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning: 'a plaintext range outside 0 ≤ start ≤ end ≤ plaintextSize',
  },
  ERR_S3ENC_RANGE_LENGTH: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning: 'decryptRange got other than exactly the bytes frameRangeFor names',
  },
  ERR_S3ENC_LAYOUT_MISMATCH: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning: "decryptRange layout (frame or header length) differs from the session's",
  },
  ERR_S3ENC_TOO_MANY_PARTS: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning: 'planParts cannot fit the message in maxParts',
  },
  ERR_S3ENC_INVALID_SEQUENCE: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning: 'a frame sequence number outside 1..2³²−2',
  },
  ERR_S3ENC_MISALIGNED_FRAMES: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning: 'non-final plaintext given to sealFrames is not a positive multiple of F',
  },
  ERR_S3ENC_BUFFER_TOO_SMALL: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning: 'sealFramesInto/openFramesInto output buffer lacks room',
  },
  ERR_S3ENC_SESSION_DESTROYED: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning: 'a session used after destroy()',
  },
  ERR_S3ENC_HANDOFF_UNSUPPORTED: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning: 'handOffFrameKey on a session whose suite cannot hand its frame key to a worker',
  },
  ERR_S3ENC_INVALID_CONTEXT: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning: 'encryption context not an object of non-empty string keys to strings',
  },
  ERR_S3ENC_RESERVED_CONTEXT_KEY: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning: 'a context key starting aws-crypto- on encrypt',
  },
  ERR_S3ENC_INVALID_DATA_KEY_CACHE: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning:
      'data-key cache options out of range (maxAgeMs required; maxMessages, maxBytes, capacity, partition)',
  },
  ERR_S3ENC_INVALID_KEY: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning: 'raw AES key not 32 bytes (or key file not 32 raw / hex / base64 bytes)',
  },
  ERR_S3ENC_DISCOVERY_FILTER_REQUIRED: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning:
      'kmsDiscoveryKeyring without a discoveryFilter and without trustAnyKmsKeyForDecryption: true',
  },
  ERR_S3ENC_TOO_MANY_DATA_KEYS: {
    family: ['invalid-argument', 'format'],
    exit: 'by-family',
    meaning:
      'the keyring wrapped the data key, or the header lists, more than maxEncryptedDataKeys (default 3)',
  },
  ERR_S3ENC_UNSUPPORTED_FORMAT: {
    family: 'format',
    exit: 'integrity',
    meaning: 'not an AWS Encryption SDK message (unknown version) or a non-framed one',
  },
  ERR_S3ENC_BAD_HEADER: {
    family: 'format',
    exit: 'integrity',
    meaning: 'malformed header',
  },
  ERR_S3ENC_TRUNCATED_HEADER: {
    family: 'format',
    exit: 'integrity',
    meaning: 'fewer bytes than a whole header (describeMessage, beginDecryption)',
  },
  ERR_S3ENC_BAD_MESSAGE_SIZE: {
    family: 'format',
    exit: 'integrity',
    meaning: 'no framed message with this frame and header length has that size',
  },
  ERR_S3ENC_MESSAGE_TOO_LARGE: {
    family: 'format',
    exit: 'integrity',
    meaning: 'more frames than the format allows, or a size beyond 2⁵³',
  },
  ERR_S3ENC_FRAME_TOO_LARGE: {
    family: 'format',
    exit: 'integrity',
    meaning: 'a header announces a frame length above 64 MiB (refused before any key is unwrapped)',
  },
  ERR_S3ENC_COMMITMENT_POLICY: {
    family: 'format',
    exit: 'integrity',
    meaning: 'a non-committing suite under REQUIRE_ENCRYPT_REQUIRE_DECRYPT',
  },
  ERR_S3ENC_SIGNED_MESSAGE: {
    family: 'format',
    exit: 'usage',
    meaning: 'frame-by-frame reading of a signed message without releaseUnverifiedPlaintext',
  },
  ERR_S3ENC_DATA_KEY_UNAVAILABLE: {
    family: 'key-unwrap',
    exit: 'access',
    meaning: 'the keyring could not produce a data key (KMS denied/unreachable)',
  },
  ERR_S3ENC_NO_DATA_KEY: {
    family: 'key-unwrap',
    exit: 'access',
    meaning: 'no keyring entry could unwrap any encrypted data key',
  },
  ERR_S3ENC_CONTEXT_MISMATCH: {
    family: 'key-unwrap',
    exit: 'integrity',
    meaning: 'the message context lacks a required pair',
  },
  ERR_S3ENC_TAG_MISMATCH: {
    family: 'integrity',
    exit: 'integrity',
    meaning: "a frame's tag does not verify",
  },
  ERR_S3ENC_FRAME_SEQUENCE: {
    family: 'integrity',
    exit: 'integrity',
    meaning: 'dropped, duplicated or reordered frames',
  },
  ERR_S3ENC_BAD_FRAME: {
    family: 'integrity',
    exit: 'integrity',
    meaning: 'frame IV not derived from its sequence number, or final frame longer than F',
  },
  ERR_S3ENC_TRUNCATED: {
    family: 'integrity',
    exit: 'integrity',
    meaning: 'message or frame cut short',
  },
  ERR_S3ENC_TRAILING_DATA: {
    family: 'integrity',
    exit: 'integrity',
    meaning: 'bytes after the final frame',
  },
  ERR_S3ENC_COMMITMENT_MISMATCH: {
    family: 'integrity',
    exit: 'integrity',
    meaning: 'key commitment does not match the data key',
  },
  ERR_S3ENC_HEADER_TAG_MISMATCH: {
    family: 'integrity',
    exit: 'integrity',
    meaning: 'header auth tag does not verify',
  },
  ERR_S3ENC_SIGNATURE_MISMATCH: {
    family: 'integrity',
    exit: 'integrity',
    meaning: 'signed suites: footer signature missing or wrong',
  },
  ERR_S3ENC_RANGE_MISMATCH: {
    family: 'integrity',
    exit: 'integrity',
    meaning: 'decryptRange: the fetched frames do not end as the layout says',
  },
} as const satisfies ErrorCodeTable;
