/**
 * Key material is read from files named as the AWS CLI names them: `fileb://FILE` (the bytes
 * as they are) and `file://FILE` (the file read as text). A bare path is taken for `--key-file`
 * (it has always been a path); a key value on the command line is never accepted, since other
 * users of the machine can read command lines (ps, shell history).
 */
import { UsageError } from './cli-errors.js';

export interface KeyMaterialPath {
  path: string;
  /** `file://`: the content is text (the AWS CLI reads it as such), `fileb://`: bytes. */
  text: boolean;
}

/**
 * The path a key option names.
 * @param bare whether a plain path (no scheme) is accepted.
 */
export function keyMaterialPath(option: string, spec: string, bare: boolean): KeyMaterialPath {
  if (spec.startsWith('fileb://')) return { path: nonEmpty(option, spec.slice(8)), text: false };
  if (spec.startsWith('file://')) return { path: nonEmpty(option, spec.slice(7)), text: true };
  if (bare) return { path: spec, text: false };
  throw new UsageError(
    `${option} takes fileb://FILE (the raw key bytes) or file://FILE (the key as text: 64 hex or 44 base64 characters); the key itself is not accepted on the command line`,
  );
}

function nonEmpty(option: string, path: string): string {
  if (path === '') throw new UsageError(`${option} names no file`);
  return path;
}
