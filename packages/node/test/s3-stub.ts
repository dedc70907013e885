// An in-process S3 stub for unit tests of the download engine: it answers ranged GetObject
// requests as a test scripts them (honest or lying), and counts requests and body bytes pulled.
import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Keyring } from '@s3enc/core';
import type { ClientContext } from '../src/context.js';

/** What the stub answers: a body (bytes, or a lazy generator it counts), headers, or a throw. */
export interface Answer {
  body: Buffer | (() => AsyncGenerator<Buffer>);
  contentRange?: string;
  contentLength?: number;
  /** User metadata of the object (default none). */
  metadata?: Record<string, string>;
}

/** An S3 client stub: `answer(start, end)` for each GetObject; counts requests and bytes pulled. */
export function stubS3(
  keyring: Keyring,
  answer: (start: number, end: number, n: number) => Answer,
) {
  const seen = { requests: 0, pulled: 0 };
  const s3 = {
    send(command: { input: { Range?: string } }) {
      seen.requests++;
      if (seen.requests > 200) return Promise.reject(new Error('the engine keeps asking'));
      const m = /^bytes=(\d+)-(\d+)$/.exec(command.input.Range ?? '');
      if (m === null) return Promise.reject(new Error('not a ranged GetObject'));
      let a: Answer;
      try {
        a = answer(Number(m[1]), Number(m[2]) + 1, seen.requests);
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
      const source =
        typeof a.body === 'function'
          ? a.body()
          : (async function* (b: Buffer) {
              await Promise.resolve();
              yield b;
            })(a.body);
      async function* counted() {
        for await (const c of source) {
          seen.pulled += c.length;
          yield c;
        }
      }
      return Promise.resolve({
        Body: Readable.from(counted(), { objectMode: false }),
        ContentRange: a.contentRange,
        ContentLength: a.contentLength,
        ETag: '"e"',
        Metadata: a.metadata ?? {},
      });
    },
  } as unknown as S3Client;
  const ctx: ClientContext = {
    s3,
    keyring,
    defaults: {
      concurrency: 2,
      partSize: 8 * 1024 * 1024,
      downloadChunkSize: 64 * 1024,
      frameLength: undefined,
      checksumAlgorithm: 'CRC32C',
      signPayload: false,
      commitmentPolicy: undefined,
      maxEncryptedDataKeys: undefined,
    },
  };
  return { ctx, seen };
}

/** Serves `bytes` faithfully but claims the object is `claimed` bytes; past the end → 416. */
export function lyingAboutSize(bytes: Buffer, claimed: number | string) {
  return (start: number, end: number): Answer => {
    const total = typeof claimed === 'number' ? claimed : Number.MAX_SAFE_INTEGER;
    const to = Math.min(end, total);
    if (start >= bytes.length) {
      throw Object.assign(new Error('InvalidRange'), {
        name: 'InvalidRange',
        $metadata: { httpStatusCode: 416 },
      });
    }
    return {
      body: bytes.subarray(start, Math.min(to, bytes.length)),
      contentRange: `bytes ${start}-${to - 1}/${claimed}`,
      contentLength: to - start,
    };
  };
}
