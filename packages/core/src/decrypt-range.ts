/** Random access: decrypt a fetched frame-aligned ciphertext range (docs/FORMAT.md, "Random access"). */
import { IntegrityError, InvalidArgumentError } from './errors.js';
import { frameCounts, frameRangeFor, type ByteRange, type MessageLayout } from './sizes.js';
import type { DecryptionSession } from './types.js';

/**
 * Decrypts the plaintext `range` from `cipherBytes`, the message bytes
 * `frameRangeFor(range, layout).cipherStart .. cipherEnd` (fetch exactly those). Every frame
 * touched is verified before anything is returned, and the last frame must be (or not be) the
 * final frame as the layout says. Returns exactly `range.end − range.start` bytes; throws
 * InvalidArgumentError on a bad range or a wrong-sized input (ERR_S3ENC_RANGE_LENGTH) and
 * IntegrityError when the bytes do not authenticate or do not match the layout.
 */
export function decryptRange(
  session: DecryptionSession,
  cipherBytes: Uint8Array,
  range: ByteRange,
  layout: MessageLayout,
): Buffer {
  if (layout.frameLength !== session.frameLength || layout.headerLength !== session.headerLength) {
    throw new InvalidArgumentError('layout does not match the session', {
      code: 'ERR_S3ENC_LAYOUT_MISMATCH',
    });
  }
  const fr = frameRangeFor(range, layout);
  if (
    !(cipherBytes instanceof Uint8Array) ||
    cipherBytes.byteLength !== fr.cipherEnd - fr.cipherStart
  ) {
    throw new InvalidArgumentError(
      `cipherBytes must be exactly the ${fr.cipherEnd - fr.cipherStart} bytes at ${fr.cipherStart} (frameRangeFor)`,
      { code: 'ERR_S3ENC_RANGE_LENGTH' },
    );
  }
  const { regularFrames, finalLength } = frameCounts(layout);
  const opened = session.openFrames(fr.firstFrame, cipherBytes);
  const expectFinal = fr.lastFrame === regularFrames + 1;
  if (
    opened.frames !== fr.lastFrame - fr.firstFrame + 1 ||
    opened.final !== expectFinal ||
    (expectFinal && opened.finalLength !== finalLength)
  ) {
    opened.plaintext.fill(0);
    throw new IntegrityError('ERR_S3ENC_RANGE_MISMATCH', 'Message authentication failed');
  }
  const base = (fr.firstFrame - 1) * layout.frameLength;
  return opened.plaintext.subarray(range.start - base, range.end - base);
}
