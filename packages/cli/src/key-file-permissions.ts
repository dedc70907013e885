/**
 * Secret key files (`--key-file`, `--sse-c-key fileb://…`) must be private to their owner: a
 * key that other users of the machine can read is a key they hold, and one they can write is
 * one they can swap for their own. Like OpenSSH with private keys, a file with any permission
 * for group or others is refused unless the user names the override.
 */
import { stat } from 'node:fs/promises';
import { LocalFileError } from './cli-errors.js';

/** The option that accepts a key file other users can access. */
export const ALLOW_SHARED_KEY_FILE = 'allow-insecure-key-file-permissions';

/**
 * Throws unless `path` is accessible by its owner only. A file that cannot be stat'ed is left to
 * the reader, which reports it. No check on Windows, whose permissions are not mode bits.
 * @param what how the command line named the file, e.g. `--key-file`.
 * @throws LocalFileError `ERR_S3ENC_CLI_KEY_FILE_PERMISSIONS`.
 */
export async function assertPrivateKeyFile(
  path: string,
  what: string,
  allowShared: boolean,
): Promise<void> {
  if (allowShared || process.platform === 'win32') return;
  const st = await stat(path).catch(() => undefined);
  if (st === undefined || (st.mode & 0o077) === 0) return;
  const mode = (st.mode & 0o777).toString(8).padStart(4, '0');
  throw new LocalFileError(
    'ERR_S3ENC_CLI_KEY_FILE_PERMISSIONS',
    `${what} ${path} is accessible by group or others (mode ${mode}): make it private with \`chmod 600 ${path}\`, or pass --${ALLOW_SHARED_KEY_FILE} to use it anyway`,
  );
}
