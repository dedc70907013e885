/**
 * Continuing a message from its header (a resumed upload, docs/transfer.md "Resuming a put"):
 * the data key is unwrapped again from the header's encrypted data keys, the key commitment and
 * the header auth tag are checked, and the session seals frames under the same message id and
 * data key. Frames depend only on those, the sequence number and the plaintext
 * (docs/FORMAT.md, "Frames"), so a frame sealed now is byte for byte the frame sealed before.
 */
import {
  KeyringNode,
  MessageFormat,
  NodeDefaultCryptographicMaterialsManager,
  type NodeDecryptionMaterial,
} from '@aws-crypto/material-management-node';
import { encryptionSessionOf, SUITE_ID } from './encrypt-session.js';
import { FormatError, IntegrityError, InvalidArgumentError, KeyUnwrapError } from './errors.js';
import { asBuffer, FrameSealer } from './frame-codec.js';
import { deriveFrameKey, type FrameKey } from './frame-key.js';
import { keyIdOf, parseHeaderFull, suiteOf } from './header.js';
import { DEFAULT_MAX_ENCRYPTED_DATA_KEYS } from './limits.js';
import { checkFrameLength } from './sizes.js';
import type { EncryptionSession, Keyring } from './types.js';

/** Options of {@link resumeEncryption}. */
export interface ResumeEncryptionOptions {
  /** A keyring that can unwrap the data key from the header (the one that wrote it, or a peer). */
  readonly keyring: Keyring;
  /** Exactly the header of the message being continued, auth tag included. */
  readonly header: Uint8Array;
  /** Refuse headers listing more encrypted data keys than this (default 3), before any KMS call. */
  readonly maxEncryptedDataKeys?: number;
}

/**
 * Continues sealing the message whose header is `header`. In order: parses the header
 * (FormatError; ERR_S3ENC_RESUME_HEADER when the bytes are not exactly one header of a v2
 * message of suite 0x0478), unwraps the data key (KeyUnwrapError ERR_S3ENC_NO_DATA_KEY),
 * checks the key commitment (IntegrityError ERR_S3ENC_COMMITMENT_MISMATCH) and the header auth
 * tag (IntegrityError ERR_S3ENC_HEADER_TAG_MISMATCH). Resolves to a session whose `header` is
 * the given header; call `destroy()` when done.
 */
export async function resumeEncryption(o: ResumeEncryptionOptions): Promise<EncryptionSession> {
  if (o === null || typeof o !== 'object') throw new InvalidArgumentError('options are required');
  if (!(o.keyring instanceof KeyringNode))
    throw new InvalidArgumentError('keyring must be a keyring');
  if (!(o.header instanceof Uint8Array))
    throw new InvalidArgumentError('header must be a Uint8Array');
  const maxEdks = o.maxEncryptedDataKeys ?? DEFAULT_MAX_ENCRYPTED_DATA_KEYS;
  if (!Number.isSafeInteger(maxEdks) || maxEdks < 1)
    throw new InvalidArgumentError('maxEncryptedDataKeys must be a positive integer');
  const parsed = parseHeaderFull(o.header, maxEdks);
  if (parsed?.headerLength !== o.header.byteLength) {
    throw new FormatError(
      'ERR_S3ENC_RESUME_HEADER',
      'The bytes to resume from are not exactly one message header',
    );
  }
  const { info, raw } = parsed;
  const mh = raw.messageHeader;
  if (info.suiteId !== SUITE_ID || mh.version !== MessageFormat.V2) {
    throw new FormatError(
      'ERR_S3ENC_RESUME_HEADER',
      'Only a v2 message of suite 0x0478 (what s3enc writes) can be continued',
    );
  }
  checkFrameLength(info.frameLength);
  let material: NodeDecryptionMaterial;
  try {
    material = await new NodeDefaultCryptographicMaterialsManager(o.keyring).decryptMaterials({
      suite: suiteOf(mh.suiteId),
      encryptionContext: mh.encryptionContext,
      encryptedDataKeys: mh.encryptedDataKeys,
    });
  } catch (cause) {
    throw new KeyUnwrapError(
      'ERR_S3ENC_NO_DATA_KEY',
      'No keyring entry could unwrap the data key',
      { cause },
    );
  }
  let frameKey: FrameKey | undefined;
  try {
    frameKey = deriveFrameKey(material, mh.messageId, mh.suiteData);
    try {
      const d = frameKey.decipherFor(raw.headerAuth.headerIv);
      d.setAAD(asBuffer(raw.rawHeader));
      d.setAuthTag(asBuffer(raw.headerAuth.headerAuthTag));
      d.update(Buffer.alloc(0));
      d.final();
    } catch (cause) {
      throw new IntegrityError('ERR_S3ENC_HEADER_TAG_MISMATCH', 'Message authentication failed', {
        cause,
      });
    }
    const key = frameKey;
    const messageId = Buffer.from(mh.messageId);
    return encryptionSessionOf({
      header: Buffer.from(o.header),
      frameLength: info.frameLength,
      messageId,
      encryptionContext: Object.freeze({ ...mh.encryptionContext }),
      keyIds: mh.encryptedDataKeys.map(keyIdOf),
      sealer: new FrameSealer(key.cipherFor, messageId, info.frameLength),
      dispose: () => {
        key.destroy();
      },
    });
  } catch (e) {
    frameKey?.destroy();
    throw e;
  } finally {
    // The frame key holds what sealing needs; the material's copy of the data key goes now.
    if (material.hasUnencryptedDataKey) material.zeroUnencryptedDataKey();
  }
}
