/**
 * The mode of a file `get` writes. s3enc writes decrypted data private to its owner (0600) by
 * default: the object was encrypted because its content is sensitive, and a mode that follows
 * a permissive umask (0644 is common) would hand the plaintext to every user of the machine.
 * `aws s3 cp` follows the umask; `--follow-umask` asks for that instead.
 */
import { chmod } from 'node:fs/promises';

/** The option that asks for the umask's mode. */
export const FOLLOW_UMASK = 'follow-umask';

/** The mode a new file gets under the process umask (0666 & ~umask), as `aws s3 cp` leaves it. */
export function umaskMode(): number {
  // Reading the umask means setting it: set it back at once (single-threaded, no files opened between).
  const mask = process.umask(0o022);
  process.umask(mask);
  return 0o666 & ~mask;
}

/** Applies the umask's mode to a file just written (it was created 0600). */
export async function applyUmaskMode(path: string): Promise<void> {
  await chmod(path, umaskMode());
}
