/** Instruction files: their key, and the metadata the writers put on them. */
import { InvalidArgumentError } from '../errors.js';
import * as K from './constants.js';

/**
 * The key of an object's instruction file: `<key><suffix>`, `.instruction` by default. Throws
 * InvalidArgumentError for a suffix that is empty, has control characters, or is longer than
 * 256 characters.
 */
export function instructionFileKey(
  key: string,
  suffix: string = K.DEFAULT_INSTRUCTION_FILE_SUFFIX,
): string {
  checkInstructionFileSuffix(suffix);
  return key + suffix;
}

/** Validates a caller's instruction file suffix. */
export function checkInstructionFileSuffix(suffix: unknown): string {
  // eslint-disable-next-line no-control-regex
  if (
    typeof suffix !== 'string' ||
    suffix.length === 0 ||
    suffix.length > 256 ||
    /[\x00-\x1f\x7f]/.test(suffix)
  ) {
    throw new InvalidArgumentError(
      'instructionFileSuffix must be a non-empty string of at most 256 printable characters',
    );
  }
  return suffix;
}

/** User metadata of an instruction file object (marks it as one, as the official clients do). */
export const INSTRUCTION_FILE_OBJECT_METADATA: Readonly<Record<string, string>> = Object.freeze({
  [K.INSTRUCTION_FILE_MARKER]: '',
});
