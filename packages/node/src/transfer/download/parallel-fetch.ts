/**
 * Runs a ranged format read: each stored range fetched (bounded parallelism), then, in order,
 * opened — authenticated — by the format before any of its plaintext is yielded.
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
  const fetchRange = async (i: number, abort: AbortSignal) => {
    const r = read.rangeAt(i);
    const t0 = now();
    const bytes = await reader.fetch(r.start, r.end, abort);
    return { r, fetchMs: since(t0), bytes };
  };
  // Opened when its turn comes: its plaintext goes straight to the consumer.
  const openRange = (f: Awaited<ReturnType<typeof fetchRange>>, i: number): Piece[] => {
    const t0 = now();
    const pieces = read.open(i, f.bytes);
    if (events.rangeFinish.active) {
      // Fetching plus opening; not the time the range waited for its turn.
      const durationMs = f.fetchMs + since(t0);
      events.rangeFinish.publish({ ...at, start: f.r.start, end: f.r.end, durationMs });
    }
    return pieces;
  };
  return orderedPrefetch(
    read.rangeCount,
    concurrency,
    fetchRange,
    openRange,
    () => undefined, // ciphertext, never opened: nothing to wipe
    signal,
    read.range.start === read.range.end,
    () => {
      read.close();
    },
  );
}
