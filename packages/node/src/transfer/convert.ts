/**
 * `convertObject`: rewrites an Amazon S3 Encryption Client object (V1/V2/V3, verified whole
 * first) in the s3enc format — authenticated ranges, parallel reads — as a NEW version of the
 * same key, keeping its user metadata, content type, tags, SSE setting and Object Lock
 * retention / legal hold, and never deleting the source version. The write is conditional on
 * the source's ETag (no lost update). Up to 16 MiB the plaintext stays in memory (wiped after);
 * larger objects pass through a private temporary file (mode 0600 in a fresh 0700 directory),
 * removed on every path.
 * @internal — reached through EncryptedS3Client.convertObject.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetObjectTaggingCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { InvalidArgumentError, wipe } from '@s3enc/core';
import { checkBucketKey, type ClientContext } from '../context.js';
import { getVersioning } from '../object-lock/versioning.js';
import { toS3Error } from '../s3-errors.js';
import { toSseCustomerKey, type ServerSideEncryption, type SseCustomerKeyInput } from '../sse.js';
import { getObjectToFile } from './download/to-file.js';
import { getObjectStream } from './download/to-stream.js';
import type { PutOptions } from './upload/put-options.js';
import type { S3ecEnvelope } from './formats/envelope.js';
import { headObject } from './head.js';
import { putObject } from './upload/put-object.js';

/** Options of `convertObject`. */
export interface ConvertOptions {
  /** Report what would be done; read nothing but metadata, write nothing. */
  dryRun?: boolean | undefined;
  /** Convert this version (default: the current one). */
  versionId?: string | undefined;
  /** The SSE-C key of the source; the new version is stored with the same key. */
  sseCustomerKey?: SseCustomerKeyInput | undefined;
  /**
   * In a bucket without versioning the new object replaces the source (which then no longer
   * exists). Refused unless true.
   */
  allowUnversionedOverwrite?: boolean | undefined;
  /** Where the temporary plaintext file goes (default: the OS temporary directory). */
  tempDirectory?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** What `convertObject` did. */
export interface ConvertResult {
  readonly bucket: string;
  readonly key: string;
  /** `converted`; `would-convert` (dry run); `skipped` (already s3enc, or not encrypted). */
  readonly status: 'converted' | 'would-convert' | 'skipped';
  readonly reason: string | undefined;
  /** The source's format (`s3ec-v1`…, `aws-encryption-sdk`, or `plaintext`). */
  readonly sourceFormat: string;
  readonly sourceVersionId: string | undefined;
  readonly newVersionId: string | undefined;
  readonly plaintextSize: number | undefined;
}

/** Objects up to this plaintext size are converted in memory (no temporary file). */
const IN_MEMORY_LIMIT = 16 * 1024 * 1024;

/** Metadata keys of the S3EC formats: not carried to the converted object. */
const S3EC_KEYS =
  /^x-amz-(key|key-v2|wrap-alg|matdesc|iv|cek-alg|tag-len|unencrypted-content-length|crypto-instr-file|[c3mtwdi])$/;

/** Context pairs the S3EC formats add themselves: not carried as the new object's context. */
const FORMAT_CONTEXT_KEYS = new Set(['aws:x-amz-cek-alg', 'kms_cmk_id']);

/**
 * Converts one object. @throws FormatError / KeyUnwrapError / IntegrityError from reading the
 * source (nothing written then), InvalidArgumentError (ERR_S3ENC_CONVERT_UNVERSIONED),
 * S3RequestError (ERR_S3ENC_OBJECT_CHANGED when the source changed meanwhile).
 */
export async function convertObject(
  ctx: ClientContext,
  bucket: string,
  key: string,
  o: ConvertOptions = {},
): Promise<ConvertResult> {
  checkBucketKey(bucket, key);
  const read = {
    versionId: o.versionId,
    sseCustomerKey: o.sseCustomerKey,
    signal: o.signal,
  };
  const h = await headObject(ctx, bucket, key, read);
  const base = { bucket, key, sourceVersionId: h.versionId, newVersionId: undefined };
  if (!h.encrypted) {
    return {
      ...base,
      status: 'skipped',
      reason: 'not encrypted',
      sourceFormat: 'plaintext',
      plaintextSize: undefined,
    };
  }
  const env = h.envelope;
  if (!env.format.startsWith('s3ec')) {
    return {
      ...base,
      status: 'skipped',
      reason: 'already in the s3enc format',
      sourceFormat: env.format,
      plaintextSize: env.plaintextSize,
    };
  }
  const s3ec = env as S3ecEnvelope;
  const versioning = (await getVersioning(ctx.s3, { bucket })).status;
  if (versioning !== 'Enabled' && o.allowUnversionedOverwrite !== true) {
    throw new InvalidArgumentError(
      `bucket ${bucket} does not keep versions (${versioning}): converting would replace the source object; enable versioning, or pass allowUnversionedOverwrite`,
      { code: 'ERR_S3ENC_CONVERT_UNVERSIONED' },
    );
  }
  if (o.dryRun === true) {
    return {
      ...base,
      status: 'would-convert',
      reason: undefined,
      sourceFormat: s3ec.format,
      plaintextSize: s3ec.plaintextSize,
    };
  }

  const source = await sourceHeaders(ctx, bucket, key, h.versionId, o);
  const tags = await sourceTags(ctx, bucket, key, h.versionId, o.signal);
  const putOptions: PutOptions = {
    ...(h.etag !== undefined ? { ifMatch: h.etag } : {}),
    metadata: userMetadata(source.Metadata),
    ...(source.ContentType !== undefined ? { contentType: source.ContentType } : {}),
    ...(Object.keys(tags).length > 0 ? { tags } : {}),
    encryptionContext: contextOf(s3ec),
    ...sseOf(source, o.sseCustomerKey),
    ...lockOf(source),
    signal: o.signal,
  };
  const pinned = { ...read, versionId: h.versionId ?? o.versionId };
  const done = (newVersionId: string | undefined, plaintextSize: number): ConvertResult => ({
    ...base,
    status: 'converted',
    reason: undefined,
    sourceFormat: s3ec.format,
    newVersionId,
    plaintextSize,
  });

  // Small objects never touch the disk: verified whole in memory, then wiped.
  if (s3ec.plaintextSize !== undefined && s3ec.plaintextSize <= IN_MEMORY_LIMIT) {
    const got = await getObjectStream(ctx, bucket, key, pinned);
    const plain = await got.bytes();
    try {
      const put = await putObject(ctx, bucket, key, plain, putOptions);
      return done(put.versionId, plain.length);
    } finally {
      wipe(plain);
    }
  }
  const dir = await mkdtemp(join(o.tempDirectory ?? tmpdir(), 's3enc-convert-'));
  try {
    const path = join(dir, 'plaintext');
    // Verified whole (tag, commitment) before the file exists under its name.
    const got = await getObjectToFile(ctx, bucket, key, path, pinned);
    const put = await putObject(ctx, bucket, key, { path }, putOptions);
    return done(put.versionId, got.plaintextSize);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function sourceHeaders(
  ctx: ClientContext,
  bucket: string,
  key: string,
  versionId: string | undefined,
  o: ConvertOptions,
): Promise<HeadObjectCommandOutput> {
  const ssec =
    o.sseCustomerKey === undefined ? {} : toSseCustomerKey(o.sseCustomerKey).requestParams();
  return ctx.s3
    .send(
      new HeadObjectCommand({
        Bucket: bucket,
        Key: key,
        ...(versionId !== undefined && versionId !== 'null' ? { VersionId: versionId } : {}),
        ...ssec,
      }),
      { abortSignal: o.signal },
    )
    .catch((e: unknown) => {
      throw toS3Error(e, 'HeadObject', {}, o.signal);
    });
}

async function sourceTags(
  ctx: ClientContext,
  bucket: string,
  key: string,
  versionId: string | undefined,
  signal: AbortSignal | undefined,
): Promise<Record<string, string>> {
  try {
    const r = await ctx.s3.send(
      new GetObjectTaggingCommand({
        Bucket: bucket,
        Key: key,
        ...(versionId !== undefined && versionId !== 'null' ? { VersionId: versionId } : {}),
      }),
      { abortSignal: signal },
    );
    return Object.fromEntries((r.TagSet ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  } catch (e) {
    // Tags are carried where the endpoint has them; one without the API has none to carry.
    if ((e as { name?: string }).name === 'NotImplemented') return {};
    throw toS3Error(e, 'GetObjectTagging', {}, signal);
  }
}

function userMetadata(m: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m ?? {})) {
    if (!S3EC_KEYS.test(k.toLowerCase())) out[k] = v;
  }
  return out;
}

/** The caller's pairs of the source, bound to the new object as its encryption context. */
function contextOf(e: S3ecEnvelope): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...e.encryptionContext, ...e.materialDescription })) {
    if (!FORMAT_CONTEXT_KEYS.has(k)) out[k] = v;
  }
  return out;
}

function sseOf(
  h: HeadObjectCommandOutput,
  sseCustomerKey: SseCustomerKeyInput | undefined,
): { sse?: ServerSideEncryption } {
  if (h.SSECustomerAlgorithm !== undefined && sseCustomerKey !== undefined)
    return { sse: { type: 'SSE-C', key: sseCustomerKey } };
  if (h.ServerSideEncryption === 'aws:kms' || h.ServerSideEncryption === 'aws:kms:dsse')
    return {
      sse: {
        type: 'SSE-KMS',
        ...(h.SSEKMSKeyId !== undefined ? { keyId: h.SSEKMSKeyId } : {}),
        ...(h.BucketKeyEnabled !== undefined ? { bucketKey: h.BucketKeyEnabled } : {}),
      },
    };
  // SSE-S3 is S3's default; say so explicitly so a policy that requires it is satisfied.
  if (h.ServerSideEncryption === 'AES256') return { sse: { type: 'SSE-S3' } };
  return {};
}

/** The source's retention (while it lasts) and legal hold, for the new version. */
function lockOf(h: HeadObjectCommandOutput): {
  objectLock?: {
    mode?: 'GOVERNANCE' | 'COMPLIANCE';
    retainUntil?: Date;
    legalHold?: boolean;
    acknowledgeComplianceIsIrreversible?: boolean;
  };
} {
  const until = h.ObjectLockRetainUntilDate;
  const mode = h.ObjectLockMode;
  const retention =
    (mode === 'GOVERNANCE' || mode === 'COMPLIANCE') &&
    until !== undefined &&
    until.getTime() > Date.now() + 1000
      ? {
          mode,
          retainUntil: until,
          // The source is already under this COMPLIANCE retention: the copy keeps the same date.
          ...(mode === 'COMPLIANCE' ? { acknowledgeComplianceIsIrreversible: true } : {}),
        }
      : {};
  const hold = h.ObjectLockLegalHoldStatus === 'ON' ? { legalHold: true } : {};
  return Object.keys(retention).length + Object.keys(hold).length > 0
    ? { objectLock: { ...retention, ...hold } }
    : {};
}
