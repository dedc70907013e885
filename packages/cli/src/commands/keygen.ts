/** `s3enc keygen <file>`: a fresh raw AES-256 key, written with mode 0600, never over a file. */
import { randomBytes } from 'node:crypto';
import { open, unlink } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LocalFileError } from '../cli-errors.js';
import type { CommandContext } from '../command.js';

export async function run(ctx: CommandContext): Promise<number | undefined> {
  const target = resolve(ctx.positionals[0]!);
  const key = randomBytes(32);
  let fh;
  try {
    // 'wx' = O_CREAT|O_EXCL: fails if anything (file, symlink) is already there, without a race.
    fh = await open(target, 'wx', 0o600);
  } catch (e) {
    key.fill(0);
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new LocalFileError(
        'ERR_S3ENC_CLI_FILE_EXISTS',
        `${target} already exists; keygen never overwrites a key file (it may be the only copy of a key). Choose another name.`,
      );
    }
    throw new LocalFileError(
      'ERR_S3ENC_CLI_FILE',
      `cannot create ${target}: ${(e as Error).message}`,
      { cause: e },
    );
  }
  try {
    await fh.chmod(0o600); // the umask could only have narrowed it; make it exact
    await fh.writeFile(key);
    await fh.sync();
  } catch (e) {
    // A short or empty key file would block the name (keygen never overwrites) and could not be
    // loaded: remove what we created.
    await fh.close().catch(() => undefined);
    fh = undefined;
    await unlink(target).catch(() => undefined);
    throw new LocalFileError(
      'ERR_S3ENC_CLI_FILE',
      `cannot write ${target}: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  } finally {
    key.fill(0);
    await fh?.close();
  }
  ctx.out.result(
    { ok: true, keyFile: target, bytes: 32, mode: '0600' },
    () =>
      `Wrote a new AES-256 key to ${target} (mode 0600).\nKeep it secret and back it up: objects encrypted with it cannot be decrypted without it.\nUse it with: s3enc put FILE s3://bucket/key --key-file ${ctx.positionals[0]!}`,
  );
  return undefined;
}
