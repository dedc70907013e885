/**
 * Reading an unsigned AWS Encryption SDK message by frame-aligned ranges (DESIGN.md
 * "Download"): one data key per read, frames opened straight from the chunks the socket
 * delivered, each range authenticated before any of its plaintext is returned, the final
 * frame required when the read reaches the end, and only the last frame allowed to be final.
 * @internal
 */
import {
  IntegrityError,
  InvalidArgumentError,
  beginDecryption,
  frameRangeFor,
  FRAME_OVERHEAD,
  handOffFrameKey,
  type ByteRange,
  type FrameKeyHandoff,
  type ErrorCode,
  type DecryptionSession,
} from '@s3enc/core';
import type { Piece, RangedRead, ReadRequest, StoredRange } from '../object-format.js';
import { frameEnd, frameStart, type StoredLayout } from './layout.js';
import type { ParsedHeader } from './header-probe.js';
import { trackSession } from './sessions.js';

/**
 * @throws InvalidArgumentError ERR_S3ENC_INVALID_RANGE before any key use for a range past the
 *   plaintext; KeyUnwrapError / IntegrityError from `beginDecryption`.
 */
export async function prepareRangedRead(
  header: ParsedHeader,
  layout: StoredLayout,
  req: ReadRequest,
): Promise<RangedRead> {
  const P = layout.plaintextSize;
  const range = req.range ?? { start: 0, end: P };
  if (range.end > P) {
    throw new InvalidArgumentError('range must end at or before the plaintext size', {
      code: 'ERR_S3ENC_INVALID_RANGE',
    });
  }
  const p = req.policy;
  const session = await beginDecryption({
    keyring: p.keyring,
    header: req.reader.head.subarray(0, header.headerLength),
    ...(p.requiredEncryptionContext !== undefined
      ? { requiredEncryptionContext: p.requiredEncryptionContext }
      : {}),
    ...(p.commitmentPolicy !== undefined ? { commitmentPolicy: p.commitmentPolicy } : {}),
    ...(p.maxEncryptedDataKeys !== undefined
      ? { maxEncryptedDataKeys: p.maxEncryptedDataKeys }
      : {}),
    ...(p.dataKeyCache !== undefined ? { dataKeyCache: p.dataKeyCache } : {}),
  });
  const close = trackSession(() => {
    session.destroy();
  });
  try {
    const plan = framePlan(layout, range, req.chunkSize, req.reader.head.length);
    return {
      kind: 'ranged',
      header: session.info,
      plaintextSize: P,
      range,
      keyIds: session.info.encryptedDataKeys.map((k) => k.keyId),
      rangeCount: plan.count,
      rangeAt: (i) => plan.rangeAt(i),
      open: (i, bytes) => openRange(session, layout, range, plan.framesAt(i), bytes),
      frames: { layout, handoff: () => handOffOrUndefined(session) },
      close,
    };
  } catch (err) {
    close();
    throw err;
  }
}

/** The session's frame key handoff, or undefined for a suite that cannot hand off. */
function handOffOrUndefined(session: DecryptionSession): FrameKeyHandoff | undefined {
  try {
    return handOffFrameKey(session);
  } catch (err) {
    if (err instanceof InvalidArgumentError && err.code === 'ERR_S3ENC_HANDOFF_UNSUPPORTED')
      return undefined;
    throw err;
  }
}

/** Frames [first, last] of one ranged GET. */
export interface FrameSpan {
  readonly first: number;
  readonly last: number;
}

/**
 * The ranges of a read, computed on demand: first the frames already fetched with the header
 * (if any), then `perChunk` frames per ranged GET. O(1) memory whatever the object's size.
 */
export function framePlan(
  layout: StoredLayout,
  range: ByteRange,
  chunkSize: number,
  preloadedBytes: number,
): { count: number; framesAt(i: number): FrameSpan; rangeAt(i: number): StoredRange } {
  const { frameLength: F, headerLength: H, plaintextSize: P, finalSeq } = layout;
  const fr = frameRangeFor(range, {
    frameLength: F,
    headerLength: H,
    plaintextSize: P,
    ciphertextSize: layout.bodySize,
  });
  // A read that reaches the end includes the final frame, so truncation cannot pass.
  const lastFrame = range.end === P ? finalSeq : fr.lastFrame;
  const firstFrame = fr.firstFrame;
  const stride = F + FRAME_OVERHEAD;
  // Frames wholly inside the bytes fetched with the header need no request.
  let lastPreloaded =
    preloadedBytes >= layout.bodySize
      ? lastFrame
      : Math.min(lastFrame, layout.regularFrames, Math.floor((preloadedBytes - H) / stride));
  if (lastPreloaded < firstFrame) lastPreloaded = firstFrame - 1;
  const preloaded = lastPreloaded - firstFrame + 1;
  const perChunk = Math.max(1, Math.floor(chunkSize / stride));
  const rest = lastFrame - firstFrame + 1 - preloaded;
  const lead = preloaded > 0 ? 1 : 0;
  const count = lead + Math.ceil(rest / perChunk);
  const framesAt = (i: number): FrameSpan => {
    if (!Number.isSafeInteger(i) || i < 0 || i >= count) {
      throw new RangeError(`range index ${i} outside 0..${count - 1}`);
    }
    if (lead === 1 && i === 0) return { first: firstFrame, last: lastPreloaded };
    const first = firstFrame + preloaded + (i - lead) * perChunk;
    return { first, last: Math.min(lastFrame, first + perChunk - 1) };
  };
  return {
    count,
    framesAt,
    rangeAt: (i) => {
      const s = framesAt(i);
      return { start: frameStart(layout, s.first), end: frameEnd(layout, s.last) };
    },
  };
}

/**
 * Opens one range's frames and trims them to `range`; wipes what it does not return. Also
 * run by transfer workers, with the session rebuilt from a frame key handoff.
 */
export function openRange(
  session: Pick<DecryptionSession, 'openFrameChunks'>,
  layout: StoredLayout,
  range: ByteRange,
  span: FrameSpan,
  bytes: readonly Buffer[],
): Piece[] {
  const opened = session.openFrameChunks(span.first, bytes);
  const fail = (code: ErrorCode, message: string) => {
    for (const b of opened.plaintext) b.fill(0);
    return new IntegrityError(code, message);
  };
  if (span.last === layout.finalSeq && !opened.final) {
    throw fail('ERR_S3ENC_TRUNCATED', 'The message has no final frame');
  }
  // A final frame holding F−8 bytes is exactly as long as a regular frame: one may sit where
  // the size says a regular frame is. Only the last frame may be final.
  if (
    (span.last !== layout.finalSeq && opened.final) ||
    opened.frames !== span.last - span.first + 1
  ) {
    throw fail('ERR_S3ENC_FRAME_SEQUENCE', 'The message frames do not match its size');
  }
  // Trim to the requested range, piece by piece; verified bytes outside it are wiped.
  const pieces: Piece[] = [];
  let at = (span.first - 1) * layout.frameLength;
  for (const b of opened.plaintext) {
    const from = Math.max(range.start, at);
    const to = Math.min(range.end, at + b.length);
    if (to > from) {
      if (from > at) b.fill(0, 0, from - at);
      if (to < at + b.length) b.fill(0, to - at);
      pieces.push({ offset: from, data: b.subarray(from - at, to - at) });
    } else {
      b.fill(0);
    }
    at += b.length;
  }
  return pieces;
}
