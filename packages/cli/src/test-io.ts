/** In-memory CliIo for unit tests (not part of the published API). */
import { PassThrough, Readable } from 'node:stream';
import type { CliIo } from './output.js';

export interface MemoryIo extends CliIo {
  out(): string;
  err(): string;
}

export function memoryIo(
  o: { env?: Record<string, string | undefined>; stderrTTY?: boolean; stdin?: Buffer } = {},
): MemoryIo {
  const outChunks: Buffer[] = [];
  const errChunks: Buffer[] = [];
  const stdout = new PassThrough();
  const stderr = Object.assign(new PassThrough(), { isTTY: o.stderrTTY ?? false, columns: 80 });
  stdout.on('data', (c: Buffer) => outChunks.push(c));
  stderr.on('data', (c: Buffer) => errChunks.push(c));
  return {
    stdin: Readable.from(o.stdin ? [o.stdin] : []),
    stdout,
    stderr,
    env: o.env ?? {},
    out: () => Buffer.concat(outChunks).toString('utf8'),
    err: () => Buffer.concat(errChunks).toString('utf8'),
  };
}
