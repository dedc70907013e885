/**
 * Key derivation for the committing suites (docs/FORMAT.md, "Keys"): HKDF-SHA512 over the data
 * key with the message id as salt, labels from `@aws-crypto/serialize`'s kdfCommitKeyInfo.
 * Done here rather than through `getEncryptHelper` so that we own — and zero — the derived key
 * bytes, and so each frame's cipher is made from a plain key buffer. @internal
 */
import { createCipheriv, createDecipheriv, timingSafeEqual } from 'node:crypto';
import { HKDF } from '@aws-crypto/hkdf-node';
import {
  unwrapDataKey,
  type NodeDecryptionMaterial,
  type NodeEncryptionMaterial,
} from '@aws-crypto/material-management-node';
import { kdfCommitKeyInfo } from '@aws-crypto/serialize';
import { IntegrityError } from './errors.js';
import type { CipherFactory, DecipherFactory } from './frame-codec.js';

const hkdf = HKDF('sha512');

/** A derived frame key; `destroy()` zeroes it. */
export interface FrameKey {
  readonly commitment: Buffer;
  readonly cipherFor: CipherFactory;
  readonly decipherFor: DecipherFactory;
  destroy(): void;
}

/** True for the suites this module derives keys for (committing, HKDF-SHA512, AES-256-GCM). */
export function derivesOwnKey(suite: {
  commitment: string;
  kdfHash?: string;
  encryption: string;
  keyLengthBytes: number;
}): boolean {
  return (
    suite.commitment === 'KEY' &&
    suite.kdfHash === 'sha512' &&
    suite.encryption === 'aes-256-gcm' &&
    suite.keyLengthBytes === 32
  );
}

/**
 * Derives K and the commitment for `messageId`. When `expectedCommitment` is given (decrypt),
 * compares in constant time first and throws IntegrityError (ERR_S3ENC_COMMITMENT_MISMATCH)
 * without deriving K.
 */
export function deriveFrameKey(
  material: NodeEncryptionMaterial | NodeDecryptionMaterial,
  messageId: Uint8Array,
  expectedCommitment?: Uint8Array,
): FrameKey {
  const { keyLabel, commitLabel } = kdfCommitKeyInfo(material.suite);
  const held = material.getUnencryptedDataKey();
  const dk = unwrapDataKey(held);
  // On Node 20+ the material keeps a KeyObject and unwrapDataKey exports a fresh copy of the
  // data key: that copy is ours to zero. The material's own Uint8Array is not.
  const ownsCopy = dk !== held;
  let prk: Buffer;
  try {
    prk = hkdf.extract(dk, messageId);
  } finally {
    if (ownsCopy) dk.fill(0);
  }
  let key: Buffer;
  let commitment: Buffer;
  try {
    commitment = hkdf.expand(prk, 32, commitLabel);
    if (
      expectedCommitment !== undefined &&
      (expectedCommitment.byteLength !== commitment.length ||
        !timingSafeEqual(commitment, expectedCommitment))
    ) {
      throw new IntegrityError('ERR_S3ENC_COMMITMENT_MISMATCH', 'Message authentication failed');
    }
    key = hkdf.expand(prk, 32, keyLabel);
  } finally {
    prk.fill(0);
  }
  let live = true;
  const check = (): Buffer => {
    if (!live)
      throw new IntegrityError('ERR_S3ENC_SESSION_DESTROYED', 'The frame key was destroyed');
    return key;
  };
  return {
    commitment,
    cipherFor: (iv) => createCipheriv('aes-256-gcm', check(), iv),
    decipherFor: (iv) => createDecipheriv('aes-256-gcm', check(), iv),
    destroy: () => {
      live = false;
      key.fill(0);
    },
  };
}
