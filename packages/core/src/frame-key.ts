/**
 * Key derivation for the committing suites (docs/FORMAT.md, "Keys"): HKDF-SHA512 over the data
 * key with the message id as salt, labels from `@aws-crypto/serialize`'s kdfCommitKeyInfo.
 * Done here rather than through `getEncryptHelper` so that we own — and wipe — the derived key
 * bytes: K is held as a `KeyObject` (outside the JS heap) and its Buffer is wiped at once, so
 * no per-frame cipher copies a key from a JS buffer. @internal
 */
import {
  createCipheriv,
  createDecipheriv,
  createSecretKey,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import { HKDF } from '@aws-crypto/hkdf-node';
import {
  unwrapDataKey,
  type NodeDecryptionMaterial,
  type NodeEncryptionMaterial,
} from '@aws-crypto/material-management-node';
import { kdfCommitKeyInfo } from '@aws-crypto/serialize';
import { IntegrityError } from './errors.js';
import { wipe } from './key-material.js';
import type { CipherFactory, DecipherFactory } from './frame-codec.js';

const hkdf = HKDF('sha512');

/** GCM tag length of every frame (and of the header auth tag). */
const TAG_LENGTH = 16;

/** A derived frame key; `destroy()` drops it (the KeyObject is then unreachable). */
export interface FrameKey {
  readonly commitment: Buffer;
  readonly cipherFor: CipherFactory;
  readonly decipherFor: DecipherFactory;
  /** K itself, for a worker-thread handoff (frame-key-handoff.ts); throws once destroyed. */
  readonly keyObject: () => KeyObject;
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
    if (ownsCopy) wipe(dk);
  }
  let key: KeyObject;
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
    const bytes = hkdf.expand(prk, 32, keyLabel);
    try {
      key = createSecretKey(bytes);
    } finally {
      wipe(bytes);
    }
  } finally {
    wipe(prk);
  }
  return frameKeyOf(key, commitment);
}

/**
 * A frame key over an existing K (a `KeyObject`): the ciphers, and `keyObject()` for handing
 * K to a worker thread (KeyObjects are cloned by postMessage without K entering a JS buffer).
 * `destroy()` drops this holder's reference.
 */
export function frameKeyOf(key: KeyObject, commitment: Buffer): FrameKey {
  let live: KeyObject | undefined = key;
  const check = (): KeyObject => {
    if (live === undefined)
      throw new IntegrityError('ERR_S3ENC_SESSION_DESTROYED', 'The frame key was destroyed');
    return live;
  };
  return {
    commitment,
    cipherFor: (iv) => createCipheriv('aes-256-gcm', check(), iv, { authTagLength: TAG_LENGTH }),
    decipherFor: (iv) =>
      createDecipheriv('aes-256-gcm', check(), iv, { authTagLength: TAG_LENGTH }),
    keyObject: check,
    destroy: () => {
      live = undefined;
    },
  };
}
