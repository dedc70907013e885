/**
 * Runs a ranged format read: each stored range fetched (bounded parallelism), then opened —
 * authenticated — by the format before any of its plaintext is yielded, in order.
 * @internal
 */
import type { CiphertextReader, Piece, RangedRead } from '../formats/object-format.js';
import { orderedPrefetch } from './ordered-prefetch.js';

export function rangedPieces(
  read: RangedRead,
  reader: CiphertextReader,
  concurrency: number,
  signal: AbortSignal | undefined,
): AsyncGenerator<Piece, void, undefined> {
  const fetchRange = async (i: number, abort: AbortSignal): Promise<Piece[]> => {
    const r = read.rangeAt(i);
    const bytes = await reader.fetch(r.start, r.end, abort);
    return read.open(i, bytes);
  };
  return orderedPrefetch(
    read.rangeCount,
    concurrency,
    fetchRange,
    signal,
    read.range.start === read.range.end,
    () => {
      read.close();
    },
  );
}
