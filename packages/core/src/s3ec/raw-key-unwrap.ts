/**
 * Unwrapping data keys under raw keys (no KMS): AES/GCM and RSA-OAEP-SHA1 (V2, V3), and the
 * legacy AESWrap (RFC 3394), AES/ECB/PKCS5 (true V1 `x-amz-key`) and RSA PKCS#1 v1.5. Each
 * returns a fresh 32-byte Buffer the caller zeroes, or throws KeyUnwrapError
 * (ERR_S3ENC_NO_DATA_KEY) / IntegrityError (ERR_S3ENC_S3EC_CEK_ALG_MISMATCH).
 */
import {
  constants,
  createCipheriv,
  createDecipheriv,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import * as K from './constants.js';
import { cekAlgMismatch, noDataKey } from './errors.js';
import { wipe } from '../key-material.js';

/** What AES/GCM and RSA-OAEP-SHA1 bind to the wrapped key: `115` for V3, else the GCM name. */
export function boundContentName(contentAlgorithm: string): Buffer {
  return Buffer.from(
    contentAlgorithm === K.SUITE_V3_STRING ? K.SUITE_V3_STRING : K.AES_GCM,
    'utf8',
  );
}

function checkKeyLength(key: Buffer): Buffer {
  if (key.length !== K.DATA_KEY_LENGTH) {
    wipe(key);
    throw noDataKey('the unwrapped data key is not 32 bytes');
  }
  return key;
}

/** AES/GCM wrap: iv(12) ‖ ciphertext(32) ‖ tag(16), AAD = the bound content name. */
export function unwrapAesGcm(kek: Uint8Array, edk: Uint8Array, contentAlgorithm: string): Buffer {
  if (edk.byteLength !== K.GCM_IV_LENGTH + K.DATA_KEY_LENGTH + K.GCM_TAG_LENGTH)
    throw noDataKey('the AES/GCM-wrapped data key has the wrong length');
  const e = Buffer.from(edk.buffer, edk.byteOffset, edk.byteLength);
  const d = createDecipheriv('aes-256-gcm', kek, e.subarray(0, K.GCM_IV_LENGTH), {
    authTagLength: K.GCM_TAG_LENGTH,
  });
  d.setAAD(boundContentName(contentAlgorithm));
  d.setAuthTag(e.subarray(e.length - K.GCM_TAG_LENGTH));
  const out = d.update(e.subarray(K.GCM_IV_LENGTH, e.length - K.GCM_TAG_LENGTH));
  try {
    d.final();
  } catch (err) {
    wipe(out);
    throw noDataKey(
      'the AES key does not unwrap the data key (wrong key or altered metadata)',
      err,
    );
  }
  return checkKeyLength(out);
}

/** Wraps a data key with AES/GCM as the official clients do (random 12-byte IV). */
export function wrapAesGcm(kek: Uint8Array, dataKey: Uint8Array, contentAlgorithm: string): Buffer {
  const iv = randomBytes(K.GCM_IV_LENGTH);
  const c = createCipheriv('aes-256-gcm', kek, iv, { authTagLength: K.GCM_TAG_LENGTH });
  c.setAAD(boundContentName(contentAlgorithm));
  const body = Buffer.concat([c.update(dataKey), c.final()]);
  return Buffer.concat([iv, body, c.getAuthTag()]);
}

const RFC3394_IV = Buffer.from('a6a6a6a6a6a6a6a6', 'hex');

/** Legacy AESWrap (RFC 3394 key wrap, 40 bytes for a 32-byte key). */
export function unwrapAesWrap(kek: Uint8Array, edk: Uint8Array): Buffer {
  if (edk.byteLength !== K.DATA_KEY_LENGTH + 8)
    throw noDataKey('the AESWrap-wrapped data key has the wrong length');
  return decipherDataKey('id-aes256-wrap', kek, RFC3394_IV, edk);
}

/** True V1 `x-amz-key` under an AES key: AES/ECB/PKCS5Padding of the data key (48 bytes). */
export function unwrapAesEcb(kek: Uint8Array, edk: Uint8Array): Buffer {
  if (edk.byteLength !== 48) throw noDataKey('the AES/ECB-wrapped data key has the wrong length');
  return decipherDataKey('aes-256-ecb', kek, null, edk);
}

/** Deciphers `edk` under `kek` with a cipher whose padding or integrity check fails on a wrong key. */
function decipherDataKey(
  cipher: 'id-aes256-wrap' | 'aes-256-ecb',
  kek: Uint8Array,
  iv: Buffer | null,
  edk: Uint8Array,
): Buffer {
  const d = createDecipheriv(cipher, kek, iv);
  let out: Buffer;
  try {
    out = Buffer.concat([d.update(edk), d.final()]);
  } catch (err) {
    throw noDataKey(
      'the AES key does not unwrap the data key (wrong key or altered metadata)',
      err,
    );
  }
  return checkKeyLength(out);
}

/**
 * RSA-OAEP-SHA1 (OAEP, SHA-1, MGF1-SHA-1) of a "pseudo data key":
 * len(1) ‖ data key ‖ bound content name. The name must be the one the metadata declares.
 */
export function unwrapRsaOaepSha1(
  privateKey: KeyObject,
  edk: Uint8Array,
  contentAlgorithm: string,
): Buffer {
  let pseudo: Buffer;
  try {
    pseudo = privateDecrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      edk,
    );
  } catch (err) {
    throw noDataKey(
      'the RSA key does not unwrap the data key (wrong key or altered metadata)',
      err,
    );
  }
  try {
    const name = boundContentName(contentAlgorithm);
    if (pseudo.length !== 1 + K.DATA_KEY_LENGTH + name.length || pseudo[0] !== K.DATA_KEY_LENGTH) {
      throw cekAlgMismatch();
    }
    if (!timingSafeEqual(pseudo.subarray(1 + K.DATA_KEY_LENGTH), name)) throw cekAlgMismatch();
    return Buffer.from(pseudo.subarray(1, 1 + K.DATA_KEY_LENGTH));
  } finally {
    wipe(pseudo);
  }
}

/** Wraps a data key with RSA-OAEP-SHA1 as the official clients do (for tests and writes). */
export function wrapRsaOaepSha1(
  publicKey: KeyObject,
  dataKey: Uint8Array,
  contentAlgorithm: string,
): Buffer {
  const pseudo = Buffer.concat([
    Buffer.from([dataKey.byteLength]),
    dataKey,
    boundContentName(contentAlgorithm),
  ]);
  try {
    return publicEncrypt(
      { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      pseudo,
    );
  } finally {
    wipe(pseudo);
  }
}

/**
 * The raw RSA block of `edk` (no padding removed): for the paddings Node cannot or will not
 * decode itself, which are then checked without branching on secret bytes. The caller
 * zeroes it.
 * @internal
 */
export function openRsaBlock(privateKey: KeyObject, edk: Uint8Array): Buffer {
  try {
    return privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, edk);
  } catch (err) {
    throw noDataKey(
      'the RSA key does not unwrap the data key (wrong key or altered metadata)',
      err,
    );
  }
}

/**
 * Legacy RSA PKCS#1 v1.5 (true V1 `x-amz-key` under an RSA key). Node refuses PKCS#1 v1.5
 * private decryption (CVE-2023-46809, the Marvin attack), so the block is opened raw and its
 * padding checked here without branching on secret bytes; only a 32-byte key is accepted.
 */
export function unwrapRsaPkcs1(privateKey: KeyObject, edk: Uint8Array): Buffer {
  const em = openRsaBlock(privateKey, edk);
  try {
    // EM = 0x00 ‖ 0x02 ‖ PS (≥ 8 non-zero bytes) ‖ 0x00 ‖ data key (32 bytes)
    const sep = em.length - K.DATA_KEY_LENGTH - 1;
    let bad = em.length < 11 + K.DATA_KEY_LENGTH ? 1 : 0;
    bad |= em[0]! | (em[1]! ^ 0x02) | em[sep]!;
    for (let i = 2; i < sep; i++) bad |= em[i] === 0 ? 1 : 0;
    if (bad !== 0) throw noDataKey('the RSA key does not unwrap the data key');
    return Buffer.from(em.subarray(sep + 1));
  } finally {
    wipe(em);
  }
}
