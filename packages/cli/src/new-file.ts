/**
 * `get --no-overwrite FILE`: the target is created exclusively, once the download is complete.
 * The library writes and verifies a private temporary file beside the target; it then becomes
 * the target with link(2), which fails if the name exists — no check-then-rename window in
 * which another process's file could be replaced. A failure at any point removes the
 * temporary file, so no half-written output is ever left.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, link, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { LocalFileError } from './cli-errors.js';

function exists(target: string, cause: unknown): LocalFileError {
  return new LocalFileError(
    'ERR_S3ENC_CLI_FILE_EXISTS',
    `${target} exists and --no-overwrite was given`,
    { cause },
  );
}

/** Runs `download` into a temporary name beside `target`, then gives it that name only if free. */
export async function getToNewFile<T>(
  target: string,
  download: (temporary: string) => Promise<T>,
): Promise<T> {
  const temporary = join(
    dirname(target),
    `.${basename(target)}.s3enc-${randomBytes(6).toString('hex')}.new`,
  );
  try {
    const result = await download(temporary);
    try {
      await link(temporary, target);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw exists(target, e);
      // File systems without hard links: an exclusive copy (O_EXCL), still never replacing.
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV')
        throw e;
      try {
        await copyFile(temporary, target, constants.COPYFILE_EXCL);
      } catch (c) {
        if ((c as NodeJS.ErrnoException).code === 'EEXIST') throw exists(target, c);
        await unlink(target).catch(() => undefined);
        throw c;
      }
    }
    return result;
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}
