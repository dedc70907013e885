/**
 * Decryption sessions: parse the header, check the encryption context and the data key cap,
 * unwrap the data key, check the key commitment and the header auth tag — in that order, so
 * a hostile header costs no KMS call — then open frames (docs/FORMAT.md, "Reading").
 */
import { inspect } from 'node:util';
import {
  KeyringNode,
  NodeDefaultCryptographicMaterialsManager,
  getDecryptionHelper,
  type NodeDecryptionMaterial,
} from '@aws-crypto/material-management-node';
import { MessageFormat } from '@aws-crypto/material-management-node';
import { decryptionMaterialsVia } from './data-key-cache/cached-materials.js';
import { cacheInternals, type DataKeyCache } from './data-key-cache/data-key-cache.js';
import { checkEncryptionContext, requireContext } from './encryption-context.js';
import { DEFAULT_MAX_ENCRYPTED_DATA_KEYS } from './limits.js';
import { FormatError, IntegrityError, InvalidArgumentError, KeyUnwrapError } from './errors.js';
import { asBuffer, type DecipherFactory } from './frame-codec.js';
import { FrameOpener, type OpenResult } from './frame-opener.js';
import { deriveFrameKey, derivesOwnKey, type FrameKey } from './frame-key.js';
import { registerFrameKey } from './frame-key-handoff.js';
import { parseHeaderFull, suiteOf } from './header.js';
import { MAX_FRAME_LENGTH } from './limits.js';
import type {
  CommitmentPolicy,
  DecryptionSession,
  EncryptionContext,
  OpenedFrameChunks,
  HeaderInfo,
  Keyring,
  OpenedFrames,
} from './types.js';

/** Options of {@link beginDecryption}. */
export interface BeginDecryptionOptions {
  /** Keys that may unwrap the data key. */
  readonly keyring: Keyring;
  /** At least the whole header (more bytes are ignored). */
  readonly header: Uint8Array;
  /** Pairs the message's encryption context must contain; checked before any key is unwrapped. */
  readonly requiredEncryptionContext?: EncryptionContext;
  /** Default `REQUIRE_ENCRYPT_REQUIRE_DECRYPT`: messages without key commitment are refused. */
  readonly commitmentPolicy?: CommitmentPolicy;
  /** Refuse headers listing more encrypted data keys than this (default 3), before any KMS call. */
  readonly maxEncryptedDataKeys?: number;
  /**
   * Signed suites (0x0578 …) are authenticated as a whole by a signature at the end of the
   * message, which frame-by-frame reading cannot check first. `openFrames` on such a message
   * throws unless this is true. `decryptStream` checks the signature itself.
   */
  readonly releaseUnverifiedPlaintext?: boolean;
  /**
   * Take the unwrapped data key from this cache when it holds one for the same encrypted data
   * keys, context, suite, keyring and partition within its limits (off by default; saves a KMS
   * Decrypt for messages written with one cached data key). The key commitment and header tag
   * are still checked for every message.
   */
  readonly dataKeyCache?: DataKeyCache | undefined;
}

const POLICIES: readonly CommitmentPolicy[] = [
  'REQUIRE_ENCRYPT_REQUIRE_DECRYPT',
  'REQUIRE_ENCRYPT_ALLOW_DECRYPT',
  'FORBID_ENCRYPT_ALLOW_DECRYPT',
];

/** Signature verifier of a signed message. @internal */
export interface SignatureVerifier {
  update(data: Buffer): void;
  verify(signature: Buffer): boolean;
}

class Session implements DecryptionSession {
  readonly headerLength: number;
  readonly frameLength: number;
  readonly info: HeaderInfo;
  readonly dataKeyFromCache: boolean;
  #opener: FrameOpener | undefined;
  #dispose: (() => void) | undefined;
  readonly #allowUnverified: boolean;
  /** @internal present for signed suites. */
  readonly verifier: SignatureVerifier | undefined;

  constructor(a: {
    headerLength: number;
    info: HeaderInfo;
    opener: FrameOpener;
    dispose: () => void;
    verifier: SignatureVerifier | undefined;
    allowUnverified: boolean;
    dataKeyFromCache: boolean;
  }) {
    this.headerLength = a.headerLength;
    this.frameLength = a.info.frameLength;
    this.info = a.info;
    this.dataKeyFromCache = a.dataKeyFromCache;
    this.#opener = a.opener;
    this.#dispose = a.dispose;
    this.verifier = a.verifier;
    this.#allowUnverified = a.allowUnverified;
  }

  /** @internal the opener, for streams (they check signatures themselves). */
  opener(): FrameOpener {
    if (this.#opener === undefined) {
      throw new InvalidArgumentError('The decryption session was destroyed', {
        code: 'ERR_S3ENC_SESSION_DESTROYED',
      });
    }
    return this.#opener;
  }

  openFrames(firstSeq: number, ciphertext: Uint8Array): OpenedFrames {
    if (!(ciphertext instanceof Uint8Array))
      throw new InvalidArgumentError('ciphertext must be a Uint8Array');
    return toOpened(this.#frameOpener().open(firstSeq, ciphertext));
  }

  openFrameChunks(firstSeq: number, chunks: readonly Uint8Array[]): OpenedFrameChunks {
    if (!Array.isArray(chunks) || !chunks.every((c) => c instanceof Uint8Array))
      throw new InvalidArgumentError('chunks must be an array of Uint8Array');
    const r = this.#frameOpener().openPieces(firstSeq, chunks.map(asBuffer));
    return {
      plaintext: r.plaintext,
      plainLength: r.plainLength,
      frames: r.frames,
      final: r.final,
      ...(r.final ? { finalLength: r.finalLength! } : {}),
    };
  }

  /** The opener, for reading frames directly (a stream checks signatures itself). */
  #frameOpener(): FrameOpener {
    const opener = this.opener();
    if (this.info.signed && !this.#allowUnverified) {
      throw new FormatError(
        'ERR_S3ENC_SIGNED_MESSAGE',
        'Signed messages cannot be read frame by frame before the signature is checked; use decryptStream or releaseUnverifiedPlaintext',
      );
    }
    return opener;
  }

  openFramesInto(
    out: Uint8Array,
    offset: number,
    firstSeq: number,
    ciphertext: Uint8Array,
  ): Omit<OpenedFrames, 'plaintext'> & { bytes: number } {
    const opener = this.#frameOpener();
    if (!(ciphertext instanceof Uint8Array) || !(out instanceof Uint8Array)) {
      throw new InvalidArgumentError('ciphertext and out must be Uint8Array');
    }
    if (!Number.isSafeInteger(offset) || offset < 0)
      throw new InvalidArgumentError('offset must be a non-negative integer');
    const r = opener.openInto(asBuffer(out), offset, firstSeq, asBuffer(ciphertext));
    return {
      bytes: r.plainLength,
      frames: r.frames,
      final: r.final,
      ...(r.final ? { finalLength: r.finalLength! } : {}),
    };
  }

  destroy(): void {
    this.#opener = undefined;
    const d = this.#dispose;
    this.#dispose = undefined;
    d?.();
  }

  [inspect.custom](): string {
    return `DecryptionSession { messageId: '${this.info.messageId}', suiteId: 0x${this.info.suiteId.toString(16).padStart(4, '0')}, frameLength: ${this.frameLength}, headerLength: ${this.headerLength}, destroyed: ${this.#opener === undefined} }`;
  }

  toJSON(): Record<string, unknown> {
    return {
      messageId: this.info.messageId,
      suiteId: this.info.suiteId,
      frameLength: this.frameLength,
    };
  }
}

/** @internal */
export type InternalDecryptionSession = DecryptionSession & {
  readonly verifier: SignatureVerifier | undefined;
  opener(): FrameOpener;
};

/** @internal */
export function toOpened(r: OpenResult): OpenedFrames {
  const plaintext =
    r.plaintext.length === 1 ? r.plaintext[0]! : Buffer.concat(r.plaintext, r.plainLength);
  return {
    plaintext,
    frames: r.frames,
    final: r.final,
    ...(r.final ? { finalLength: r.finalLength! } : {}),
  };
}

/**
 * Reads a message header and prepares to decrypt its frames. In order: parses the header
 * (FormatError), applies the commitment policy (FormatError ERR_S3ENC_COMMITMENT_POLICY) and
 * the data key cap (FormatError ERR_S3ENC_TOO_MANY_DATA_KEYS), checks the required encryption
 * context (KeyUnwrapError ERR_S3ENC_CONTEXT_MISMATCH) — all before any key is unwrapped — then
 * unwraps the data key (KeyUnwrapError ERR_S3ENC_NO_DATA_KEY), checks the key commitment
 * (IntegrityError ERR_S3ENC_COMMITMENT_MISMATCH) and the header auth tag (IntegrityError
 * ERR_S3ENC_HEADER_TAG_MISMATCH). Resolves to a session; call `destroy()` when done.
 */
export async function beginDecryption(o: BeginDecryptionOptions): Promise<DecryptionSession> {
  if (o === null || typeof o !== 'object') throw new InvalidArgumentError('options are required');
  if (!(o.keyring instanceof KeyringNode)) {
    throw new InvalidArgumentError(
      'keyring must be a KeyringNode (kmsKeyring, rawAesKeyring, multiKeyring)',
    );
  }
  const policy = o.commitmentPolicy ?? 'REQUIRE_ENCRYPT_REQUIRE_DECRYPT';
  if (!POLICIES.includes(policy)) throw new InvalidArgumentError('unknown commitmentPolicy');
  const maxEdks = o.maxEncryptedDataKeys ?? DEFAULT_MAX_ENCRYPTED_DATA_KEYS;
  if (!Number.isSafeInteger(maxEdks) || maxEdks < 1) {
    throw new InvalidArgumentError('maxEncryptedDataKeys must be a positive integer');
  }
  const required = checkEncryptionContext(o.requiredEncryptionContext, 'requiredEncryptionContext');
  if (o.dataKeyCache !== undefined) cacheInternals(o.dataKeyCache); // a foreign object fails before KMS

  const parsed = parseHeaderFull(o.header, maxEdks);
  if (parsed === undefined)
    throw new FormatError('ERR_S3ENC_TRUNCATED_HEADER', 'Incomplete message header');
  const { info, raw, headerLength } = parsed;
  if (!info.committing && policy === 'REQUIRE_ENCRYPT_REQUIRE_DECRYPT') {
    throw new FormatError(
      'ERR_S3ENC_COMMITMENT_POLICY',
      'The message suite does not commit to its key; the commitment policy forbids it',
    );
  }
  if (info.frameLength > MAX_FRAME_LENGTH) {
    throw new FormatError(
      'ERR_S3ENC_FRAME_TOO_LARGE',
      `The message frame length exceeds ${MAX_FRAME_LENGTH} bytes`,
    );
  }
  if (info.encryptedDataKeys.length > maxEdks) {
    throw new FormatError(
      'ERR_S3ENC_TOO_MANY_DATA_KEYS',
      `The message lists more than ${maxEdks} encrypted data keys`,
    );
  }
  requireContext(info.encryptionContext, required);

  const { messageHeader } = raw;
  let material: NodeDecryptionMaterial;
  let dataKeyFromCache: boolean;
  const keyring = o.keyring;
  try {
    const request = {
      suite: suiteOf(messageHeader.suiteId),
      encryptionContext: messageHeader.encryptionContext,
      encryptedDataKeys: messageHeader.encryptedDataKeys,
    };
    ({ material, fromCache: dataKeyFromCache } = await decryptionMaterialsVia(
      o.dataKeyCache,
      keyring,
      request,
      () => new NodeDefaultCryptographicMaterialsManager(keyring).decryptMaterials(request),
    ));
  } catch (cause) {
    throw new KeyUnwrapError(
      'ERR_S3ENC_NO_DATA_KEY',
      'No keyring entry could unwrap the data key',
      { cause },
    );
  }
  const helper = getDecryptionHelper(material);
  let frameKey: FrameKey | undefined;
  try {
    let getDecipher: DecipherFactory;
    if (messageHeader.version === MessageFormat.V2 && derivesOwnKey(material.suite)) {
      frameKey = deriveFrameKey(material, messageHeader.messageId, messageHeader.suiteData);
      getDecipher = frameKey.decipherFor;
    } else {
      try {
        getDecipher = helper.getDecipherInfo(
          messageHeader.messageId,
          messageHeader.version === MessageFormat.V2 ? messageHeader.suiteData : undefined,
        );
      } catch (cause) {
        throw new IntegrityError('ERR_S3ENC_COMMITMENT_MISMATCH', 'Message authentication failed', {
          cause,
        });
      }
    }
    const headerBytes = asBuffer(o.header).subarray(0, headerLength);
    try {
      const d = getDecipher(raw.headerAuth.headerIv);
      d.setAAD(asBuffer(raw.rawHeader));
      d.setAuthTag(asBuffer(raw.headerAuth.headerAuthTag));
      d.update(Buffer.alloc(0));
      d.final();
    } catch (cause) {
      throw new IntegrityError('ERR_S3ENC_HEADER_TAG_MISMATCH', 'Message authentication failed', {
        cause,
      });
    }
    let verifier: SignatureVerifier | undefined;
    if (helper.getVerify !== undefined) {
      const v = helper.getVerify();
      v.update(headerBytes);
      verifier = { update: (b) => v.update(b), verify: (s) => v.awsCryptoVerify(s) };
    }
    const session = new Session({
      headerLength,
      info,
      opener: new FrameOpener(getDecipher, messageHeader.messageId, info.frameLength),
      dispose: () => {
        frameKey?.destroy();
        helper.dispose();
      },
      verifier,
      allowUnverified: o.releaseUnverifiedPlaintext === true,
      dataKeyFromCache,
    });
    // Only K we derived ourselves, and only for unsigned messages (a signature needs the whole
    // message in one place), can be handed to a worker thread.
    if (frameKey !== undefined && verifier === undefined) {
      registerFrameKey(session, frameKey.keyObject);
    }
    return session;
  } catch (e) {
    frameKey?.destroy();
    helper.dispose();
    throw e;
  }
}
