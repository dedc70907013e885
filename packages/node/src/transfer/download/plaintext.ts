/** Reading an object that is not encrypted (`allowPlaintext`): ranged GETs, in order. @internal */
import { InvalidArgumentError } from '@s3enc/core';
import type { CiphertextReader, Piece } from '../formats/object-format.js';
import { orderedPrefetch, wipePieces } from './ordered-prefetch.js';
import type { GetOptions, ObjectFacts, PreparedRead } from './read-options.js';

export function plaintextRead(
  facts: ObjectFacts,
  reader: CiphertextReader,
  o: GetOptions,
  chunkSize: number,
  concurrency: number,
): PreparedRead {
  const P = facts.storedSize;
  const range = o.range ?? { start: 0, end: P };
  if (range.end > P)
    throw new InvalidArgumentError('range must end at or before the object size', {
      code: 'ERR_S3ENC_INVALID_RANGE',
    });
  const count = Math.ceil((range.end - range.start) / chunkSize);
  const fetchChunk = async (i: number, abort: AbortSignal): Promise<Piece[]> => {
    const off = range.start + i * chunkSize;
    const end = Math.min(range.end, off + chunkSize);
    const chunks = await reader.fetch(off, end, abort);
    let at = off;
    return chunks.map((data) => {
      const piece = { offset: at, data };
      at += data.length;
      return piece;
    });
  };
  return {
    facts,
    format: undefined,
    encrypted: false,
    header: undefined,
    plaintextSize: P,
    range,
    chunks: () =>
      orderedPrefetch(
        count,
        concurrency,
        fetchChunk,
        (pieces) => pieces,
        wipePieces,
        o.signal,
        false,
        () => undefined,
      ),
    close: () => undefined,
  };
}
