/**
 * V3 key derivation (s3-encryption/key-derivation.md): HKDF-SHA512 with the data key as
 * input keying material and the 28-byte message id as salt; info = suite id (2 bytes, big
 * endian) ‖ "COMMITKEY" for the 28-byte commitment, ‖ "DERIVEKEY" for the 32-byte content
 * key. The commitment is compared in constant time before the content key is derived.
 */
import { hkdfSync, timingSafeEqual } from 'node:crypto';
import * as K from './constants.js';
import { commitmentMismatch } from './errors.js';
import { wipe } from '../key-material.js';

const SUITE_BYTES = Buffer.from([K.SUITE_V3 >> 8, K.SUITE_V3 & 0xff]);
const COMMIT_INFO = Buffer.concat([SUITE_BYTES, Buffer.from('COMMITKEY', 'utf8')]);
const DERIVE_INFO = Buffer.concat([SUITE_BYTES, Buffer.from('DERIVEKEY', 'utf8')]);

/** V3 content IV: twelve 0x01 bytes (the message id, not the IV, makes each key unique). */
export const V3_CONTENT_IV: Buffer = Buffer.alloc(K.GCM_IV_LENGTH, 0x01);
/** V3 content AAD: the suite id as two bytes. */
export const V3_CONTENT_AAD: Buffer = SUITE_BYTES;

function hkdf(dataKey: Uint8Array, messageId: Uint8Array, info: Buffer, length: number): Buffer {
  return Buffer.from(hkdfSync('sha512', dataKey, messageId, info, length));
}

/** The V3 key commitment of a data key and message id. */
export function v3Commitment(dataKey: Uint8Array, messageId: Uint8Array): Buffer {
  return hkdf(dataKey, messageId, COMMIT_INFO, K.V3_COMMITMENT_LENGTH);
}

/** The V3 content key. The caller zeroes it when done. */
export function v3ContentKey(dataKey: Uint8Array, messageId: Uint8Array): Buffer {
  return hkdf(dataKey, messageId, DERIVE_INFO, K.DATA_KEY_LENGTH);
}

/**
 * Checks the stored commitment against the data key (constant time), then derives the content
 * key. Throws IntegrityError (ERR_S3ENC_COMMITMENT_MISMATCH) before deriving anything else.
 */
export function verifyCommitmentAndDeriveKey(
  dataKey: Uint8Array,
  messageId: Uint8Array,
  storedCommitment: Uint8Array,
): Buffer {
  const derived = v3Commitment(dataKey, messageId);
  const ok =
    storedCommitment.byteLength === derived.length && timingSafeEqual(derived, storedCommitment);
  wipe(derived);
  if (!ok) throw commitmentMismatch();
  return v3ContentKey(dataKey, messageId);
}
