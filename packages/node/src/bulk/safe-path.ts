/**
 * Object keys are chosen by whoever wrote the bucket: a key such as `../../.ssh/authorized_keys`
 * or `/etc/passwd` must never place a file outside the target directory.
 */
import { isAbsolute, join, normalize, relative, sep } from 'node:path';

/**
 * The local path for the part of a key below the prefix, or undefined when it would leave
 * `root` (`..` segments, an absolute path, NUL, empty segments, a backslash on Windows).
 */
export function localPathFor(root: string, relativeKey: string): string | undefined {
  if (relativeKey === '' || relativeKey.includes('\0')) return undefined;
  const segments = relativeKey.split('/');
  for (const s of segments) {
    if (s === '' || s === '.' || s === '..') return undefined;
    if (sep === '\\' && (s.includes('\\') || s.includes(':'))) return undefined;
  }
  if (isAbsolute(relativeKey)) return undefined;
  const path = join(root, ...segments);
  const back = relative(normalize(root), path);
  if (back === '' || back === '..' || back.startsWith(`..${sep}`) || isAbsolute(back))
    return undefined;
  return path;
}
