/**
 * `head`: what an object is, from its first bytes and S3's headers, without unwrapping the
 * data key (no KMS call).
 * Reached through EncryptedS3Client.head, or describeObject with a plain S3Client.
 */
import { frameCounts, plaintextSize as plaintextSizeOf, type EncryptionContext } from '@s3enc/core';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ClientContext } from './context.js';
import { enforceHttpsOnly } from './transport/https-only.js';
import { openObject, signedBodySize, type ObjectFacts, type ReadOptions } from './download.js';

/** The envelope of an s3enc object, read without any key. */
export interface EnvelopeDescription {
  /** 'aws-encryption-sdk' (message format version in `formatVersion`). */
  readonly format: 'aws-encryption-sdk';
  readonly formatVersion: number;
  readonly suiteId: number;
  readonly suiteName: string;
  readonly messageId: string;
  readonly frameLength: number;
  readonly headerLength: number;
  readonly frames: number;
  readonly plaintextSize: number;
  /** Stored bytes (for a signed suite, the signature footer included). */
  readonly ciphertextSize: number;
  /** KMS key ARNs (or raw key names) that wrapped the data key. */
  readonly keyIds: readonly string[];
  readonly encryptionContext: EncryptionContext;
  readonly committing: boolean;
  readonly signed: boolean;
}

/** What `head` returns. */
export type HeadResult = ObjectFacts &
  (
    | { readonly encrypted: true; readonly envelope: EnvelopeDescription }
    | { readonly encrypted: false; readonly envelope: undefined }
  );

/**
 * Describes an object.
 *
 * @returns `encrypted: false` for objects that are not s3enc messages (never throws for that).
 * @throws S3RequestError (ERR_S3ENC_NO_SUCH_KEY, ERR_S3ENC_ACCESS_DENIED, …); FormatError when
 *   the object carries our marker but its header or size is malformed.
 */
export async function headObject(
  ctx: Pick<ClientContext, 's3'>,
  bucket: string,
  key: string,
  o: ReadOptions = {},
): Promise<HeadResult> {
  const opened = await openObject(ctx, bucket, key, o, 4096);
  const { facts, header } = opened;
  if (header === undefined) return { ...facts, encrypted: false, envelope: undefined };
  const i = header.info;
  const C = facts.storedSize;
  // A signed message ends with a signature footer that is not frame data.
  const body = i.signed ? await signedBodySize(ctx, opened, o.signal) : C;
  const P = plaintextSizeOf(body, i.frameLength, header.headerLength);
  const { regularFrames } = frameCounts({
    frameLength: i.frameLength,
    headerLength: header.headerLength,
    plaintextSize: P,
    ciphertextSize: body,
  });
  return {
    ...facts,
    encrypted: true,
    envelope: {
      format: 'aws-encryption-sdk',
      formatVersion: i.version,
      suiteId: i.suiteId,
      suiteName: i.suiteName,
      messageId: i.messageId,
      frameLength: i.frameLength,
      headerLength: header.headerLength,
      frames: regularFrames + 1,
      plaintextSize: P,
      ciphertextSize: C,
      keyIds: i.encryptedDataKeys.map((k) => k.keyId),
      encryptionContext: i.encryptionContext,
      committing: i.committing,
      signed: i.signed,
    },
  };
}

/**
 * `EncryptedS3Client.head` for callers with no keyring: describes an object through `s3`
 * alone (no KMS call, no key). The https-only middleware is added to `s3`, as
 * EncryptedS3Client does with a client it is given.
 *
 * @returns and @throws as {@link EncryptedS3Client.head}.
 */
export function describeObject(
  s3: S3Client,
  bucket: string,
  key: string,
  options?: ReadOptions,
): Promise<HeadResult> {
  enforceHttpsOnly(s3);
  return headObject({ s3 }, bucket, key, options);
}
