/**
 * The S3EC metadata model and its strict parser: where the metadata is (object or
 * instruction file), which format version wrote it, and every value decoded and bounded.
 * Rules: s3-encryption/data-format/content-metadata.md and metadata-strategy.md of the
 * published specification; facts: docs/s3ec.md.
 */
import { decodeBase64 } from './base64.js';
import * as K from './constants.js';
import { badMetadata, metadataConflict, unsupportedAlgorithm } from './errors.js';
import { parseJsonStringMap } from './json-map.js';

/** The content algorithm: V1/V2 names, or V3's suite id `115`. */
export type S3ecContentAlgorithm = typeof K.AES_GCM | typeof K.AES_CBC | typeof K.SUITE_V3_STRING;

/**
 * The wrapping algorithm. `AES` (AES/ECB/PKCS5 of the data key) and `RSA` (PKCS#1 v1.5) are
 * the true V1 `x-amz-key` envelopes, which name no algorithm in metadata.
 */
export type S3ecWrapAlgorithm =
  | typeof K.WRAP_KMS
  | typeof K.WRAP_KMS_CONTEXT
  | typeof K.WRAP_AES_GCM
  | typeof K.WRAP_AES_WRAP
  | typeof K.WRAP_RSA_OAEP_SHA1
  | typeof K.WRAP_RSA_OAEP_SHA256
  | typeof K.WRAP_AES_ECB
  | typeof K.WRAP_RSA_PKCS1;

/**
 * Which generation of client wrote the object: `s3ec-v1` for V1-era clients (`x-amz-key`, or
 * `x-amz-key-v2` with the `kms`, `AESWrap` wraps or CBC content — the SES shape is here),
 * `s3ec-v2` for V2/V3-era clients (`kms+context`, `AES/GCM`, `RSA-OAEP-SHA1` with GCM),
 * `s3ec-v3` for the key-committing format of the 4.x clients (`x-amz-c`).
 */
export type S3ecFormat = 's3ec-v1' | 's3ec-v2' | 's3ec-v3';

/** Where the metadata of an object is. */
export type S3ecMetadataLocation = 'object' | 'instruction-file';

/** An object's S3EC metadata, parsed and validated. Values are copies. */
export interface S3ecMetadata {
  readonly format: S3ecFormat;
  /** The specification's metadata format version (by key names): 1 `x-amz-key`, 2 `x-amz-key-v2`, 3 `x-amz-c`. */
  readonly metadataVersion: 1 | 2 | 3;
  readonly location: S3ecMetadataLocation;
  readonly contentAlgorithm: S3ecContentAlgorithm;
  readonly wrapAlgorithm: S3ecWrapAlgorithm;
  readonly encryptedDataKey: Uint8Array;
  /** V1/V2: the content IV (12 bytes for GCM, 16 for CBC). V3: undefined (its IV is fixed). */
  readonly iv: Uint8Array | undefined;
  /** V3: the 28-byte message id (the HKDF salt). */
  readonly messageId: Uint8Array | undefined;
  /** V3: the 28-byte key commitment. */
  readonly keyCommitment: Uint8Array | undefined;
  /** KMS wraps: the encryption context sent to KMS (V1/V2 `x-amz-matdesc`, V3 `x-amz-t`). */
  readonly encryptionContext: Readonly<Record<string, string>>;
  /** Raw-key wraps: the material description (V1/V2 `x-amz-matdesc`, V3 `x-amz-m`). */
  readonly materialDescription: Readonly<Record<string, string>>;
  /** V1/V2 `x-amz-unencrypted-content-length`, when present. */
  readonly unencryptedContentLength: number | undefined;
}

/** What the object's own metadata says before any instruction file is read. */
export type S3ecDetection =
  | { readonly kind: 'object'; readonly format: S3ecFormat }
  /** V3 with `x-amz-c`, `x-amz-d`, `x-amz-i` on the object and the rest in the instruction file. */
  | { readonly kind: 'instruction-file-v3' }
  /** No S3EC key on the object: the specification says to look for a V1/V2 instruction file. */
  | { readonly kind: 'instruction-file-maybe' };

const V1V2 = new Set(K.V1V2_KEYS);
const V3 = new Set(K.V3_KEYS);

/**
 * Normalises S3 user metadata (keys without `x-amz-meta-`): lower-case keys, values bounded.
 * Two keys equal but for case are refused. Only S3EC keys are kept.
 */
function cryptoKeysOf(
  metadata: Readonly<Record<string, string>>,
  what: string,
): Map<string, string> {
  if (metadata === null || typeof metadata !== 'object') throw badMetadata(`${what} is not a map`);
  const out = new Map<string, string>();
  for (const [rawKey, value] of Object.entries(metadata)) {
    const key = rawKey.toLowerCase();
    if (!V1V2.has(key) && !V3.has(key) && key !== K.INSTRUCTION_FILE_MARKER) continue;
    if (out.has(key)) throw metadataConflict(`${what} has ${key} twice`);
    if (typeof value !== 'string') throw badMetadata(`${what}: ${key} is not a string`);
    if (value.length > K.MAX_METADATA_VALUE) throw badMetadata(`${what}: ${key} is too long`);
    out.set(key, value);
  }
  return out;
}

function versionsIn(keys: Map<string, string>): { v1v2: boolean; v3: boolean } {
  let v1v2 = false;
  let v3 = false;
  for (const k of keys.keys()) {
    if (V1V2.has(k)) v1v2 = true;
    if (V3.has(k)) v3 = true;
  }
  return { v1v2, v3 };
}

/**
 * Decides from the object's user metadata alone where its S3EC metadata is. Throws
 * FormatError (ERR_S3ENC_S3EC_METADATA_CONFLICT) when keys of two versions are present.
 * Does not say whether the object is S3EC at all when it has no S3EC key
 * (`instruction-file-maybe`): only an instruction file can tell.
 */
export function detectS3ec(objectMetadata: Readonly<Record<string, string>>): S3ecDetection {
  const keys = cryptoKeysOf(objectMetadata, 'object metadata');
  const { v1v2, v3 } = versionsIn(keys);
  if (v1v2 && v3)
    throw metadataConflict('object metadata has keys of the V1/V2 and the V3 formats');
  if (v1v2) {
    if (keys.has(K.KEY_V1) && keys.has(K.KEY_V2))
      throw metadataConflict('object metadata has both x-amz-key and x-amz-key-v2');
    if (!keys.has(K.KEY_V1) && !keys.has(K.KEY_V2))
      throw badMetadata('object metadata has S3EC keys but no encrypted data key');
    return { kind: 'object', format: v1v2Format(keys) };
  }
  if (v3) {
    for (const k of K.V3_OBJECT_ONLY_KEYS) {
      if (!keys.has(k)) throw badMetadata(`V3 object metadata lacks ${k}`);
    }
    if (keys.has(K.KEY_V3)) return { kind: 'object', format: 's3ec-v3' };
    for (const k of K.V3_INSTRUCTION_KEYS) {
      if (keys.has(k))
        throw metadataConflict(
          `V3 object metadata has ${k} but its data key is in an instruction file`,
        );
    }
    return { kind: 'instruction-file-v3' };
  }
  return { kind: 'instruction-file-maybe' };
}

function v1v2Format(keys: Map<string, string>): S3ecFormat {
  if (keys.has(K.KEY_V1)) return 's3ec-v1';
  const wrap = keys.get(K.WRAP_ALG);
  const modern =
    wrap === K.WRAP_KMS_CONTEXT || wrap === K.WRAP_AES_GCM || wrap === K.WRAP_RSA_OAEP_SHA1;
  return modern && keys.get(K.CEK_ALG) === K.AES_GCM ? 's3ec-v2' : 's3ec-v1';
}

/** Options of {@link parseS3ecMetadata}. */
export interface ParseS3ecMetadataOptions {
  /** The instruction file's body (UTF-8 JSON), when the detection asked for one and it exists. */
  readonly instructionFile?: string | Uint8Array | undefined;
}

/**
 * Parses and validates an object's S3EC metadata: the object's user metadata, plus the
 * instruction file's body when {@link detectS3ec} asked for one. Returns the metadata.
 *
 * Throws FormatError: ERR_S3ENC_S3EC_METADATA_CONFLICT (keys of two versions, V3 keys the
 * format keeps on the object found in the instruction file, metadata both on the object and in
 * the file), ERR_S3ENC_S3EC_BAD_METADATA (a key missing, bad base64 or length, bad JSON, an
 * unknown key in the instruction file, no instruction file where one is needed),
 * ERR_S3ENC_S3EC_UNSUPPORTED_ALGORITHM. No key is unwrapped.
 */
export function parseS3ecMetadata(
  objectMetadata: Readonly<Record<string, string>>,
  options: ParseS3ecMetadataOptions = {},
): S3ecMetadata {
  const detection = detectS3ec(objectMetadata);
  const objectKeys = cryptoKeysOf(objectMetadata, 'object metadata');
  if (detection.kind === 'object') {
    if (detection.format === 's3ec-v3') return parseV3(objectKeys, 'object');
    return parseV1V2(objectKeys, 'object');
  }
  const fileKeys = readInstructionFile(options.instructionFile);
  const { v1v2, v3 } = versionsIn(fileKeys);
  if (v1v2 && v3)
    throw metadataConflict('the instruction file has keys of the V1/V2 and the V3 formats');
  if (detection.kind === 'instruction-file-v3') {
    if (v1v2) throw metadataConflict('the instruction file of a V3 object has V1/V2 keys');
    for (const k of K.V3_OBJECT_ONLY_KEYS) {
      if (fileKeys.has(k))
        throw metadataConflict(
          `the instruction file has ${k}, which the V3 format keeps on the object`,
        );
    }
    const merged = new Map(fileKeys);
    for (const k of K.V3_OBJECT_ONLY_KEYS) merged.set(k, objectKeys.get(k)!);
    return parseV3(merged, 'instruction-file');
  }
  if (v3) {
    throw metadataConflict(
      'the instruction file has V3 keys but the object lacks x-amz-c, x-amz-d and x-amz-i',
    );
  }
  return parseV1V2(fileKeys, 'instruction-file');
}

function readInstructionFile(body: string | Uint8Array | undefined): Map<string, string> {
  if (body === undefined) {
    throw badMetadata('the object has no S3EC metadata and no instruction file was found');
  }
  let text: string;
  if (typeof body === 'string') {
    text = body;
  } else {
    if (body.byteLength > K.MAX_INSTRUCTION_FILE)
      throw badMetadata('the instruction file is too large');
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch (e) {
      throw badMetadata('the instruction file is not UTF-8', e);
    }
  }
  const map = parseJsonStringMap(text, 'the instruction file', K.MAX_INSTRUCTION_FILE);
  const keys = new Map<string, string>();
  for (const [k, v] of Object.entries(map)) {
    if (!V1V2.has(k) && !V3.has(k) && k !== K.INSTRUCTION_FILE_MARKER) {
      throw badMetadata(`the instruction file has an unknown key "${k.slice(0, 64)}"`);
    }
    keys.set(k, v);
  }
  keys.delete(K.INSTRUCTION_FILE_MARKER);
  return keys;
}

/** Values that went through S3 object metadata and hold text S3 could not carry as is. */
function checkMetadataText(value: string, key: string): void {
  // S3 returns non-ASCII metadata RFC 2047-encoded ("=?UTF-8?B?…?="), after a double
  // encoding the specification calls esoteric; reading it wrong would send KMS a context it
  // never saw. Refuse it plainly instead.
  if (/[^\x20-\x7e]/.test(value) || /=\?[^?]+\?[bBqQ]\?/.test(value)) {
    throw badMetadata(
      `${key} holds non-ASCII text (RFC 2047-encoded by S3), which this version does not decode`,
    );
  }
}

function jsonMap(keys: Map<string, string>, key: string, location: S3ecMetadataLocation) {
  const text = keys.get(key);
  if (text === undefined) return Object.freeze(Object.create(null) as Record<string, string>);
  if (location === 'object') checkMetadataText(text, key);
  return Object.freeze(parseJsonStringMap(text, key, K.MAX_JSON_MAP_TEXT));
}

const EMPTY: Readonly<Record<string, string>> = Object.freeze(
  Object.create(null) as Record<string, string>,
);

function parseV1V2(keys: Map<string, string>, location: S3ecMetadataLocation): S3ecMetadata {
  for (const k of keys.keys()) {
    if (V3.has(k)) throw metadataConflict(`V1/V2 metadata has the V3 key ${k}`);
  }
  const v1 = keys.get(K.KEY_V1);
  const v2 = keys.get(K.KEY_V2);
  if (v1 !== undefined && v2 !== undefined)
    throw metadataConflict('metadata has both x-amz-key and x-amz-key-v2');
  if (v1 === undefined && v2 === undefined) throw badMetadata('metadata has no encrypted data key');
  const ivText = keys.get(K.IV);
  if (ivText === undefined) throw badMetadata('metadata lacks x-amz-iv');

  let contentAlgorithm: S3ecContentAlgorithm;
  let wrapAlgorithm: S3ecWrapAlgorithm;
  let encryptedDataKey: Buffer;
  const cek = keys.get(K.CEK_ALG);
  const wrap = keys.get(K.WRAP_ALG);
  if (v1 !== undefined) {
    // True V1: AES/CBC content, the data key wrapped by AES/ECB or RSA PKCS#1 v1.5; no names.
    if (!keys.has(K.MATDESC)) throw badMetadata('V1 metadata lacks x-amz-matdesc');
    if (cek !== undefined && cek !== K.AES_CBC)
      throw metadataConflict(`x-amz-key metadata declares ${K.CEK_ALG} ${cek.slice(0, 64)}`);
    if (wrap !== undefined) throw metadataConflict('x-amz-key metadata has x-amz-wrap-alg');
    contentAlgorithm = K.AES_CBC;
    encryptedDataKey = decodeBase64(v1, K.KEY_V1, { min: 1, max: K.MAX_ENCRYPTED_DATA_KEY });
    // The same inference as the official readers: an AES-256 key under AES/ECB/PKCS5 is 48
    // bytes; anything longer is an RSA block.
    wrapAlgorithm = encryptedDataKey.length > 48 ? K.WRAP_RSA_PKCS1 : K.WRAP_AES_ECB;
  } else {
    if (cek === undefined) throw badMetadata('V2 metadata lacks x-amz-cek-alg');
    if (cek !== K.AES_GCM && cek !== K.AES_CBC)
      throw unsupportedAlgorithm(`unknown content algorithm ${cek.slice(0, 64)}`);
    contentAlgorithm = cek;
    if (wrap === undefined) throw badMetadata('V2 metadata lacks x-amz-wrap-alg');
    wrapAlgorithm = v2WrapAlgorithm(wrap);
    encryptedDataKey = decodeBase64(v2!, K.KEY_V2, { min: 1, max: K.MAX_ENCRYPTED_DATA_KEY });
  }
  const tagLen = keys.get(K.TAG_LEN);
  if (contentAlgorithm === K.AES_GCM) {
    if (tagLen === undefined) throw badMetadata('GCM metadata lacks x-amz-tag-len');
    if (tagLen !== '128')
      throw unsupportedAlgorithm(`x-amz-tag-len ${tagLen.slice(0, 16)} (only 128)`);
  } else if (tagLen !== undefined) {
    throw metadataConflict('CBC metadata has x-amz-tag-len');
  }
  const iv = decodeBase64(ivText, K.IV, {
    exactly: contentAlgorithm === K.AES_GCM ? K.GCM_IV_LENGTH : K.CBC_IV_LENGTH,
  });
  const isKms = wrapAlgorithm === K.WRAP_KMS || wrapAlgorithm === K.WRAP_KMS_CONTEXT;
  const description = jsonMap(keys, K.MATDESC, location);
  const lengthText = keys.get(K.UNENCRYPTED_LENGTH);
  let unencryptedContentLength: number | undefined;
  if (lengthText !== undefined) {
    if (!/^(0|[1-9][0-9]{0,15})$/.test(lengthText) || Number(lengthText) > K.S3_MAX_OBJECT_SIZE)
      throw badMetadata('x-amz-unencrypted-content-length is not a byte count');
    unencryptedContentLength = Number(lengthText);
  }
  const format: S3ecFormat =
    v1 === undefined &&
    contentAlgorithm === K.AES_GCM &&
    (wrapAlgorithm === K.WRAP_KMS_CONTEXT ||
      wrapAlgorithm === K.WRAP_AES_GCM ||
      wrapAlgorithm === K.WRAP_RSA_OAEP_SHA1)
      ? 's3ec-v2'
      : 's3ec-v1';
  return Object.freeze({
    format,
    metadataVersion: v1 !== undefined ? 1 : 2,
    location,
    contentAlgorithm,
    wrapAlgorithm,
    encryptedDataKey,
    iv,
    messageId: undefined,
    keyCommitment: undefined,
    encryptionContext: isKms ? description : EMPTY,
    materialDescription: isKms ? EMPTY : description,
    unencryptedContentLength,
  });
}

function v2WrapAlgorithm(wrap: string): S3ecWrapAlgorithm {
  switch (wrap) {
    case K.WRAP_KMS:
    case K.WRAP_KMS_CONTEXT:
    case K.WRAP_AES_GCM:
    case K.WRAP_AES_WRAP:
    case K.WRAP_RSA_OAEP_SHA1:
    case K.WRAP_RSA_OAEP_SHA256:
      return wrap;
    default:
      throw unsupportedAlgorithm(`unknown wrapping algorithm ${wrap.slice(0, 64)}`);
  }
}

function parseV3(keys: Map<string, string>, location: S3ecMetadataLocation): S3ecMetadata {
  for (const k of keys.keys()) {
    if (V1V2.has(k)) throw metadataConflict(`V3 metadata has the V1/V2 key ${k}`);
  }
  const get = (k: string): string => {
    const v = keys.get(k);
    if (v === undefined) throw badMetadata(`V3 metadata lacks ${k}`);
    return v;
  };
  const suite = get(K.CONTENT_CIPHER_V3);
  if (suite !== K.SUITE_V3_STRING)
    throw unsupportedAlgorithm(`unknown V3 content algorithm ${suite.slice(0, 16)}`);
  const code = get(K.WRAP_ALG_V3);
  const wrapAlgorithm = Object.hasOwn(K.V3_WRAP_CODES, code)
    ? (K.V3_WRAP_CODES[code] as S3ecWrapAlgorithm)
    : undefined;
  if (wrapAlgorithm === undefined)
    throw unsupportedAlgorithm(`unknown V3 wrapping algorithm ${code.slice(0, 16)}`);
  const isKms = wrapAlgorithm === K.WRAP_KMS_CONTEXT;
  if (isKms && keys.has(K.MATDESC_V3))
    throw metadataConflict('V3 KMS metadata has x-amz-m (a raw-key material description)');
  if (!isKms && keys.has(K.CONTEXT_V3))
    throw metadataConflict('V3 raw-key metadata has x-amz-t (a KMS encryption context)');
  return Object.freeze({
    format: 's3ec-v3',
    metadataVersion: 3,
    location,
    contentAlgorithm: K.SUITE_V3_STRING,
    wrapAlgorithm,
    encryptedDataKey: decodeBase64(get(K.KEY_V3), K.KEY_V3, {
      min: 1,
      max: K.MAX_ENCRYPTED_DATA_KEY,
    }),
    iv: undefined,
    messageId: decodeBase64(get(K.MESSAGE_ID_V3), K.MESSAGE_ID_V3, {
      exactly: K.V3_MESSAGE_ID_LENGTH,
    }),
    keyCommitment: decodeBase64(get(K.COMMITMENT_V3), K.COMMITMENT_V3, {
      exactly: K.V3_COMMITMENT_LENGTH,
    }),
    encryptionContext: isKms ? jsonMap(keys, K.CONTEXT_V3, location) : EMPTY,
    materialDescription: isKms ? EMPTY : jsonMap(keys, K.MATDESC_V3, location),
    unencryptedContentLength: undefined,
  });
}
