/**
 * Rewrap of a message header (docs/key-rotation.md): the same message id, data key, suite,
 * frame length and encryption context under a new list of encrypted data keys, with a new
 * header auth tag. The frames of a v2 message depend only on the data key and the message id
 * (docs/FORMAT.md, "Frames"), so the old frames stay valid behind the new header and never need
 * re-encrypting. Header building stays separate from body writing (DESIGN.md, "Key lifecycle").
 */
import {
  KeyringNode,
  KeyringTraceFlag,
  MessageFormat,
  NodeDefaultCryptographicMaterialsManager,
  NodeEncryptionMaterial,
  type EncryptedDataKey,
  type NodeDecryptionMaterial,
} from '@aws-crypto/material-management-node';
import { serializeFactory, serializeMessageHeaderAuth } from '@aws-crypto/serialize';
import { checkEncryptionContext, requireContext } from '../encryption-context.js';
import { FormatError, IntegrityError, InvalidArgumentError, KeyUnwrapError } from '../errors.js';
import { asBuffer } from '../frame-codec.js';
import { deriveFrameKey, type FrameKey } from '../frame-key.js';
import { keyIdOf, parseHeaderFull, suiteOf } from '../header.js';
import { DEFAULT_MAX_ENCRYPTED_DATA_KEYS, MAX_HEADER_BYTES } from '../limits.js';
import { SUITE_ID } from '../encrypt-session.js';
import type { EncryptionContext, HeaderInfo, Keyring } from '../types.js';

const { serializeMessageHeader, headerAuthIv, buildMessageHeader } = serializeFactory(
  (s: string) => Buffer.from(s, 'utf8'),
  { utf8Sorting: true },
);

/** Options of {@link rewrapHeader}. */
export interface RewrapHeaderOptions {
  /** At least the whole header of the message (bytes after it are ignored). */
  readonly header: Uint8Array;
  /** A keyring that can unwrap the data key from the header as it is. */
  readonly decryptKeyring: Keyring;
  /**
   * A keyring whose keys wrap the data key in the new header (its generator and children, one
   * KMS Encrypt each for KMS keys). Keys the header already lists (by key id) are not added twice.
   */
  readonly addKeyring?: Keyring | undefined;
  /**
   * Encrypted data keys to drop, by key id (the KMS key ARN, or `namespace/keyName` for a raw
   * AES key, as `describeMessage` lists them); `'all'` drops every key the header lists, so only
   * the keys of `addKeyring` remain (a replacement). A key id the header does not list is
   * ignored (so a repeated rewrap is a no-op).
   */
  readonly removeKeyIds?: readonly string[] | 'all' | undefined;
  /** Pairs the message's encryption context must contain; checked before any key is unwrapped. */
  readonly requiredEncryptionContext?: EncryptionContext | undefined;
  /** Refuse old or new headers listing more encrypted data keys than this. Default 3. */
  readonly maxEncryptedDataKeys?: number | undefined;
}

/** The outcome of {@link rewrapHeader}. */
export interface RewrappedHeader {
  /** False when the new header would list exactly the keys the old one lists (nothing to do). */
  readonly changed: boolean;
  /** The new header, auth tag included (equal to the old header when `changed` is false). */
  readonly header: Buffer;
  /** Length of the old header: the frames start there in the old message. */
  readonly oldHeaderLength: number;
  /** The old header's description. */
  readonly before: HeaderInfo;
  /** Key ids in the old header, in order. */
  readonly keyIdsBefore: readonly string[];
  /** Key ids in the new header, in order. */
  readonly keyIdsAfter: readonly string[];
}

const REWRAP_TRACE = {
  keyNamespace: 's3enc-rewrap',
  keyName: 'existing-data-key',
  flags: KeyringTraceFlag.WRAPPING_KEY_GENERATED_DATA_KEY,
};

function checkOptions(o: RewrapHeaderOptions): { maxEdks: number; remove: Set<string> | 'all' } {
  if (o === null || typeof o !== 'object') throw new InvalidArgumentError('options are required');
  if (!(o.header instanceof Uint8Array))
    throw new InvalidArgumentError('header must be a Uint8Array');
  if (!(o.decryptKeyring instanceof KeyringNode))
    throw new InvalidArgumentError('decryptKeyring must be a keyring');
  if (o.addKeyring !== undefined && !(o.addKeyring instanceof KeyringNode))
    throw new InvalidArgumentError('addKeyring must be a keyring');
  const maxEdks = o.maxEncryptedDataKeys ?? DEFAULT_MAX_ENCRYPTED_DATA_KEYS;
  if (!Number.isSafeInteger(maxEdks) || maxEdks < 1)
    throw new InvalidArgumentError('maxEncryptedDataKeys must be a positive integer');
  const r = o.removeKeyIds;
  let remove: Set<string> | 'all';
  if (r === 'all') remove = 'all';
  else if (r === undefined) remove = new Set();
  else if (Array.isArray(r) && r.every((k) => typeof k === 'string' && k.length > 0))
    remove = new Set(r);
  else throw new InvalidArgumentError("removeKeyIds must be key ids or 'all'");
  if (o.addKeyring === undefined && remove === 'all') {
    throw new InvalidArgumentError(
      "removeKeyIds: 'all' needs an addKeyring (an object must keep at least one key)",
      { code: 'ERR_S3ENC_REWRAP_NO_KEYS_LEFT' },
    );
  }
  if (o.addKeyring === undefined && remove !== 'all' && remove.size === 0) {
    throw new InvalidArgumentError('nothing to change: give addKeyring and/or removeKeyIds', {
      code: 'ERR_S3ENC_REWRAP_NOTHING_ASKED',
    });
  }
  return { maxEdks, remove };
}

function sameKeySet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((k) => sb.has(k));
}

/**
 * Builds the header of the rewrapped message. In order: parses the header (FormatError), refuses
 * what cannot be rewrapped (FormatError ERR_S3ENC_REWRAP_UNSUPPORTED: not a v2 message of suite
 * 0x0478 — a signed message's footer signs the header), checks the required context
 * (KeyUnwrapError ERR_S3ENC_CONTEXT_MISMATCH), unwraps the data key with `decryptKeyring`
 * (KeyUnwrapError ERR_S3ENC_NO_DATA_KEY), checks the key commitment and the old header's auth
 * tag (IntegrityError), wraps the data key with `addKeyring` (KeyUnwrapError
 * ERR_S3ENC_DATA_KEY_UNAVAILABLE), and serialises the new header with a new auth tag. Throws
 * InvalidArgumentError (ERR_S3ENC_REWRAP_NO_KEYS_LEFT) when no key would remain, and
 * ERR_S3ENC_TOO_MANY_DATA_KEYS beyond the cap. The data key and derived key are dropped before
 * it returns.
 */
export async function rewrapHeader(o: RewrapHeaderOptions): Promise<RewrappedHeader> {
  const { maxEdks, remove } = checkOptions(o);
  const required = checkEncryptionContext(o.requiredEncryptionContext, 'requiredEncryptionContext');
  const parsed = parseHeaderFull(o.header, maxEdks);
  if (parsed === undefined)
    throw new FormatError('ERR_S3ENC_TRUNCATED_HEADER', 'Incomplete message header');
  const { info, raw, headerLength } = parsed;
  if (info.version !== 2 || info.suiteId !== SUITE_ID) {
    throw new FormatError(
      'ERR_S3ENC_REWRAP_UNSUPPORTED',
      `Only v2 messages of suite 0x0478 can be rewrapped (this one is v${info.version}, suite 0x${info.suiteId.toString(16).padStart(4, '0')}); re-encrypt it instead`,
    );
  }
  requireContext(info.encryptionContext, required);
  const mh = raw.messageHeader;
  if (mh.version !== MessageFormat.V2)
    throw new FormatError('ERR_S3ENC_REWRAP_UNSUPPORTED', 'Not a v2 message');
  const suite = suiteOf(mh.suiteId);
  const keyIdsBefore = info.encryptedDataKeys.map((k) => k.keyId);
  const kept: EncryptedDataKey[] =
    remove === 'all' ? [] : mh.encryptedDataKeys.filter((k) => !remove.has(keyIdOf(k)));

  let dec: NodeDecryptionMaterial;
  try {
    dec = await new NodeDefaultCryptographicMaterialsManager(o.decryptKeyring).decryptMaterials({
      suite,
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
  let enc: NodeEncryptionMaterial | undefined;
  try {
    frameKey = deriveFrameKey(dec, mh.messageId, mh.suiteData);
    checkOldTag(frameKey, raw.rawHeader, raw.headerAuth);
    let added: EncryptedDataKey[] = [];
    if (o.addKeyring !== undefined) {
      enc = new NodeEncryptionMaterial(suite, { ...mh.encryptionContext });
      enc.setUnencryptedDataKey(dec.getUnencryptedDataKey(), REWRAP_TRACE);
      try {
        await o.addKeyring.onEncrypt(enc);
      } catch (cause) {
        throw new KeyUnwrapError(
          'ERR_S3ENC_DATA_KEY_UNAVAILABLE',
          'The new keyring could not wrap the data key',
          { cause },
        );
      }
      const keptIds = new Set(kept.map((k) => keyIdOf(k)));
      added = enc.encryptedDataKeys.filter((k) => !keptIds.has(keyIdOf(k)));
    }
    const edks = [...kept, ...added];
    const keyIdsAfter = edks.map((k) => keyIdOf(k));
    if (edks.length === 0) {
      throw new InvalidArgumentError('No encrypted data key would remain in the header', {
        code: 'ERR_S3ENC_REWRAP_NO_KEYS_LEFT',
      });
    }
    if (edks.length > maxEdks) {
      throw new InvalidArgumentError(
        `The new header would list ${edks.length} encrypted data keys; maxEncryptedDataKeys is ${maxEdks}`,
        { code: 'ERR_S3ENC_TOO_MANY_DATA_KEYS' },
      );
    }
    const old = asBuffer(o.header).subarray(0, headerLength);
    if (sameKeySet(keyIdsBefore, keyIdsAfter)) {
      return {
        changed: false,
        header: Buffer.from(old),
        oldHeaderLength: headerLength,
        before: info,
        keyIdsBefore,
        keyIdsAfter: keyIdsBefore,
      };
    }
    const messageHeader = buildMessageHeader({
      suite,
      encryptedDataKeys: edks,
      encryptionContext: mh.encryptionContext,
      messageId: mh.messageId,
      frameLength: mh.frameLength,
      suiteData: mh.suiteData,
    });
    const body = serializeMessageHeader(messageHeader);
    const headerIv = headerAuthIv(suite.ivLength);
    const auth = frameKey.cipherFor(headerIv);
    auth.setAAD(asBuffer(body));
    auth.update(Buffer.alloc(0));
    auth.final();
    const tail = serializeMessageHeaderAuth({
      headerIv,
      headerAuthTag: auth.getAuthTag(),
      messageHeader,
    });
    const header = Buffer.concat([body, tail]);
    if (header.length > MAX_HEADER_BYTES) {
      throw new InvalidArgumentError('The new header would exceed the header size limit', {
        code: 'ERR_S3ENC_TOO_MANY_DATA_KEYS',
      });
    }
    return {
      changed: true,
      header,
      oldHeaderLength: headerLength,
      before: info,
      keyIdsBefore,
      keyIdsAfter,
    };
  } finally {
    frameKey?.destroy();
    if (enc?.hasUnencryptedDataKey === true) enc.zeroUnencryptedDataKey();
    if (dec.hasUnencryptedDataKey) dec.zeroUnencryptedDataKey();
  }
}

/** The old header must be authentic before its data key is wrapped anew. */
function checkOldTag(
  frameKey: FrameKey,
  rawHeader: Uint8Array,
  headerAuth: { headerIv: Uint8Array; headerAuthTag: Uint8Array },
): void {
  try {
    const d = frameKey.decipherFor(headerAuth.headerIv);
    d.setAAD(asBuffer(rawHeader));
    d.setAuthTag(asBuffer(headerAuth.headerAuthTag));
    d.update(Buffer.alloc(0));
    d.final();
  } catch (cause) {
    throw new IntegrityError('ERR_S3ENC_HEADER_TAG_MISMATCH', 'Message authentication failed', {
      cause,
    });
  }
}
