/** `get`: verified plaintext as a Node Readable (and a Web stream, and `bytes()`). @internal */
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { ByteRange, HeaderInfo } from '@s3enc/core';
import { checkProgressListener, type ClientContext } from '../../context.js';
import { prepareRead } from './prepare-read.js';
import { ReadEvents } from './read-events.js';
import type { GetOptions, ObjectFacts, PreparedRead } from './read-options.js';

/** What `get` returns: S3 facts, the header, and the plaintext as a stream. */
export interface GetResult extends ObjectFacts {
  /** False only for objects read with `allowPlaintext` that are not s3enc messages. */
  readonly encrypted: boolean;
  /** The format read: `aws-encryption-sdk` (s3enc), `s3ec-v1`/`-v2`/`-v3`; undefined for plaintext. */
  readonly format: string | undefined;
  readonly header: HeaderInfo | undefined;
  readonly plaintextSize: number;
  /** The plaintext range delivered (the whole object unless `range` was given). */
  readonly range: ByteRange;
  /**
   * The plaintext, in order. Each chunk of frames is authenticated before any of it is pushed;
   * a failure destroys the stream with the typed error.
   */
  readonly body: Readable;
  /** The same stream as a Web ReadableStream (use one or the other). */
  toWeb(): WebReadableStream<Uint8Array>;
  /** Reads the whole body into one buffer. */
  bytes(): Promise<Buffer>;
}

export async function getObjectStream(
  ctx: ClientContext,
  bucket: string,
  key: string,
  options: GetOptions,
): Promise<GetResult> {
  const onProgress = checkProgressListener(options.onProgress); // before any request
  const ev = new ReadEvents(bucket, key, options, 'stream');
  let read: PreparedRead;
  try {
    read = await prepareRead(ctx, bucket, key, options);
  } catch (err) {
    ev.finish(err, false);
    throw err;
  }
  ev.opened(read);
  const gen = read.chunks();
  const total = read.range.end - read.range.start;
  const body = Readable.from(
    (async function* () {
      let done = 0;
      try {
        for await (const c of gen) {
          done += c.data.length;
          ev.delivered(c.data.length);
          onProgress?.({ bytes: done, total });
          yield c.data;
        }
      } catch (err) {
        ev.finish(err, false);
        throw err;
      }
      ev.finish(undefined, true);
    })(),
    { objectMode: false, highWaterMark: 1 },
  );
  body.once('close', () => {
    ev.finish(undefined, false); // left before the end (no-op after a finish)
    // Stop fetching if the consumer goes away early, and drop the data key even if the
    // body was never read (a generator that never started runs no finally block).
    void gen.return(undefined).catch(() => undefined);
    read.close();
  });
  return {
    ...read.facts,
    encrypted: read.encrypted,
    format: read.format,
    header: read.header,
    plaintextSize: read.plaintextSize,
    range: read.range,
    body,
    toWeb: () => Readable.toWeb(body) as WebReadableStream<Uint8Array>,
    bytes: async () => {
      const parts: Buffer[] = [];
      for await (const c of body) parts.push(c as Buffer);
      return Buffer.concat(parts);
    },
  };
}
