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

function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** Validates a caller's instruction file suffix. */
export function checkInstructionFileSuffix(suffix: unknown): string {
  if (
    typeof suffix !== 'string' ||
    suffix.length === 0 ||
    suffix.length > 256 ||
    hasControlCharacter(suffix)
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
