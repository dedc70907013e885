/**
 * Runs a ranged format read: each stored range fetched (bounded parallelism), then opened —
 * authenticated — by the format before any of its plaintext is yielded, in order.
 * @internal
 */
import type { CiphertextReader, Piece, RangedRead } from '../formats/object-format.js';
import { events, now, since } from '../diagnostics.js';
import { orderedPrefetch } from './ordered-prefetch.js';

export function rangedPieces(
  read: RangedRead,
  reader: CiphertextReader,
  concurrency: number,
  signal: AbortSignal | undefined,
  at: { bucket: string; key: string; versionId: string | undefined },
): AsyncGenerator<Piece, void, undefined> {
  const fetchRange = async (i: number, abort: AbortSignal): Promise<Piece[]> => {
    const r = read.rangeAt(i);
    const t0 = now();
    const bytes = await reader.fetch(r.start, r.end, abort);
    const pieces = read.open(i, bytes);
    if (events.rangeFinish.active) {
      events.rangeFinish.publish({ ...at, start: r.start, end: r.end, durationMs: since(t0) });
    }
    return pieces;
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
