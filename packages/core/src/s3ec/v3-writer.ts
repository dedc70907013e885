/**
 * Writes the V3 format as the official 4.x clients do: a fresh 32-byte data key (KMS
 * GenerateDataKey with `aws:x-amz-cek-alg: "115"` added to the context, or random bytes
 * wrapped by a raw AES key with AES/GCM and AAD "115"), a random 28-byte message id, the key
 * commitment, and one AES-256-GCM stream under the derived key (IV 12 × 0x01, AAD = suite id)
 * with the tag appended. Metadata on the object, or x-amz-3/w/t/m in an instruction file.
 */
import { createCipheriv, randomBytes, type CipherGCM } from 'node:crypto';
import { checkEncryptionContext } from '../encryption-context.js';
import { InvalidArgumentError, S3EncError } from '../errors.js';
import type { KmsClientProvider } from './kms-types.js';
import * as K from './constants.js';
import { dataKeyUnavailable } from './errors.js';
import { stringifyJsonStringMap } from './json-map.js';
import { V3_CONTENT_AAD, V3_CONTENT_IV, v3Commitment, v3ContentKey } from './key-derivation.js';
import { kmsGenerateDataKey, parseKmsArn } from './kms-calls.js';
import { wrapAesGcm } from './raw-key-unwrap.js';
import { wipe } from '../key-material.js';

/** The key a V3 write uses: one KMS key, or a raw AES-256 key. */
export type S3ecV3WriteKey =
  | {
      readonly kms: {
        readonly keyId: string;
        readonly clientProvider: KmsClientProvider;
        readonly grantTokens?: readonly string[] | undefined;
      };
    }
  | {
      /** 32 bytes. Not kept beyond the wrap. */
      readonly aesKey: Uint8Array;
      /** Written as `x-amz-m` (only when not empty). */
      readonly materialDescription?: Readonly<Record<string, string>> | undefined;
    };

/** Options of {@link beginS3ecV3Encryption}. */
export interface BeginS3ecV3EncryptionOptions {
  readonly key: S3ecV3WriteKey;
  /** KMS only: pairs bound to the data key (sent to KMS, stored as `x-amz-t`). */
  readonly encryptionContext?: Readonly<Record<string, string>> | undefined;
  /** Put x-amz-3, x-amz-w and x-amz-t/x-amz-m in an instruction file instead of on the object. */
  readonly instructionFile?: boolean | undefined;
}

/** One V3 object being written. The cipher is sequential: feed the plaintext in order. */
export interface S3ecV3Encryption {
  /** User metadata for the object (keys without `x-amz-meta-`). */
  readonly objectMetadata: Readonly<Record<string, string>>;
  /** The instruction file's JSON body, when `instructionFile` was asked for. */
  readonly instructionFile: string | undefined;
  /** The KMS key that generated the data key (KMS writes). */
  readonly kmsKeyId: string | undefined;
  /** Encrypts the next plaintext bytes. */
  update(plaintext: Uint8Array): Buffer;
  /** Ends the stream: the last ciphertext bytes followed by the 16-byte tag. */
  final(): Buffer;
}

/**
 * Starts a V3 encryption: gets the data key (one KMS call, or none), derives the content key
 * and commitment, builds the metadata, and zeroes the data key and derived key. Throws
 * InvalidArgumentError (bad key, reserved context key `aws:x-amz-cek-alg`, a context with an
 * AES key) and KeyUnwrapError (ERR_S3ENC_DATA_KEY_UNAVAILABLE: KMS refused).
 */
export async function beginS3ecV3Encryption(
  o: BeginS3ecV3EncryptionOptions,
): Promise<S3ecV3Encryption> {
  if (o === null || typeof o !== 'object' || o.key === null || typeof o.key !== 'object')
    throw new InvalidArgumentError('key is required');
  const context = checkEncryptionContext(o.encryptionContext);
  if (Object.hasOwn(context, K.CONTEXT_CEK_ALG))
    throw new InvalidArgumentError(`${K.CONTEXT_CEK_ALG} is reserved by the S3EC format`, {
      code: 'ERR_S3ENC_RESERVED_CONTEXT_KEY',
    });
  let dataKey: Buffer;
  let encryptedDataKey: Buffer;
  let wrapCode: string;
  let kmsKeyId: string | undefined;
  const wrapped: Record<string, string> = {};
  if ('kms' in o.key) {
    const { keyId, clientProvider, grantTokens } = o.key.kms;
    if (typeof keyId !== 'string' || keyId.length === 0)
      throw new InvalidArgumentError('kms.keyId must be a non-empty KMS key id');
    const client = clientProvider(parseKmsArn(keyId)?.region ?? '');
    if (client === false) throw new InvalidArgumentError(`no KMS client for ${keyId}`);
    const kmsContext = { ...context, [K.CONTEXT_CEK_ALG]: K.SUITE_V3_STRING };
    try {
      const got = await kmsGenerateDataKey(client, {
        keyId,
        encryptionContext: kmsContext,
        grantTokens,
      });
      dataKey = got.plaintext;
      encryptedDataKey = got.ciphertext;
      kmsKeyId = got.keyId ?? keyId;
    } catch (e) {
      if (e instanceof S3EncError) throw e;
      throw dataKeyUnavailable(e);
    }
    if (dataKey.length !== K.DATA_KEY_LENGTH) {
      wipe(dataKey);
      throw dataKeyUnavailable(new Error('KMS returned a data key that is not 32 bytes'));
    }
    wrapCode = '12';
    wrapped[K.CONTEXT_V3] = stringifyJsonStringMap(kmsContext);
  } else {
    const { aesKey } = o.key;
    if (!(aesKey instanceof Uint8Array) || aesKey.byteLength !== K.DATA_KEY_LENGTH)
      throw new InvalidArgumentError('aesKey must be 32 bytes (AES-256)', {
        code: 'ERR_S3ENC_INVALID_KEY',
      });
    if (Object.keys(context).length > 0)
      throw new InvalidArgumentError(
        'an encryption context binds a KMS data key; with an AES key use materialDescription',
        { code: 'ERR_S3ENC_INVALID_CONTEXT' },
      );
    const description = checkEncryptionContext(o.key.materialDescription, 'materialDescription');
    dataKey = randomBytes(K.DATA_KEY_LENGTH);
    encryptedDataKey = wrapAesGcm(aesKey, dataKey, K.SUITE_V3_STRING);
    wrapCode = '02';
    if (Object.keys(description).length > 0)
      wrapped[K.MATDESC_V3] = stringifyJsonStringMap(description);
  }

  let messageId = randomBytes(K.V3_MESSAGE_ID_LENGTH);
  // An all-zero id means the random source failed (specification: "SHOULD validate").
  while (messageId.every((b) => b === 0)) messageId = randomBytes(K.V3_MESSAGE_ID_LENGTH);
  let cipher: CipherGCM;
  let commitment: Buffer;
  try {
    commitment = v3Commitment(dataKey, messageId);
    const contentKey = v3ContentKey(dataKey, messageId);
    try {
      cipher = createCipheriv('aes-256-gcm', contentKey, V3_CONTENT_IV, { authTagLength: 16 });
    } finally {
      wipe(contentKey);
    }
  } finally {
    wipe(dataKey);
  }
  cipher.setAAD(V3_CONTENT_AAD);

  const keyEntries: Record<string, string> = {
    [K.KEY_V3]: encryptedDataKey.toString('base64'),
    [K.WRAP_ALG_V3]: wrapCode,
    ...wrapped,
  };
  const contentEntries: Record<string, string> = {
    [K.CONTENT_CIPHER_V3]: K.SUITE_V3_STRING,
    [K.COMMITMENT_V3]: commitment.toString('base64'),
    [K.MESSAGE_ID_V3]: messageId.toString('base64'),
  };
  const instructionFile = o.instructionFile === true;
  let finished = false;
  return {
    objectMetadata: Object.freeze(
      instructionFile ? contentEntries : { ...keyEntries, ...contentEntries },
    ),
    instructionFile: instructionFile ? stringifyJsonStringMap(keyEntries) : undefined,
    kmsKeyId,
    update(plaintext: Uint8Array): Buffer {
      if (finished) throw new InvalidArgumentError('the encryption is finished');
      return cipher.update(plaintext);
    },
    final(): Buffer {
      if (finished) throw new InvalidArgumentError('the encryption is finished');
      finished = true;
      return Buffer.concat([cipher.final(), cipher.getAuthTag()]);
    },
  };
}
