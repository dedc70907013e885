/** Normalises every accepted input into an async iterable of byte chunks (`chunksOf` is internal; the `ByteSource` type is public). */
import { Readable } from 'node:stream';
import { InvalidArgumentError } from './errors.js';

/** What the stream functions accept. */
export type ByteSource =
  | Uint8Array
  | Readable
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>
  | Iterable<Uint8Array>;

function asBuf(c: unknown): Buffer {
  if (Buffer.isBuffer(c)) return c;
  if (c instanceof Uint8Array) return Buffer.from(c.buffer, c.byteOffset, c.byteLength);
  throw new InvalidArgumentError('stream chunks must be Uint8Array (not strings or objects)');
}

async function* fromWeb(s: ReadableStream<Uint8Array>): AsyncGenerator<Buffer> {
  const reader = s.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield asBuf(value);
    }
  } finally {
    reader.releaseLock();
  }
}

async function* fromIterable(
  it: AsyncIterable<unknown> | Iterable<unknown>,
): AsyncGenerator<Buffer> {
  for await (const c of it) yield asBuf(c);
}

/** Returns the chunks of `source`; throws InvalidArgumentError for unsupported inputs. */
export function chunksOf(source: ByteSource): AsyncIterable<Buffer> {
  if (source instanceof Uint8Array) {
    return fromIterable([asBuf(source)]);
  }
  if (typeof source === 'string')
    throw new InvalidArgumentError('source must be bytes, not a string');
  if (source instanceof Readable) return fromIterable(source);
  if (typeof ReadableStream !== 'undefined' && source instanceof ReadableStream)
    return fromWeb(source);
  if (source !== null && typeof source === 'object') {
    if (Symbol.asyncIterator in source) return fromIterable(source);
    if (Symbol.iterator in source) return fromIterable(source);
  }
  throw new InvalidArgumentError(
    'source must be a Buffer/Uint8Array, Node Readable, web ReadableStream or (async) iterable',
  );
}
