/** Positional file writes for getToFile. @internal */
import type { FileHandle } from 'node:fs/promises';
import { S3EncError } from '@s3enc/core';

/** Writes `buffers` at `position`, however many calls partial writes take. */
export async function writeAllAt(
  fh: Pick<FileHandle, 'writev'>,
  buffers: Buffer[],
  position: number,
): Promise<void> {
  let rest = [...buffers];
  let at = position;
  while (rest.length > 0) {
    const { bytesWritten } = await fh.writev(rest, at);
    at += bytesWritten;
    let n = bytesWritten;
    while (rest.length > 0 && n >= rest[0]!.length) n -= rest.shift()!.length;
    if (n > 0) rest = [rest[0]!.subarray(n), ...rest.slice(1)];
    if (bytesWritten === 0 && rest.length > 0)
      throw new S3EncError('ERR_S3ENC_WRITE_FAILED', 'The file system accepted no bytes');
  }
}
