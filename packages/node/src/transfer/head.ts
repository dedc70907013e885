/**
 * `head`: what an object is, from S3's headers and its format's description (no key
 * unwrapped, no KMS call).
 * Reached through EncryptedS3Client.head, or describeObject with a plain S3Client.
 */
import { checkInstructionFileSuffix, DEFAULT_MAX_ENCRYPTED_DATA_KEYS } from '@s3enc/core';
import { DEFAULT_S3EC_SETTINGS } from './formats/s3ec/settings.js';
import type { FormatSettings } from './formats/object-format.js';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ClientContext } from '../context.js';
import { enforceHttpsOnly } from '../transport/https-only.js';
import { openObject } from './download/open.js';
import type { ObjectFacts, ReadOptions } from './download/read-options.js';
import type { EnvelopeDescription, S3ecEnvelope } from './formats/envelope.js';

/** Bytes fetched to describe an object: enough for most headers (more are fetched if needed). */
const HEAD_FIRST_BYTES = 4096;

/** What `head` returns. */
export type HeadResult = ObjectFacts &
  (
    | {
        readonly encrypted: true;
        /** `s3enc` (the AWS Encryption SDK message) or the S3 Encryption Client's `s3ec-v1`/`-v2`/`-v3`. */
        readonly format: 's3enc' | S3ecEnvelope['format'];
        readonly envelope: EnvelopeDescription;
      }
    | { readonly encrypted: false; readonly format: undefined; readonly envelope: undefined }
  );

/**
 * Describes an object.
 *
 * @returns `encrypted: false` for objects no format recognises (never throws for that).
 * @throws S3RequestError (ERR_S3ENC_NO_SUCH_KEY, ERR_S3ENC_ACCESS_DENIED, …); FormatError when
 *   the object claims a format (our marker) but its header or size is malformed, or its header
 *   lists more data keys than the client's `maxEncryptedDataKeys` (default 3).
 */
export async function headObject(
  ctx: Pick<ClientContext, 's3'> & {
    defaults?: Pick<ClientContext['defaults'], 'maxEncryptedDataKeys'>;
    formatSettings?: FormatSettings;
  },
  bucket: string,
  key: string,
  o: ReadOptions = {},
): Promise<HeadResult> {
  const maxEdks = ctx.defaults?.maxEncryptedDataKeys ?? DEFAULT_MAX_ENCRYPTED_DATA_KEYS;
  const opened = await openObject(ctx, bucket, key, o, HEAD_FIRST_BYTES, maxEdks);
  const { facts, detected } = opened;
  if (detected === undefined)
    return { ...facts, encrypted: false, format: undefined, envelope: undefined };
  const envelope = await detected.describe(opened.reader, o.signal);
  const format = envelope.format === 'aws-encryption-sdk' ? 's3enc' : envelope.format;
  return { ...facts, encrypted: true, format, envelope };
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
  options?: DescribeOptions,
): Promise<HeadResult> {
  enforceHttpsOnly(s3);
  const { instructionFileSuffix, ...read } = options ?? {};
  const s3ec =
    instructionFileSuffix === undefined
      ? DEFAULT_S3EC_SETTINGS
      : {
          ...DEFAULT_S3EC_SETTINGS,
          instructionFileSuffix: checkInstructionFileSuffix(instructionFileSuffix),
        };
  return headObject({ s3, formatSettings: { s3ec } }, bucket, key, read);
}

/** Options of {@link describeObject}. */
export interface DescribeOptions extends ReadOptions {
  /** Suffix of S3 Encryption Client instruction files (default `.instruction`). */
  instructionFileSuffix?: string | undefined;
}
