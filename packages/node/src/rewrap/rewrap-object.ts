/**
 * `rewrapObject`: change the keys that wrap an object's data key without re-encrypting its body
 * (docs/key-rotation.md). Reads the header of the current version (pinned), builds the new
 * header with core's `rewrapHeader`, then writes a new version: the new header and the first
 * ~5 MiB of the old body uploaded, the rest copied server side. The source version is kept.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import {
  DEFAULT_MAX_ENCRYPTED_DATA_KEYS,
  FormatError,
  InvalidArgumentError,
  MAX_CONCURRENCY,
  MAX_HEADER_BYTES,
  MIN_CONCURRENCY,
  S3RequestError,
  parseHeader,
  rewrapHeader,
  type Keyring,
} from '@s3enc/core';
import { checkBucketKey, checkInt } from '../context.js';
import { sseCustomerKeyParams } from '../sse.js';
import { eventError, events, now, since } from '../transfer/diagnostics.js';
import { enforceHttpsOnly } from '../transport/https-only.js';
import { joinChunks, rangedGet, type RangeTarget } from '../transfer/download/ranged-get.js';
import { throwIfAborted } from '../transfer/signals.js';
import { planRewrap } from './copy-plan.js';
import { requireDeletable, requireSourceVersion } from './delete-source.js';
import type { RewrapOptions, RewrapResult } from './rewrap-options.js';
import {
  headSource,
  inheritedFields,
  readSourceLock,
  type SourceLock,
  type SourceVersion,
} from './source-attributes.js';
import { verifyThenDelete } from './verify-then-delete.js';
import { writeRewrapped } from './write-rewrapped.js';

function notEncrypted(bucket: string, key: string): FormatError {
  return new FormatError(
    'ERR_S3ENC_NOT_ENCRYPTED',
    `s3://${bucket}/${key} is not an AWS Encryption SDK message; encrypt it (put) instead of rewrapping`,
  );
}

/** What rewrapObject needs from a client. */
export interface RewrapContext {
  readonly s3: S3Client;
  /** Unwraps the data key unless `decryptKeyring` is given. */
  readonly keyring?: Keyring | undefined;
  readonly concurrency?: number | undefined;
  readonly maxEncryptedDataKeys?: number | undefined;
}

/** First bytes read: most headers fit; more are read (doubling, within 1 MiB) when not. */
const FIRST_BYTES = 4096;

/**
 * Rewraps one object: see {@link RewrapOptions}. Idempotent: an object whose header already
 * lists exactly the keys asked for is reported `unchanged` and not written.
 *
 * @returns what was done (or would be, with `dryRun`), with the bytes uploaded, downloaded and
 *   copied server side.
 * @throws InvalidArgumentError (bad options, ERR_S3ENC_REWRAP_NOTHING_ASKED,
 *   ERR_S3ENC_REWRAP_NO_KEYS_LEFT, ERR_S3ENC_REWRAP_UNVERSIONED); FormatError
 *   (ERR_S3ENC_NOT_ENCRYPTED, ERR_S3ENC_REWRAP_UNSUPPORTED, header errors); KeyUnwrapError;
 *   IntegrityError (the old header fails authentication); S3RequestError
 *   (ERR_S3ENC_REWRAP_NOT_CURRENT, ERR_S3ENC_OBJECT_CHANGED, ERR_S3ENC_REWRAP_OBJECT_LOCK,
 *   ERR_S3ENC_REWRAP_ATTRIBUTES_UNREADABLE, ERR_S3ENC_ACCESS_DENIED …); AbortError. A failed
 *   multipart upload is aborted before the error is thrown.
 */
export async function rewrapWith(
  ctx: RewrapContext,
  bucket: string,
  key: string,
  options: RewrapOptions,
): Promise<RewrapResult> {
  if (!events.rewrapFinish.active) return rewrapOnce(ctx, bucket, key, options);
  const t0 = now();
  try {
    const r = await rewrapOnce(ctx, bucket, key, options);
    events.rewrapFinish.publish({
      bucket,
      key,
      sourceVersionId: r.sourceVersionId,
      sourceVersionAction: r.sourceVersionAction,
      versionId: r.versionId,
      status: r.status,
      keyIdsBefore: r.keyIdsBefore,
      keyIdsAfter: r.keyIdsAfter,
      bytesUploaded: r.bytesUploaded,
      bytesDownloaded: r.bytesDownloaded,
      bytesCopied: r.bytesCopied,
      durationMs: since(t0),
      error: undefined,
    });
    return r;
  } catch (err) {
    events.rewrapFinish.publish({
      bucket,
      key,
      sourceVersionId: undefined,
      sourceVersionAction: 'kept',
      versionId: undefined,
      status: 'failed',
      keyIdsBefore: [],
      keyIdsAfter: [],
      bytesUploaded: 0,
      bytesDownloaded: 0,
      bytesCopied: 0,
      durationMs: since(t0),
      error: eventError(err),
    });
    throw err;
  }
}

async function rewrapOnce(
  ctx: RewrapContext,
  bucket: string,
  key: string,
  options: RewrapOptions,
): Promise<RewrapResult> {
  checkBucketKey(bucket, key);
  if (options === null || typeof options !== 'object')
    throw new InvalidArgumentError('options are required');
  const o = options;
  const decryptKeyring = o.decryptKeyring ?? ctx.keyring;
  if (decryptKeyring === undefined)
    throw new InvalidArgumentError('a decryptKeyring is required to unwrap the data key');
  const concurrency =
    checkInt('concurrency', o.concurrency, MIN_CONCURRENCY, MAX_CONCURRENCY) ??
    ctx.concurrency ??
    4;
  const maxEdks =
    o.maxEncryptedDataKeys ?? ctx.maxEncryptedDataKeys ?? DEFAULT_MAX_ENCRYPTED_DATA_KEYS;
  const ssec: Record<string, string> =
    o.sseCustomerKey === undefined ? {} : sseCustomerKeyParams(o.sseCustomerKey);
  const signal = o.signal;
  throwIfAborted(signal, 'rewrap');

  // The current version: its id and ETag pin every later request.
  const first = await rangedGet(
    { s3: ctx.s3, bucket, key, pin: {}, ssec },
    0,
    FIRST_BYTES,
    signal,
    false,
  ).catch((err: unknown) => {
    // An empty object cannot satisfy a range, and holds no message either.
    if (err instanceof S3RequestError && err.statusCode === 416) throw notEncrypted(bucket, key);
    throw err;
  });
  const r = first.response;
  if (o.versionId !== undefined && r.VersionId !== o.versionId) {
    throw new S3RequestError(
      'ERR_S3ENC_REWRAP_NOT_CURRENT',
      `Version ${o.versionId} of s3://${bucket}/${key} is not the current version (${r.VersionId ?? 'none'}); rewrap writes a new current version, so it only rewraps the current one`,
    );
  }
  const etag = r.ETag;
  if (etag === undefined)
    throw new S3RequestError('ERR_S3ENC_BAD_RESPONSE', 'GetObject returned no ETag');
  const versionId = r.VersionId === undefined || r.VersionId === 'null' ? undefined : r.VersionId;
  const source: SourceVersion = { bucket, key, versionId, etag, ssec };
  const target: RangeTarget = {
    s3: ctx.s3,
    bucket,
    key,
    pin: { ...(versionId === undefined ? {} : { VersionId: versionId }), IfMatch: etag },
    ssec,
  };
  const storedSize = first.total;
  let head = joinChunks(first.chunks, first.length);
  let downloaded = head.length;
  // Read until the whole header is held (each round doubles, within the header cap).
  for (;;) {
    if (head.length === 0 || (head[0] !== 0x01 && head[0] !== 0x02))
      throw notEncrypted(bucket, key);
    if (parseHeader(head, { maxEncryptedDataKeys: maxEdks }) !== undefined) break;
    const next = Math.min(storedSize, MAX_HEADER_BYTES, head.length * 2);
    if (next <= head.length)
      throw new FormatError('ERR_S3ENC_TRUNCATED_HEADER', 'Incomplete message header');
    const more = await rangedGet(target, head.length, next, signal);
    downloaded += more.length;
    head = Buffer.concat([head, ...more.chunks], next);
  }

  const deleteSource = o.deleteSourceVersionAfterVerify === true;
  // Refused before any key is used or anything written: nothing to delete but the only copy.
  if (deleteSource) requireSourceVersion(source);
  if (versionId === undefined && o.allowUnversionedOverwrite !== true && o.dryRun !== true) {
    throw new InvalidArgumentError(
      `s3://${bucket} is not versioned: the rewrapped object would replace the only copy of the old one. Enable versioning, or pass allowUnversionedOverwrite`,
      { code: 'ERR_S3ENC_REWRAP_UNVERSIONED' },
    );
  }

  const rebuilt = await rewrapHeader({
    header: head,
    decryptKeyring,
    addKeyring: o.addKeyring,
    removeKeyIds: o.removeKeyIds,
    requiredEncryptionContext: o.encryptionContext,
    maxEncryptedDataKeys: maxEdks,
  });
  const base = {
    bucket,
    key,
    sourceVersionId: versionId,
    sourceEtag: etag,
    keyIdsBefore: rebuilt.keyIdsBefore,
    keyIdsAfter: rebuilt.keyIdsAfter,
    sizeBefore: storedSize,
    bytesDownloaded: downloaded,
  };
  const sizeAfter = storedSize - rebuilt.oldHeaderLength + rebuilt.header.length;
  // Object Lock must allow the deletion: checked before anything is written (and in a dry run).
  let lock: SourceLock | undefined;
  if (deleteSource && rebuilt.changed) {
    lock = await readSourceLock(ctx.s3, source, signal);
    requireDeletable(source, lock);
  }
  if (!rebuilt.changed || o.dryRun === true) {
    return {
      ...base,
      status: rebuilt.changed ? 'would-rewrap' : 'unchanged',
      sourceVersionAction: deleteSource && rebuilt.changed ? 'would-delete' : 'kept',
      versionId: undefined,
      etag: undefined,
      sizeAfter: rebuilt.changed ? sizeAfter : storedSize,
      bytesUploaded: 0,
      bytesCopied: 0,
      parts: 0,
    };
  }

  const h = await headSource(ctx.s3, source, signal);
  const create = await inheritedFields(ctx.s3, source, h, signal, lock);
  const plan = planRewrap(
    storedSize,
    rebuilt.oldHeaderLength,
    rebuilt.before.frameLength,
    o.copyPartSize,
  );
  // The uploaded slice: what the first read already holds, plus the rest of it.
  const { start, end } = plan.uploaded;
  let uploadedBytes: Buffer;
  if (end <= head.length) uploadedBytes = head.subarray(start, end);
  else {
    const more = await rangedGet(target, head.length, end, signal);
    downloaded += more.length;
    uploadedBytes = Buffer.concat([head.subarray(start), ...more.chunks], end - start);
  }
  const copySourceSsec: Record<string, string> = {};
  for (const [k, v] of Object.entries(ssec)) copySourceSsec[`CopySource${k}`] = v;
  const written = await writeRewrapped({
    s3: ctx.s3,
    source,
    create,
    targetSsec: ssec,
    copySourceSsec,
    header: rebuilt.header,
    plan,
    uploadedBytes,
    concurrency,
    signal,
  });
  let sourceVersionAction: RewrapResult['sourceVersionAction'] = 'kept';
  if (deleteSource) {
    downloaded += await verifyThenDelete({
      s3: ctx.s3,
      source,
      header: rebuilt.header,
      sizeAfter,
      plan,
      written,
      addKeyring: o.addKeyring,
      decryptKeyring,
      maxEncryptedDataKeys: maxEdks,
      signal,
    });
    sourceVersionAction = 'deleted';
  }
  return {
    ...base,
    status: 'rewrapped',
    sourceVersionAction,
    versionId: written.versionId,
    etag: written.etag,
    sizeAfter,
    bytesDownloaded: downloaded,
    bytesUploaded: written.bytesUploaded,
    bytesCopied: written.bytesCopied,
    parts: written.parts,
  };
}

/**
 * `rewrapObject` for callers without an EncryptedS3Client: rewraps through `s3` (the https-only
 * middleware is added to it, as EncryptedS3Client does with a client it is given) with
 * `options.decryptKeyring` unwrapping the data key.
 *
 * @returns and @throws as {@link EncryptedS3Client.rewrap}.
 */
export function rewrapObject(
  s3: S3Client,
  bucket: string,
  key: string,
  options: RewrapOptions & { decryptKeyring: Keyring },
): Promise<RewrapResult> {
  enforceHttpsOnly(s3);
  return rewrapWith({ s3 }, bucket, key, options);
}
