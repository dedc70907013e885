/**
 * Codes of a resumed put and of the incomplete-upload commands (docs/errors.md, "Resumed puts
 * and incomplete uploads"; docs/transfer.md, "Resuming a put").
 * Adding a code: one row here plus its row in docs/errors.md (a test compares them).
 */
import type { ErrorCodeTable } from './row.js';

export const RESUME_ERROR_CODES = {
  ERR_S3ENC_RESUME_UNSUPPORTED: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning: 'a resume state file was given for a source other than a file, or another format',
  },
  ERR_S3ENC_RESUME_STATE_INVALID: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning:
      'the resume state file is unreadable, malformed or too large, names another bucket, key or file, or its parts do not fit its own plan',
  },
  ERR_S3ENC_RESUME_HEADER: {
    family: 'format',
    exit: 'integrity',
    meaning: 'the header a put resumes from is not exactly one v2 header of suite 0x0478',
  },
  ERR_S3ENC_RESUME_SOURCE_CHANGED: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning:
      'the file changed since the interrupted put (size, modification time, or the bytes of a stored part)',
  },
  ERR_S3ENC_RESUME_STATE_MISMATCH: {
    family: 's3-request',
    exit: 'failure',
    meaning:
      "S3's list of the upload's parts disagrees with the state file (a part missing, another size or ETag, a part number out of range)",
  },
  ERR_S3ENC_RESUME_UPLOAD_GONE: {
    family: 's3-request',
    exit: 'failure',
    meaning: 'the multipart upload named by the state file no longer exists (aborted or completed)',
  },
  ERR_S3ENC_RESUME_STATE_WRITE: {
    family: 'other',
    exit: 'failure',
    meaning: 'the resume state file could not be written; the upload was aborted',
  },
} as const satisfies ErrorCodeTable;
