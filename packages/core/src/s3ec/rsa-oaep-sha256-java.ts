/**
 * The legacy wrap `RSA/ECB/OAEPWithSHA-256AndMGF1Padding` of the Java SDK v1 encryption
 * client (AuthenticatedEncryption mode with an RSA key). Java's provider reads that name as
 * OAEP with SHA-256 for the label hash but MGF1 with SHA-1, a pair Node's `privateDecrypt`
 * cannot express (its MGF1 follows `oaepHash`). So the block is opened raw and decoded here
 * (RFC 8017 §7.1.2), without branching on secret bytes until the end. The wrapped value is
 * the data key itself.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { noDataKey } from './errors.js';
import { openRsaBlock } from './raw-key-unwrap.js';
import { wipe } from '../key-material.js';

function mgf1Sha1(seed: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  const counter = Buffer.alloc(4);
  for (let done = 0, i = 0; done < length; i++) {
    counter.writeUInt32BE(i);
    const block = createHash('sha1').update(seed).update(counter).digest();
    done += block.copy(out, done);
  }
  return out;
}

const SHA256_LEN = 32;
const EMPTY_LABEL_SHA256 = createHash('sha256').digest();

/** Decodes the OAEP block (SHA-256 label hash, MGF1-SHA-1). Returns the message or throws. */
export function unwrapRsaOaepSha256Mgf1Sha1(privateKey: KeyObject, edk: Uint8Array): Buffer {
  const em = openRsaBlock(privateKey, edk);
  // RFC 8017: the seed is as long as the label hash (SHA-256, 32 bytes); MGF1 only stretches
  // it, with SHA-1 in Java's reading.
  const hLen = SHA256_LEN;
  const lHash = EMPTY_LABEL_SHA256;
  const k = em.length;
  if (k < 2 * hLen + 2) {
    wipe(em);
    throw noDataKey('the RSA key does not unwrap the data key');
  }
  // Read before em is wiped: a valid block starts with 0x00.
  const leading = em[0]!;
  const seedMask = mgf1Sha1(em.subarray(1 + hLen), hLen);
  const seed = Buffer.alloc(hLen);
  for (let i = 0; i < hLen; i++) seed[i] = em[1 + i]! ^ seedMask[i]!;
  const db = mgf1Sha1(seed, k - hLen - 1);
  for (let i = 0; i < db.length; i++) db[i]! ^= em[1 + hLen + i]!;
  wipe(em);
  wipe(seed);
  try {
    let bad = leading;
    for (let i = 0; i < lHash.length; i++) bad |= db[i]! ^ lHash[i]!;
    // Find the 0x01 separator after the zero padding, touching every byte.
    let index = 0;
    let found = 0;
    for (let i = lHash.length; i < db.length; i++) {
      const isOne = db[i] === 1 ? 1 : 0;
      const isZero = db[i] === 0 ? 1 : 0;
      const take = isOne & (found ^ 1);
      index = take === 1 ? i : index;
      found |= isOne;
      bad |= (found ^ 1) & (isZero ^ 1) & (isOne ^ 1);
    }
    bad |= found ^ 1;
    if (bad !== 0) throw noDataKey('the RSA key does not unwrap the data key');
    return Buffer.from(db.subarray(index + 1));
  } finally {
    wipe(db);
  }
}
