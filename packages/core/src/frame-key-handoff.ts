/**
 * Handing one message's frame key to another thread (share-nothing file transfers in
 * `@s3enc/node`). What crosses is K, the key derived from the data key and the message id, as
 * a `KeyObject`: `postMessage` clones KeyObjects by reference to the same native key, so
 * neither the data key nor K ever sits in a JS buffer on either side, and nothing can log it
 * by accident (a KeyObject prints as `SecretKeyObject { type: 'secret' }`). Only sessions of
 * the committing, unsigned suites s3enc writes (0x0478) can hand off: other suites derive
 * their keys through `@aws-crypto` helpers, and a signed message must be read whole.
 */
import type { KeyObject } from 'node:crypto';
import { InvalidArgumentError } from './errors.js';
import { FrameSealer, asBuffer } from './frame-codec.js';
import { FrameOpener } from './frame-opener.js';
import { frameKeyOf } from './frame-key.js';
import { checkWholeFrames } from './sizes.js';
import type { DecryptionSession, EncryptionSession, OpenedFrameChunks } from './types.js';

/** What a session hands to a worker: plain data plus the KeyObject (structured-cloneable). */
export interface FrameKeyHandoff {
  /** K for this message's frames. Never convert it to bytes. */
  readonly key: KeyObject;
  readonly messageId: Uint8Array;
  readonly frameLength: number;
  readonly headerLength: number;
}

/** The frame operations of a session, rebuilt from a {@link FrameKeyHandoff} in another thread. */
export interface FrameKeySession {
  readonly frameLength: number;
  readonly headerLength: number;
  /** As `EncryptionSession.sealFramesInto` (same checks, same bytes). */
  sealFramesInto(
    out: Uint8Array,
    offset: number,
    firstSeq: number,
    plaintext: Uint8Array,
    final: boolean,
  ): number;
  /** As `DecryptionSession.openFrameChunks`: nothing returned unless every tag verifies. */
  openFrameChunks(firstSeq: number, chunks: readonly Uint8Array[]): OpenedFrameChunks;
  /** Drops this thread's reference to K. Idempotent. */
  destroy(): void;
}

/** How each live session reaches its K; sessions that cannot hand off are not listed. */
const frameKeys = new WeakMap<object, () => KeyObject>();

/** @internal called by the sessions that derive their own K. */
export function registerFrameKey(session: object, keyObject: () => KeyObject): void {
  frameKeys.set(session, keyObject);
}

/**
 * The handoff of a live session's frame key, to post to a worker thread (`postMessage` clones
 * the KeyObject; list nothing in the transfer list).
 *
 * @throws InvalidArgumentError ERR_S3ENC_HANDOFF_UNSUPPORTED for a session of a suite that
 *   cannot hand off (signed, non-committing), ERR_S3ENC_SESSION_DESTROYED after `destroy()`.
 */
export function handOffFrameKey(session: EncryptionSession | DecryptionSession): FrameKeyHandoff {
  const get = frameKeys.get(session);
  if (get === undefined) {
    throw new InvalidArgumentError(
      'Only sessions of the committing, unsigned suite (0x0478) can hand their frame key to a worker',
      { code: 'ERR_S3ENC_HANDOFF_UNSUPPORTED' },
    );
  }
  let key: KeyObject;
  try {
    key = get();
  } catch (cause) {
    throw new InvalidArgumentError('The session was destroyed', {
      code: 'ERR_S3ENC_SESSION_DESTROYED',
      cause,
    });
  }
  const messageId =
    'info' in session ? Buffer.from(session.info.messageId, 'hex') : Buffer.from(session.messageId);
  return {
    key,
    messageId,
    frameLength: session.frameLength,
    headerLength: session.headerLength,
  };
}

/**
 * Rebuilds the frame operations from a handoff received by a worker thread.
 * @throws InvalidArgumentError for a malformed handoff.
 */
export function frameSessionFromHandoff(h: FrameKeyHandoff): FrameKeySession {
  if (
    h === null ||
    typeof h !== 'object' ||
    typeof h.key !== 'object' ||
    h.key.type !== 'secret' ||
    h.key.symmetricKeySize !== 32 ||
    !(h.messageId instanceof Uint8Array) ||
    !Number.isSafeInteger(h.frameLength) ||
    !Number.isSafeInteger(h.headerLength)
  ) {
    throw new InvalidArgumentError('not a frame key handoff');
  }
  const frameKey = frameKeyOf(h.key, Buffer.alloc(0));
  let sealer: FrameSealer | undefined = new FrameSealer(
    frameKey.cipherFor,
    h.messageId,
    h.frameLength,
  );
  let opener: FrameOpener | undefined = new FrameOpener(
    frameKey.decipherFor,
    h.messageId,
    h.frameLength,
  );
  const destroyed = () =>
    new InvalidArgumentError('The frame key session was destroyed', {
      code: 'ERR_S3ENC_SESSION_DESTROYED',
    });
  return {
    frameLength: h.frameLength,
    headerLength: h.headerLength,
    sealFramesInto(out, offset, firstSeq, plaintext, final) {
      if (sealer === undefined) throw destroyed();
      checkWholeFrames(plaintext.byteLength, h.frameLength, final);
      const need = sealer.sealedLength(plaintext.byteLength, final);
      if (!Number.isSafeInteger(offset) || offset < 0 || offset + need > out.byteLength) {
        throw new InvalidArgumentError(`out needs ${need} bytes at offset ${offset}`, {
          code: 'ERR_S3ENC_BUFFER_TOO_SMALL',
        });
      }
      return sealer.sealInto(asBuffer(out), offset, firstSeq, plaintext, final);
    },
    openFrameChunks(firstSeq, chunks) {
      if (opener === undefined) throw destroyed();
      const r = opener.openPieces(firstSeq, chunks.map(asBuffer));
      return {
        plaintext: r.plaintext,
        plainLength: r.plainLength,
        frames: r.frames,
        final: r.final,
        ...(r.final ? { finalLength: r.finalLength! } : {}),
      };
    },
    destroy() {
      sealer = undefined;
      opener = undefined;
      frameKey.destroy();
    },
  };
}
