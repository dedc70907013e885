/**
 * The resume state on disk: read with a bound, written atomically (a private temporary file in
 * the same directory, flushed, then renamed over the old one) with mode 0600, so a crash at any
 * moment leaves either the old state or the new one, never half of one.
 * @internal
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InvalidArgumentError, S3EncError } from '@s3enc/core';
import { MAX_PARTS } from '../../../context.js';
import { parseResumeState, serializeResumeState, type ResumeState } from './resume-state.js';

/** A state file is small: a header (≤ 64 KiB as base64) and ≤ 10,000 part lines of ≤ 1.5 KiB. */
export const MAX_STATE_FILE_BYTES = 128 * 1024 + MAX_PARTS * 1536;

/**
 * The state at `path`, or undefined when there is none.
 * @throws InvalidArgumentError ERR_S3ENC_RESUME_STATE_INVALID (unreadable, too large, malformed).
 */
export async function readStateFile(path: string): Promise<ResumeState | undefined> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw unreadable(path, e);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw unreadable(path, new Error('not a regular file'));
    // Read one byte past the bound: a file that grew after stat is still refused.
    const buf = Buffer.alloc(Math.min(st.size, MAX_STATE_FILE_BYTES) + 1);
    let got = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, got, buf.length - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
      if (got === buf.length) break;
    }
    if (got > MAX_STATE_FILE_BYTES) {
      throw new InvalidArgumentError(
        `the resume state file ${path} is larger than ${MAX_STATE_FILE_BYTES} bytes`,
        { code: 'ERR_S3ENC_RESUME_STATE_INVALID' },
      );
    }
    return parseResumeState(buf.subarray(0, got).toString('utf8'));
  } finally {
    await fh.close();
  }
}

function unreadable(path: string, cause: unknown): InvalidArgumentError {
  return new InvalidArgumentError(`the resume state file ${path} cannot be read`, {
    code: 'ERR_S3ENC_RESUME_STATE_INVALID',
    cause,
  });
}

/**
 * Writes `state` to `path` atomically with mode 0600.
 * @throws S3EncError ERR_S3ENC_RESUME_STATE_WRITE.
 */
export async function writeStateFile(path: string, state: ResumeState): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(serializeResumeState(state), 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (cause) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new S3EncError('ERR_S3ENC_RESUME_STATE_WRITE', `cannot write the resume state ${path}`, {
      cause,
    });
  }
}

/** Removes the state file; a missing file is fine, other failures are ignored (the upload is settled). */
export async function deleteStateFile(path: string): Promise<void> {
  await rm(path, { force: true }).catch(() => undefined);
}
