/**
 * Staging the plaintext of a format authenticated only as a whole (a signed message): nothing
 * reaches a stream consumer before the format's iterator has ended, i.e. authenticated. For
 * `get` the plaintext is held in memory up to a cap (and wiped if authentication fails); for
 * `getToFile` it goes on as it comes into the private temporary file, which to-file.ts
 * renames only after the end.
 * @internal
 */
import { InvalidArgumentError } from '@s3enc/core';
import type { Piece, WholeBodyRead } from '../formats/object-format.js';
import type { ReadTarget } from './read-options.js';

/** Default cap on a whole-body object's plaintext held in memory by `get`. */
export const DEFAULT_MAX_SIGNED_PLAINTEXT_IN_MEMORY = 64 * 1024 * 1024;

/** The error for a plaintext larger than the in-memory cap. */
export function tooLargeForMemory(
  size: number,
  cap: number,
  format?: string,
): InvalidArgumentError {
  const what =
    format?.startsWith('s3ec') === true
      ? `is an S3 Encryption Client object (${format}) and holds ${size} bytes of plaintext: get would have to keep it all in memory until its tag verifies`
      : `uses a signed algorithm suite and holds ${size} bytes of plaintext: get would have to keep it all in memory until the signature verifies`;
  return new InvalidArgumentError(
    `The object ${what} (limit ${cap}). Use getToFile, or raise maxSignedPlaintextInMemory.`,
    { code: 'ERR_S3ENC_SIGNED_MESSAGE_TOO_LARGE' },
  );
}

export async function* wholeBodyPieces(
  read: WholeBodyRead,
  target: ReadTarget,
  cap: number,
  format?: string,
): AsyncGenerator<Piece, void, undefined> {
  try {
    if (target === 'file') {
      let offset = 0;
      for await (const data of read.plaintext()) {
        yield { offset, data };
        offset += data.length;
      }
      return;
    }
    const held: Buffer[] = [];
    let n = 0;
    try {
      for await (const data of read.plaintext()) {
        held.push(data);
        n += data.length;
        if (n > cap) throw tooLargeForMemory(n, cap, format);
      }
    } catch (err) {
      for (const b of held) b.fill(0);
      throw err;
    }
    let offset = 0;
    for (const data of held) {
      yield { offset, data };
      offset += data.length;
    }
  } finally {
    read.close();
  }
}
