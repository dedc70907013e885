/**
 * The shape of a row of the error-code registry (docs/errors.md). Each package area keeps its
 * codes in one table file beside this one; `index.ts` joins them.
 */

/** The error class that raises a code, named by its family (docs/errors.md, first table). */
export type ErrorFamily =
  | 'invalid-argument'
  | 'insecure-transport'
  | 'format'
  | 'key-unwrap'
  | 'integrity'
  | 's3-request'
  | 'aborted'
  /** the base `S3EncError` (or the CLI's `LocalFileError`): a local failure of another kind */
  | 'other';

/**
 * What a caller (the CLI's exit code, a service's alerting) should make of a code:
 * `usage` fix the call or command line, `integrity` the object failed authentication or is not
 * readable, `access` a key or permission problem, `interrupted` cancelled, `failure` anything
 * else (network, S3, local files).
 */
export type ExitClass = 'usage' | 'integrity' | 'access' | 'interrupted' | 'failure';

/** One code: who raises it, what a caller should make of it, and what it means. */
export interface ErrorCodeRow {
  /** The family (class) that raises it; a list when different callers raise it in different families. */
  readonly family: ErrorFamily | readonly ErrorFamily[];
  /** `by-family`: the exit class follows the family the error was raised in ({@link FAMILY_EXIT}). */
  readonly exit: ExitClass | 'by-family';
  /** One line; docs/errors.md says more. */
  readonly meaning: string;
}

/** A table of codes: the keys are the codes. */
export type ErrorCodeTable = Readonly<Record<`ERR_S3ENC_${string}`, ErrorCodeRow>>;

/** The exit class of each family, for codes whose row says `by-family`. */
export const FAMILY_EXIT: Readonly<Record<ErrorFamily, ExitClass>> = Object.freeze({
  'invalid-argument': 'usage',
  'insecure-transport': 'usage',
  format: 'integrity',
  'key-unwrap': 'access',
  integrity: 'integrity',
  's3-request': 'failure',
  aborted: 'interrupted',
  other: 'failure',
});
