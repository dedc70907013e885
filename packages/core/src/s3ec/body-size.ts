/**
 * Body sizes of the S3EC content algorithms (docs/s3ec.md, "Sizes"): GCM adds its 16-byte tag
 * (n + 16); CBC pads to the next whole block (16·(⌊n/16⌋ + 1)). Both directions, bounded.
 */
import * as K from './constants.js';
import { badBodySize } from './errors.js';
import type { S3ecContentAlgorithm } from './metadata.js';

/** Ciphertext bytes of `plaintextSize` bytes under `algorithm`. */
export function s3ecCiphertextSize(algorithm: S3ecContentAlgorithm, plaintextSize: number): number {
  if (algorithm === K.AES_CBC) return K.AES_BLOCK * (Math.floor(plaintextSize / K.AES_BLOCK) + 1);
  return plaintextSize + K.GCM_TAG_LENGTH;
}

/**
 * The plaintext size of a GCM body, or the bounds [min, max] of a CBC body's (its padding
 * is only known after decryption). Throws FormatError (ERR_S3ENC_S3EC_BAD_BODY_SIZE) for a
 * size no ciphertext of the algorithm has, or one beyond GCM's or S3's limits.
 */
export function s3ecPlaintextBounds(
  algorithm: S3ecContentAlgorithm,
  ciphertextSize: number,
): { readonly min: number; readonly max: number } {
  if (
    !Number.isSafeInteger(ciphertextSize) ||
    ciphertextSize < 0 ||
    ciphertextSize > K.S3_MAX_OBJECT_SIZE
  )
    throw badBodySize('the object size is not a byte count S3 can hold');
  if (algorithm === K.AES_CBC) {
    if (ciphertextSize < K.AES_BLOCK || ciphertextSize % K.AES_BLOCK !== 0)
      throw badBodySize('an AES/CBC body is a positive multiple of 16 bytes');
    return { min: ciphertextSize - K.AES_BLOCK, max: ciphertextSize - 1 };
  }
  if (ciphertextSize < K.GCM_TAG_LENGTH)
    throw badBodySize('an AES/GCM body is at least its 16-byte tag');
  const n = ciphertextSize - K.GCM_TAG_LENGTH;
  if (n > K.GCM_MAX_PLAINTEXT) throw badBodySize('an AES/GCM body is larger than GCM allows');
  return { min: n, max: n };
}
