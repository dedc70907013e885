/**
 * The error-code registry: every code any s3enc package raises or reports, with its family,
 * exit class and meaning. One table per area, joined here; `S3EncError.code` is typed from it
 * and a test keeps it and docs/errors.md equal.
 */
import { CLI_ERROR_CODES } from './cli.js';
import { CORE_ERROR_CODES } from './core.js';
import { OBJECT_LOCK_ERROR_CODES } from './object-lock.js';
import { POSTURE_ERROR_CODES } from './posture.js';
import { RESUME_ERROR_CODES } from './resume.js';
import { REWRAP_ERROR_CODES } from './rewrap.js';
import { S3EC_ERROR_CODES } from './s3ec.js';
import { FAMILY_EXIT, type ErrorCodeRow, type ErrorFamily, type ExitClass } from './row.js';
import { TRANSFER_ERROR_CODES } from './transfer.js';

export { FAMILY_EXIT, type ErrorCodeRow, type ErrorFamily, type ExitClass };

/** The tables by area, for tests that check no code is registered twice. @internal */
export const ERROR_CODE_TABLES = Object.freeze({
  core: CORE_ERROR_CODES,
  'object-lock': OBJECT_LOCK_ERROR_CODES,
  posture: POSTURE_ERROR_CODES,
  transfer: TRANSFER_ERROR_CODES,
  rewrap: REWRAP_ERROR_CODES,
  resume: RESUME_ERROR_CODES,
  s3ec: S3EC_ERROR_CODES,
  cli: CLI_ERROR_CODES,
});

/** Every error code s3enc raises or reports, with its family, exit class and meaning. */
export const ERROR_CODES = Object.freeze({
  ...CORE_ERROR_CODES,
  ...OBJECT_LOCK_ERROR_CODES,
  ...POSTURE_ERROR_CODES,
  ...TRANSFER_ERROR_CODES,
  ...REWRAP_ERROR_CODES,
  ...RESUME_ERROR_CODES,
  ...S3EC_ERROR_CODES,
  ...CLI_ERROR_CODES,
});

/** A registered error code, such as `'ERR_S3ENC_TAG_MISMATCH'`. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** True when `code` is a registered s3enc error code. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}

/**
 * What a caller should make of an error with this code raised in `family`: the code's own exit
 * class, or the family's when the code is raised by several families. Returns undefined for a
 * code that is not registered (an error from outside s3enc).
 */
export function exitClassOf(code: string, family: ErrorFamily): ExitClass | undefined {
  if (!isErrorCode(code)) return undefined;
  const row: ErrorCodeRow = ERROR_CODES[code];
  return row.exit === 'by-family' ? FAMILY_EXIT[family] : row.exit;
}
