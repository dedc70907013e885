/** Bounded parallel fetching with in-order delivery. @internal */
import { S3EncError } from '@s3enc/core';
import { toS3Error } from '../../s3-errors.js';
import type { Piece } from '../formats/object-format.js';
import { throwIfAborted } from '../signals.js';
import { GET_CODES } from './ranged-get.js';

/**
 * Runs `fetch(i)` for i in 0..count−1 with at most `concurrency` in flight and yields the
 * pieces of each result in order (empty ones only when `yieldEmpty`). Holds at most
 * `concurrency` results at a time, whatever `count` is. On failure or early exit the rest is
 * cancelled, results already fetched but not yielded are wiped, and `done` runs.
 */
export async function* orderedPrefetch(
  count: number,
  concurrency: number,
  fetch: (i: number, abort: AbortSignal) => Promise<Piece[]>,
  signal: AbortSignal | undefined,
  yieldEmpty: boolean,
  done: () => void,
): AsyncGenerator<Piece, void, undefined> {
  const ac = new AbortController();
  const onAbort = () => {
    ac.abort(signal?.reason);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const inflight: Promise<Piece[]>[] = [];
  let next = 0;
  const launch = () => {
    while (inflight.length < concurrency && next < count) {
      const p = fetch(next++, ac.signal);
      p.catch(() => undefined); // observed below, in order
      inflight.push(p);
    }
  };
  try {
    launch();
    while (inflight.length > 0) {
      const pieces = await inflight.shift()!;
      launch();
      throwIfAborted(signal, 'download');
      if (pieces.length === 0 && yieldEmpty) yield { offset: 0, data: Buffer.alloc(0) };
      for (const r of pieces) if (r.data.length > 0 || yieldEmpty) yield r;
    }
  } catch (err) {
    throw err instanceof S3EncError ? err : toS3Error(err, 'GetObject', GET_CODES, signal);
  } finally {
    // Results fetched (and verified) but never yielded are plaintext nobody will read.
    for (const p of inflight) {
      p.then(
        (pieces) => {
          for (const r of pieces) r.data.fill(0);
        },
        () => undefined,
      );
    }
    ac.abort();
    signal?.removeEventListener('abort', onAbort);
    done();
  }
}
