/**
 * Encryption sessions: one data key and one header per message, then independent,
 * deterministic frames (docs/FORMAT.md). Materials, key derivation with commitment and header
 * serialisation come from `@aws-crypto/*`; the frames are ours (frame-codec.ts).
 */
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import {
  CommitmentPolicy as AwsCommitmentPolicy,
  NodeAlgorithmSuite,
  NodeDefaultCryptographicMaterialsManager,
  getEncryptHelper,
  AlgorithmSuiteIdentifier,
  KeyringNode,
  type NodeEncryptionMaterial,
} from '@aws-crypto/material-management-node';
import {
  MessageIdLength,
  serializeFactory,
  serializeMessageHeaderAuth,
} from '@aws-crypto/serialize';
import { checkEncryptionContext, rejectReservedKeys } from './encryption-context.js';
import { InvalidArgumentError, KeyUnwrapError } from './errors.js';
import { deriveFrameKey, type FrameKey } from './frame-key.js';
import { keyIdOf } from './header.js';
import { FrameSealer, asBuffer, type CipherFactory } from './frame-codec.js';
import { DEFAULT_MAX_ENCRYPTED_DATA_KEYS } from './limits.js';
import { DEFAULT_FRAME_LENGTH, checkFrameLength, checkWholeFrames } from './sizes.js';
import type { EncryptionContext, EncryptionSession, Keyring } from './types.js';

const { serializeMessageHeader, headerAuthIv, buildMessageHeader } = serializeFactory(
  (s: string) => Buffer.from(s, 'utf8'),
  { utf8Sorting: true },
);

const SUITE = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY;
/**
 * The only suite we write, 0x0478: AES-256-GCM, HKDF-SHA512, key commitment, no signature.
 * Typed as the literal so the published declarations need no upstream enum.
 */
export const SUITE_ID: 0x0478 = SUITE;

/** Options of {@link beginEncryption}. */
export interface BeginEncryptionOptions {
  /** Where the data key comes from (see kmsKeyring, rawAesKeyring, multiKeyring). */
  readonly keyring: Keyring;
  /** Non-secret pairs bound to the message and sent to KMS. Keys starting `aws-crypto-` are reserved. */
  readonly encryptionContext?: EncryptionContext;
  /** Plaintext bytes per frame; default {@link DEFAULT_FRAME_LENGTH}. */
  readonly frameLength?: number;
  /** Refuse keyrings that wrap the data key more than this many times; default 3. */
  readonly maxEncryptedDataKeys?: number;
}

function checkKeyring(k: unknown): asserts k is Keyring {
  if (!(k instanceof KeyringNode)) {
    throw new InvalidArgumentError(
      'keyring must be a KeyringNode (kmsKeyring, rawAesKeyring, multiKeyring)',
    );
  }
}

class Session implements EncryptionSession {
  readonly header: Buffer;
  readonly headerLength: number;
  readonly frameLength: number;
  readonly messageId: Buffer;
  readonly suiteId: number = SUITE_ID;
  readonly encryptionContext: EncryptionContext;
  readonly keyIds: string[];
  #sealer: FrameSealer | undefined;
  #dispose: (() => void) | undefined;

  constructor(a: {
    header: Buffer;
    frameLength: number;
    messageId: Buffer;
    encryptionContext: EncryptionContext;
    keyIds: string[];
    sealer: FrameSealer;
    dispose: () => void;
  }) {
    this.header = a.header;
    this.headerLength = a.header.length;
    this.frameLength = a.frameLength;
    this.messageId = a.messageId;
    this.encryptionContext = a.encryptionContext;
    this.keyIds = a.keyIds;
    this.#sealer = a.sealer;
    this.#dispose = a.dispose;
  }

  #live(): FrameSealer {
    if (this.#sealer === undefined) {
      throw new InvalidArgumentError('The encryption session was destroyed', {
        code: 'ERR_S3ENC_SESSION_DESTROYED',
      });
    }
    return this.#sealer;
  }

  sealFrames(firstSeq: number, plaintext: Uint8Array, final: boolean): Buffer {
    const sealer = this.#live();
    if (!(plaintext instanceof Uint8Array))
      throw new InvalidArgumentError('plaintext must be a Uint8Array');
    checkWholeFrames(plaintext.byteLength, this.frameLength, final);
    const out = Buffer.allocUnsafe(sealer.sealedLength(plaintext.byteLength, final));
    const n = sealer.sealInto(out, 0, firstSeq, plaintext, final);
    return n === out.length ? out : out.subarray(0, n);
  }

  sealFramesInto(
    out: Uint8Array,
    offset: number,
    firstSeq: number,
    plaintext: Uint8Array,
    final: boolean,
  ): number {
    const sealer = this.#live();
    if (!(plaintext instanceof Uint8Array) || !(out instanceof Uint8Array)) {
      throw new InvalidArgumentError('plaintext and out must be Uint8Array');
    }
    checkWholeFrames(plaintext.byteLength, this.frameLength, final);
    const need = sealer.sealedLength(plaintext.byteLength, final);
    if (!Number.isSafeInteger(offset) || offset < 0 || offset + need > out.byteLength) {
      throw new InvalidArgumentError(`out needs ${need} bytes at offset ${offset}`, {
        code: 'ERR_S3ENC_BUFFER_TOO_SMALL',
      });
    }
    return sealer.sealInto(asBuffer(out), offset, firstSeq, plaintext, final);
  }

  /** @internal one frame as pieces, without copying the ciphertext (streams use it). */
  sealFramePieces(seq: number, plaintext: Uint8Array, final: boolean): Buffer[] {
    return this.#live().sealPieces(seq, plaintext, final);
  }

  destroy(): void {
    this.#sealer = undefined;
    const d = this.#dispose;
    this.#dispose = undefined;
    d?.();
  }

  [inspect.custom](): string {
    return `EncryptionSession { messageId: '${this.messageId.toString('hex')}', suiteId: 0x${this.suiteId.toString(16).padStart(4, '0')}, frameLength: ${this.frameLength}, headerLength: ${this.headerLength}, keyIds: ${inspect(this.keyIds)}, destroyed: ${this.#sealer === undefined} }`;
  }

  toJSON(): Record<string, unknown> {
    return {
      messageId: this.messageId.toString('hex'),
      suiteId: this.suiteId,
      frameLength: this.frameLength,
      keyIds: this.keyIds,
    };
  }
}

/** @internal the session class, for streams that want piecewise sealing. */
export type InternalEncryptionSession = EncryptionSession & {
  sealFramePieces(seq: number, plaintext: Uint8Array, final: boolean): Buffer[];
};

/**
 * Starts a message: obtains one data key from the keyring (one GenerateDataKey with KMS),
 * derives the frame key and key commitment, and builds the v2 header with its auth tag.
 * Resolves to a session; rejects with InvalidArgumentError on bad options (reserved context
 * key, bad frame length, too many data keys) and KeyUnwrapError (ERR_S3ENC_DATA_KEY_UNAVAILABLE)
 * when the keyring cannot produce a data key.
 */
export async function beginEncryption(o: BeginEncryptionOptions): Promise<EncryptionSession> {
  return beginEncryptionWith(o, {});
}

/**
 * Inputs that are random in production, fixed by the known-answer vector generator
 * (packages/core/test/vectors/) so that our writer can be checked byte for byte. @internal
 */
export interface EncryptionSeam {
  /** The 32-byte message id (default: fresh CSPRNG bytes). */
  readonly messageId?: Uint8Array;
}

/** {@link beginEncryption} with the test seam. @internal not exported from the package. */
export async function beginEncryptionWith(
  o: BeginEncryptionOptions,
  seam: EncryptionSeam,
): Promise<EncryptionSession> {
  if (o === null || typeof o !== 'object') throw new InvalidArgumentError('options are required');
  checkKeyring(o.keyring);
  const frameLength = o.frameLength ?? DEFAULT_FRAME_LENGTH;
  checkFrameLength(frameLength);
  const ec = checkEncryptionContext(o.encryptionContext);
  rejectReservedKeys(ec);
  const maxEdks = o.maxEncryptedDataKeys ?? DEFAULT_MAX_ENCRYPTED_DATA_KEYS;
  if (!Number.isSafeInteger(maxEdks) || maxEdks < 1) {
    throw new InvalidArgumentError('maxEncryptedDataKeys must be a positive integer');
  }
  const suite = new NodeAlgorithmSuite(SUITE);
  let material: NodeEncryptionMaterial;
  try {
    material = await new NodeDefaultCryptographicMaterialsManager(o.keyring).getEncryptionMaterials(
      {
        suite,
        encryptionContext: { ...ec },
        commitmentPolicy: AwsCommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT,
      },
    );
  } catch (cause) {
    throw new KeyUnwrapError(
      'ERR_S3ENC_DATA_KEY_UNAVAILABLE',
      'The keyring could not produce a data key',
      { cause },
    );
  }
  const helper = getEncryptHelper(material);
  let frameKey: FrameKey | undefined;
  try {
    if (material.encryptedDataKeys.length > maxEdks) {
      throw new InvalidArgumentError(
        `The keyring wrapped the data key ${material.encryptedDataKeys.length} times; maxEncryptedDataKeys is ${maxEdks}`,
        {
          code: 'ERR_S3ENC_TOO_MANY_DATA_KEYS',
        },
      );
    }
    const idLength: number = MessageIdLength.V2;
    const messageId =
      seam.messageId === undefined ? randomBytes(idLength) : Buffer.from(seam.messageId);
    if (messageId.length !== idLength)
      throw new InvalidArgumentError('the message id must be 32 bytes');
    frameKey = deriveFrameKey(material, messageId);
    const getCipher = frameKey.cipherFor;
    const keyCommitment = frameKey.commitment;
    const messageHeader = buildMessageHeader({
      suite: material.suite,
      encryptedDataKeys: material.encryptedDataKeys,
      encryptionContext: material.encryptionContext,
      messageId,
      frameLength,
      suiteData: keyCommitment,
    });
    const body = serializeMessageHeader(messageHeader);
    const headerIv = headerAuthIv(material.suite.ivLength);
    const auth = getCipher(headerIv);
    auth.setAAD(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
    auth.update(Buffer.alloc(0));
    auth.final();
    const tail = serializeMessageHeaderAuth({
      headerIv,
      headerAuthTag: auth.getAuthTag(),
      messageHeader,
    });
    const header = Buffer.concat([body, tail]);
    const cipherFor: CipherFactory = getCipher;
    return new Session({
      header,
      frameLength,
      messageId,
      encryptionContext: Object.freeze({ ...material.encryptionContext }),
      keyIds: material.encryptedDataKeys.map(keyIdOf),
      sealer: new FrameSealer(cipherFor, messageId, frameLength),
      dispose: () => {
        frameKey!.destroy();
        helper.dispose();
      },
    });
  } catch (e) {
    frameKey?.destroy();
    helper.dispose();
    throw e;
  }
}

/**
 * A session around a header and frame sealer built elsewhere: resume-encryption.ts continues a
 * message from its header. @internal not exported from the package.
 */
export function encryptionSessionOf(
  a: ConstructorParameters<typeof Session>[0],
): EncryptionSession {
  return new Session(a);
}
