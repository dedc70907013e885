/** How a known-size or streamed upload is cut into parts of whole frames. @internal */
import {
  FRAME_OVERHEAD,
  InvalidArgumentError,
  S3_MAX_OBJECT_SIZE,
  ciphertextSize,
  planParts,
} from '@s3enc/core';
import { MAX_PARTS, MIN_PART_SIZE } from '../../context.js';

/**
 * Frames per multipart part: as planParts decides for a known size (the part grows so the
 * object fits in 10,000 parts), or from the target part size for a stream of unknown length.
 * @throws InvalidArgumentError (ERR_S3ENC_OBJECT_TOO_LARGE) when the ciphertext would exceed 5 TiB.
 * @internal exported for tests.
 */
export function framesPerPartFor(o: {
  size: number | undefined;
  frameLength: number;
  headerLength: number;
  partSize: number;
}): number {
  const stride = o.frameLength + FRAME_OVERHEAD;
  let k = Math.max(Math.floor(o.partSize / stride), Math.ceil(MIN_PART_SIZE / stride), 1);
  if (o.size !== undefined) {
    if (ciphertextSize(o.size, o.frameLength, o.headerLength) > S3_MAX_OBJECT_SIZE) {
      throw new InvalidArgumentError("the encrypted object would exceed S3's 5 TiB limit", {
        code: 'ERR_S3ENC_OBJECT_TOO_LARGE',
      });
    }
    const plan = planParts({
      plaintextSize: o.size,
      frameLength: o.frameLength,
      headerLength: o.headerLength,
      partSize: o.partSize,
      maxParts: MAX_PARTS,
      minPartSize: MIN_PART_SIZE,
    });
    if (plan.length > 1) k = plan[0]!.frameCount;
  }
  return k;
}
