/** Bounded parallel fetching with in-order delivery. @internal */
import { S3EncError } from '@s3enc/core';
import { toS3Error } from '../../s3-errors.js';
import type { Piece } from '../formats/object-format.js';
import { throwIfAborted } from '../signals.js';
import { GET_CODES } from './ranged-get.js';

/**
 * Runs `fetch(i)` for i in 0..count−1 with at most `concurrency` in flight and yields, in
 * order, the pieces `open` makes of each result (empty ones only when `yieldEmpty`). `open`
 * runs when a result's turn comes, after the next fetch is launched: what it allocates (a
 * range's plaintext) is consumed at once and dies young, instead of waiting behind earlier
 * ranges. Holds at most `concurrency` results at a time, whatever `count` is. On failure or
 * early exit the rest is cancelled, results fetched but not yielded go to `discard`, and
 * `done` runs.
 */
export async function* orderedPrefetch<T>(
  count: number,
  concurrency: number,
  fetch: (i: number, abort: AbortSignal) => Promise<T>,
  open: (fetched: T, i: number) => Piece[],
  discard: (fetched: T) => void,
  signal: AbortSignal | undefined,
  yieldEmpty: boolean,
  done: () => void,
): AsyncGenerator<Piece, void, undefined> {
  const ac = new AbortController();
  const onAbort = () => {
    ac.abort(signal?.reason);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const inflight: Promise<T>[] = [];
  let next = 0;
  let turn = 0;
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
      const fetched = await inflight.shift()!;
      launch();
      throwIfAborted(signal, 'download');
      const pieces = open(fetched, turn++);
      if (pieces.length === 0 && yieldEmpty) yield { offset: 0, data: Buffer.alloc(0) };
      for (const r of pieces) if (r.data.length > 0 || yieldEmpty) yield r;
    }
  } catch (err) {
    throw err instanceof S3EncError ? err : toS3Error(err, 'GetObject', GET_CODES, signal);
  } finally {
    for (const p of inflight) p.then(discard, () => undefined);
    ac.abort();
    signal?.removeEventListener('abort', onAbort);
    done();
  }
}

/** `discard` for results that are plaintext: bytes nobody will read are wiped. */
export function wipePieces(pieces: readonly Piece[]): void {
  for (const r of pieces) r.data.fill(0);
}
