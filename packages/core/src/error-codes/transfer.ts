/**
 * Codes raised by the transport and transfer engine of @s3enc/node and the checksum helpers (docs/errors.md, "Transfer").
 * Adding a code: one row here plus its row in docs/errors.md (a test compares them).
 */
import type { ErrorCodeTable } from './row.js';

export const TRANSFER_ERROR_CODES = {
  ERR_S3ENC_TLS_VERIFICATION_REQUIRED: {
    family: 'insecure-transport',
    exit: 'usage',
    meaning: 'an option tried to turn certificate checks off',
  },
  ERR_S3ENC_TLS_VERSION: {
    family: 'insecure-transport',
    exit: 'usage',
    meaning: 'minVersion below TLSv1.2, or maxVersion / secureProtocol / ciphers given',
  },
  ERR_S3ENC_CA_UNREADABLE: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning: 'the ca file path cannot be read',
  },
  ERR_S3ENC_SOURCE_FAILED: {
    family: 'other',
    exit: 'failure',
    meaning: 'the upload source failed while being read (a stream error, an unreadable file)',
  },
  ERR_S3ENC_WORKERS_UNSUPPORTED: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning: 'workers forced for a transfer they cannot serve',
  },
  ERR_S3ENC_WORKER_FAILED: {
    family: 'other',
    exit: 'failure',
    meaning: 'a transfer worker thread failed to start or exited mid-transfer',
  },
  ERR_S3ENC_WRITE_FAILED: {
    family: 'other',
    exit: 'failure',
    meaning: 'getToFile: the file system accepted no bytes of a write',
  },
  ERR_S3ENC_INVALID_SOURCE: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning:
      'put got a source it cannot read, a stream yielded non-bytes, or a stream was read twice',
  },
  ERR_S3ENC_SIZE_MISMATCH: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning:
      'a source delivered a different number of bytes than announced, or a file changed size during the upload',
  },
  ERR_S3ENC_UNSAFE_KEY: {
    family: 'invalid-argument',
    exit: 'failure',
    meaning: 'a bulk download: an object key would be written outside the target directory',
  },
  ERR_S3ENC_OBJECT_TOO_LARGE: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning:
      "the encrypted object would exceed S3's 5 TiB limit (checked before any request for a known size)",
  },
  ERR_S3ENC_INVALID_SSE: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning: 'unknown sse.type, empty SSE-KMS key id, or a context that is not strings',
  },
  ERR_S3ENC_INVALID_SSE_C_KEY: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning:
      'the SSE-C key is not 32 bytes, its file or variable is missing, or the key object was destroyed',
  },
  ERR_S3ENC_INVALID_CHECKSUM_ALGORITHM: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning: 'not one of CRC32, CRC32C, CRC64NVME, SHA1, SHA256',
  },
  ERR_S3ENC_INVALID_CHECKSUM_TYPE: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning:
      'a checksum type S3 does not offer for the algorithm (COMPOSITE CRC64NVME, FULL_OBJECT SHA)',
  },
  ERR_S3ENC_NO_CHECKSUM: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning: 'verifyFileChecksum / verifyObjectChecksum: the object has no checksum',
  },
  ERR_S3ENC_NOT_ENCRYPTED: {
    family: 'format',
    exit: 'integrity',
    meaning: 'get/getToFile of an object that is not an s3enc (AWS Encryption SDK) message',
  },
  ERR_S3ENC_CHECKSUM_MISMATCH: {
    family: 'integrity',
    exit: 'integrity',
    meaning: 'S3 echoed a checksum different from the one s3enc computed and sent',
  },
  ERR_S3ENC_SIGNED_MESSAGE_TOO_LARGE: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning: 'get of a signed-suite object whose plaintext exceeds maxSignedPlaintextInMemory',
  },
  ERR_S3ENC_OBJECT_EXISTS: {
    family: 's3-request',
    exit: 'failure',
    meaning: 'put with noOverwrite and the key exists (HTTP 412 on If-None-Match: *)',
  },
  ERR_S3ENC_OBJECT_CHANGED: {
    family: 's3-request',
    exit: 'failure',
    meaning: 'the object was overwritten during a download',
  },
  ERR_S3ENC_NO_SUCH_KEY: {
    family: 's3-request',
    exit: 'failure',
    meaning: '404 from S3',
  },
  ERR_S3ENC_ACCESS_DENIED: {
    family: 's3-request',
    exit: 'access',
    meaning: '403 from S3 (also a wrong SSE-C key on some servers',
  },
  ERR_S3ENC_RANGE_UNSUPPORTED: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning:
      'a range asked of an object whose format authenticates only whole (signed suite, S3EC)',
  },
  ERR_S3ENC_BAD_RESPONSE: {
    family: 's3-request',
    exit: 'failure',
    meaning:
      'a server answer that contradicts the request (over-long body, wrong Content-Range, impossible size)',
  },
  ERR_S3ENC_S3_REQUEST: {
    family: 's3-request',
    exit: 'failure',
    meaning: 'any other S3 failure after retries',
  },
} as const satisfies ErrorCodeTable;
