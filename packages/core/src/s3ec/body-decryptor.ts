/**
 * Whole-body decryption of an S3EC object: the body is one GCM (or CBC) stream, so nothing
 * it yields is authentic until the last byte and the tag (or padding) have been checked.
 * Plaintext goes to a sink the caller owns and must not release before `final()` resolves:
 * a memory buffer, or a private temporary file that is renamed only afterwards.
 */
import { createDecipheriv, type Decipher, type DecipherGCM } from 'node:crypto';
import { InvalidArgumentError } from '../errors.js';
import { s3ecPlaintextBounds } from './body-size.js';
import * as K from './constants.js';
import {
  badBodySize,
  badMetadata,
  badPadding,
  legacyContentRefused,
  tagMismatch,
  trailingData,
  truncated,
} from './errors.js';
import { V3_CONTENT_AAD, V3_CONTENT_IV, verifyCommitmentAndDeriveKey } from './key-derivation.js';
import type { S3ecMetadata } from './metadata.js';
import { wipe } from '../key-material.js';

/** Receives plaintext that is NOT yet authenticated: hold it until `final()` resolves. */
export type S3ecPlaintextSink = (unverifiedPlaintext: Buffer) => void | Promise<void>;

/** Options of {@link createS3ecBodyDecryptor}. */
export interface S3ecBodyDecryptorOptions {
  readonly metadata: S3ecMetadata;
  /** The unwrapped data key (32 bytes). Not kept: the decryptor zeroes its own copies. */
  readonly dataKey: Uint8Array;
  /** The body's size in bytes (Content-Length): exactly this many bytes must be written. */
  readonly ciphertextSize: number;
  readonly sink: S3ecPlaintextSink;
  /** AES/CBC content has no authentication; refused unless true. */
  readonly allowUnauthenticatedLegacyContent?: boolean | undefined;
}

/** Feeds a body through its cipher. Every method throws typed errors; none releases anything. */
export interface S3ecBodyDecryptor {
  /** Plaintext size: exact for GCM; for CBC the upper bound until `final()` resolves. */
  readonly plaintextSize: number;
  /** Decrypts the next ciphertext bytes into the sink. Throws IntegrityError (ERR_S3ENC_TRAILING_DATA) past the declared size. */
  write(ciphertext: Uint8Array): Promise<void>;
  /**
   * Checks the tag (GCM) or padding (CBC) and that every declared byte came. Resolves with the
   * plaintext size once the sink's bytes are authentic. Throws IntegrityError
   * (ERR_S3ENC_TAG_MISMATCH, ERR_S3ENC_S3EC_BAD_PADDING, ERR_S3ENC_TRUNCATED) or FormatError
   * (ERR_S3ENC_S3EC_BAD_METADATA: an `x-amz-unencrypted-content-length` that differs).
   */
  final(): Promise<number>;
  /** Drops the cipher state; later calls throw. Idempotent. */
  destroy(): void;
}

/**
 * Opens an object body for verified decryption. V3: checks the key commitment (constant time)
 * and derives the content key before anything else. Throws FormatError
 * (ERR_S3ENC_S3EC_LEGACY_CONTENT for CBC without the option, ERR_S3ENC_S3EC_BAD_BODY_SIZE),
 * IntegrityError (ERR_S3ENC_COMMITMENT_MISMATCH), InvalidArgumentError (a data key that is
 * not 32 bytes).
 */
export function createS3ecBodyDecryptor(o: S3ecBodyDecryptorOptions): S3ecBodyDecryptor {
  const { metadata: m, sink } = o;
  if (typeof sink !== 'function') throw new InvalidArgumentError('sink must be a function');
  if (!(o.dataKey instanceof Uint8Array) || o.dataKey.byteLength !== K.DATA_KEY_LENGTH)
    throw new InvalidArgumentError('dataKey must be 32 bytes', { code: 'ERR_S3ENC_INVALID_KEY' });
  const cbc = m.contentAlgorithm === K.AES_CBC;
  if (cbc && o.allowUnauthenticatedLegacyContent !== true) throw legacyContentRefused();
  const bounds = s3ecPlaintextBounds(m.contentAlgorithm, o.ciphertextSize);
  const declared = m.unencryptedContentLength;
  if (declared !== undefined && (declared < bounds.min || declared > bounds.max))
    throw badBodySize('x-amz-unencrypted-content-length does not fit the body size');

  let decipher: Decipher;
  let gcm: DecipherGCM | undefined;
  if (m.contentAlgorithm === K.SUITE_V3_STRING) {
    const key = verifyCommitmentAndDeriveKey(o.dataKey, m.messageId!, m.keyCommitment!);
    try {
      gcm = createDecipheriv('aes-256-gcm', key, V3_CONTENT_IV, { authTagLength: 16 });
    } finally {
      wipe(key);
    }
    gcm.setAAD(V3_CONTENT_AAD);
    decipher = gcm;
  } else if (cbc) {
    decipher = createDecipheriv('aes-256-cbc', o.dataKey, m.iv!);
  } else {
    gcm = createDecipheriv('aes-256-gcm', o.dataKey, m.iv!, { authTagLength: 16 });
    decipher = gcm;
  }

  const total = o.ciphertextSize;
  // GCM: the last 16 bytes of the body are the tag, not ciphertext.
  const contentEnd = cbc ? total : total - K.GCM_TAG_LENGTH;
  const tag = Buffer.alloc(cbc ? 0 : K.GCM_TAG_LENGTH);
  let received = 0;
  let state: 'open' | 'busy' | 'done' | 'destroyed' = 'open';

  const enter = (): void => {
    if (state === 'destroyed') throw new InvalidArgumentError('the decryptor was destroyed');
    if (state === 'done') throw new InvalidArgumentError('the decryptor is finished');
    if (state === 'busy') throw new InvalidArgumentError('await each write before the next');
    state = 'busy';
  };
  const fail = (e: unknown): never => {
    state = 'destroyed';
    throw e;
  };

  return {
    plaintextSize: bounds.max,
    async write(chunk: Uint8Array): Promise<void> {
      enter();
      if (!(chunk instanceof Uint8Array))
        fail(new InvalidArgumentError('ciphertext must be bytes'));
      if (chunk.byteLength > total - received) fail(trailingData());
      const start = received;
      received += chunk.byteLength;
      const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      const contentBytes = Math.max(0, Math.min(received, contentEnd) - start);
      if (contentBytes < buf.length) {
        const tagFrom = Math.max(start, contentEnd);
        buf.copy(tag, tagFrom - contentEnd, contentBytes);
      }
      if (contentBytes > 0) {
        const out = decipher.update(buf.subarray(0, contentBytes));
        if (out.length > 0) {
          try {
            await sink(out);
          } catch (e) {
            fail(e);
          }
        }
      }
      state = 'open';
    },
    async final(): Promise<number> {
      enter();
      if (received < total) fail(truncated());
      let last: Buffer;
      try {
        gcm?.setAuthTag(tag);
        last = decipher.final();
      } catch {
        return fail(cbc ? badPadding() : tagMismatch());
      }
      // CBC: update() holds back the last block; final() returns it without its 1–16 pad bytes.
      const size = cbc ? total - K.AES_BLOCK + last.length : contentEnd;
      if (cbc && last.length >= K.AES_BLOCK) fail(badPadding());
      if (declared !== undefined && declared !== size)
        fail(badMetadata('x-amz-unencrypted-content-length does not match the decrypted size'));
      if (last.length > 0) {
        try {
          await sink(last);
        } catch (e) {
          fail(e);
        }
      }
      state = 'done';
      return size;
    },
    destroy(): void {
      state = 'destroyed';
    },
  };
}
