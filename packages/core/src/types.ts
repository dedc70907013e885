/**
 * Public types of the message format API: header information and the encryption and
 * decryption sessions (docs/FORMAT.md). Implementations live in encrypt-session.ts and
 * decrypt-session.ts.
 */
import type { KeyringNode } from '@aws-crypto/material-management-node';

/** A keyring from `@aws-crypto` (KMS, raw AES, multi); see keyrings.ts for the helpers. */
export type Keyring = KeyringNode;

/** Encryption context: non-secret key/value pairs bound to the message and sent to KMS. */
export type EncryptionContext = Record<string, string>;

/**
 * Which messages may be written and read, as in the AWS Encryption SDK. Default
 * `REQUIRE_ENCRYPT_REQUIRE_DECRYPT`: only key-committing suites are read.
 */
export type CommitmentPolicy =
  | 'REQUIRE_ENCRYPT_REQUIRE_DECRYPT'
  | 'REQUIRE_ENCRYPT_ALLOW_DECRYPT'
  | 'FORBID_ENCRYPT_ALLOW_DECRYPT';

/** One encrypted data key as the header lists it (the wrapped key bytes are left out). */
export interface EncryptedDataKeyInfo {
  /** `aws-kms` for KMS, the key namespace for raw keyrings. */
  readonly providerId: string;
  /** The KMS key ARN, or the raw key name (with IV/tag info for raw AES, as UTF-8). */
  readonly providerInfo: string;
  /** The KMS key ARN, or `namespace/keyName` for a raw AES key. */
  readonly keyId: string;
}

/** What a message header says, readable without any key. */
export interface HeaderInfo {
  /** Message format version: 1 or 2. */
  readonly version: number;
  /** Algorithm suite id, e.g. 0x0478. */
  readonly suiteId: number;
  /** Algorithm suite name, e.g. `ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY`. */
  readonly suiteName: string;
  /** Message id, lower-case hex. */
  readonly messageId: string;
  /** 0 for a non-framed message. */
  readonly frameLength: number;
  readonly framed: boolean;
  readonly encryptionContext: EncryptionContext;
  readonly encryptedDataKeys: readonly EncryptedDataKeyInfo[];
  /** The suite commits to its key (version 2 messages). */
  readonly committing: boolean;
  /** The suite carries an ECDSA signature in a footer. */
  readonly signed: boolean;
}

/**
 * The keyed state of one message being written. Obtain with `beginEncryption`. Frames are
 * independent: any frames may be sealed in any order, in parallel sessions or workers, and a
 * retry re-seals identical bytes. Call `destroy()` when done.
 */
export interface EncryptionSession {
  /** The full serialized v2 header, including the header auth tag. */
  readonly header: Buffer;
  readonly headerLength: number;
  readonly frameLength: number;
  readonly messageId: Buffer;
  readonly suiteId: number;
  readonly encryptionContext: EncryptionContext;
  /** Ids of the keys that wrapped the data key: KMS key ARNs, or `namespace/keyName` for raw AES keys. */
  readonly keyIds: string[];
  /** The data key came from a data-key cache (no keyring call for this message). */
  readonly dataKeyFromCache: boolean;
  /**
   * Seals `plaintext` as frames numbered from `firstSeq`. Deterministic: the same inputs give
   * identical bytes. Returns the frames' bytes, `frameOffset(firstSeq)` onwards in the message.
   * When `final` is false, `plaintext.length` must be a positive multiple of the frame length;
   * when true, whole frames are sealed and the remainder (0..F−1 bytes) becomes the final frame.
   * Throws InvalidArgumentError on a misaligned length or a bad sequence number, and
   * InvalidArgumentError (ERR_S3ENC_SESSION_DESTROYED) after `destroy()`.
   */
  sealFrames(firstSeq: number, plaintext: Uint8Array, final: boolean): Buffer;
  /**
   * Like `sealFrames`, but writes into `out` at `offset` (so a worker can reuse one part
   * buffer) and returns the number of bytes written, which is
   * `ciphertextSize`-consistent: whole frames × (F+32), plus the final frame when `final`.
   * Throws InvalidArgumentError (ERR_S3ENC_BUFFER_TOO_SMALL) when `out` lacks room; nothing
   * is written then.
   */
  sealFramesInto(
    out: Uint8Array,
    offset: number,
    firstSeq: number,
    plaintext: Uint8Array,
    final: boolean,
  ): number;
  /** Drops the derived key and zeroes the data key. Idempotent. */
  destroy(): void;
}

/** Result of {@link DecryptionSession.openFrames}. */
export interface OpenedFrames {
  /** Plaintext of every frame, in order; only returned once every tag verified. */
  readonly plaintext: Buffer;
  /** Number of frames opened. */
  readonly frames: number;
  /** The last frame opened is the final frame. */
  readonly final: boolean;
  /** Content length of the final frame, when `final`. */
  readonly finalLength?: number;
}

/** Result of {@link DecryptionSession.openFrameChunks}. */
export interface OpenedFrameChunks extends Omit<OpenedFrames, 'plaintext'> {
  /**
   * Plaintext in order, as the deciphers produced it (one or more non-empty Buffers per frame:
   * one per chunk its content spans); only returned once every tag verified.
   */
  readonly plaintext: readonly Buffer[];
  /** Total plaintext bytes. */
  readonly plainLength: number;
}

/**
 * The keyed state of one message being read. Obtain with `beginDecryption`, which has
 * already checked the key commitment and the header auth tag.
 */
export interface DecryptionSession {
  readonly headerLength: number;
  readonly frameLength: number;
  readonly info: HeaderInfo;
  /** The data key came from a data-key cache (no keyring call for this message). */
  readonly dataKeyFromCache: boolean;
  /**
   * Verifies and decrypts the whole frames in `ciphertext`, which must start at the first byte
   * of frame `firstSeq` and end at a frame boundary; a final frame must be the last thing in
   * it. Every tag is checked before any plaintext is returned. Returns; throws IntegrityError
   * (ERR_S3ENC_TAG_MISMATCH, ERR_S3ENC_FRAME_SEQUENCE, ERR_S3ENC_TRUNCATED,
   * ERR_S3ENC_TRAILING_DATA) and nothing else for bad bytes.
   */
  openFrames(firstSeq: number, ciphertext: Uint8Array): OpenedFrames;
  /**
   * Like `openFrames`, but writes the plaintext into `out` at `offset` (a reusable buffer, or
   * a file-sized buffer at the frames' plaintext offset) and returns the counts. Frame by
   * frame: each frame's plaintext is written once its tag has verified (so no frame's
   * plaintext is held apart). On failure the bytes this call wrote are zeroed — `out` then
   * holds no plaintext of the call, the bytes past the failing frame are untouched. Throws
   * IntegrityError as `openFrames`, and InvalidArgumentError (ERR_S3ENC_BUFFER_TOO_SMALL),
   * before anything is decrypted, when the plaintext does not fit.
   */
  openFramesInto(
    out: Uint8Array,
    offset: number,
    firstSeq: number,
    ciphertext: Uint8Array,
  ): Omit<OpenedFrames, 'plaintext'> & { bytes: number };
  /**
   * Like `openFrames`, for ciphertext that arrived as consecutive chunks (a socket's): the
   * chunks are not joined and the plaintext is not joined either, so nothing is copied.
   * Same checks and errors as `openFrames`.
   */
  openFrameChunks(firstSeq: number, chunks: readonly Uint8Array[]): OpenedFrameChunks;
  /** Drops the derived key and zeroes the data key. Idempotent. */
  destroy(): void;
}
