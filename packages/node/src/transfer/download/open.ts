/**
 * Opening an object: the first ranged GET, its S3 facts, and format detection over the
 * object's metadata and first bytes (formats/registry.ts), fetching more bytes only while a
 * format asks for them — each round strictly longer, never past core's MAX_HEADER_BYTES. No KMS call.
 * @internal
 */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { FormatError, MAX_HEADER_BYTES, S3RequestError } from '@s3enc/core';
import { checkBucketKey, type ClientContext } from '../../context.js';
import { toS3Error } from '../../s3-errors.js';
import { sseCustomerKeyParams } from '../../sse.js';
import { DEFAULT_S3EC_SETTINGS } from '../formats/s3ec/settings.js';
import type {
  CiphertextReader,
  DetectedObject,
  FormatProbe,
  FormatSettings,
  ObjectFormat,
  RelatedObject,
} from '../formats/object-format.js';
import { OBJECT_FORMATS } from '../formats/registry.js';
import { throwIfAborted } from '../signals.js';
import { factsOf, pinOf } from './object-facts.js';
import type { ObjectFacts, ReadOptions } from './read-options.js';
import {
  badResponse,
  checkClaimedSize,
  joinChunks,
  rangedGet,
  type RangeTarget,
} from './ranged-get.js';

/** The opened object: S3 facts, the detected format (if any) and a reader of its bytes. */
export interface OpenedObject {
  readonly facts: ObjectFacts;
  /** The object's format, or undefined when no format recognised it (plaintext). */
  readonly detected: DetectedObject | undefined;
  /** Reads the object's stored bytes, pinned to the version and ETag first seen. */
  readonly reader: CiphertextReader;
  readonly target: RangeTarget;
}

/**
 * Fetches the first bytes of an object (at least `firstBytes` when it has them, more while a
 * format asks) and detects its format.
 *
 * @throws S3RequestError (ERR_S3ENC_NO_SUCH_KEY, ERR_S3ENC_ACCESS_DENIED, ERR_S3ENC_OBJECT_CHANGED,
 *   ERR_S3ENC_BAD_RESPONSE…); IntegrityError ERR_S3ENC_TRUNCATED when the object ends before
 *   the bytes it announced; FormatError when an object that claims a format (our marker,
 *   S3 Encryption Client metadata) is malformed.
 */
export async function openObject(
  ctx: Pick<ClientContext, 's3'> & { formatSettings?: FormatSettings | undefined },
  bucket: string,
  key: string,
  o: ReadOptions,
  firstBytes: number,
  maxEncryptedDataKeys: number,
  formats: readonly ObjectFormat[] = OBJECT_FORMATS,
): Promise<OpenedObject> {
  checkBucketKey(bucket, key);
  throwIfAborted(o.signal, 'download');
  const ssec = o.sseCustomerKey === undefined ? {} : sseCustomerKeyParams(o.sseCustomerKey);
  const basePin = o.versionId !== undefined ? { VersionId: o.versionId } : {};
  const first = await firstRange(ctx, bucket, key, basePin, ssec, firstBytes, o.signal);
  const { facts, metadata } = first;
  const target: RangeTarget = { s3: ctx.s3, bucket, key, pin: pinOf(facts), ssec };
  let head = first.head;
  const probe = (): FormatProbe => ({
    bucket,
    key,
    metadata,
    storedSize: facts.storedSize,
    head,
    maxEncryptedDataKeys,
    readRelated: (k, max) => readRelated({ ...target, key: k, pin: {} }, max, o.signal),
    settings: formatSettingsOf(ctx),
    signal: o.signal,
  });

  let detected: DetectedObject | undefined;
  for (;;) {
    let want: number | undefined;
    for (const f of formats) {
      const d = await f.detect(probe());
      if (d.kind === 'yes') detected = d.object;
      else if (d.kind === 'more') want = d.bytes;
      if (d.kind !== 'no') break;
    }
    if (want === undefined) break;
    // Every round must grow the bytes held (a format asks for more than it has), within the
    // header cap and the object; the engine doubles what it holds to keep the rounds few.
    const next = Math.min(facts.storedSize, MAX_HEADER_BYTES, Math.max(want, head.length * 2));
    if (want <= head.length || next <= head.length || want > MAX_HEADER_BYTES) {
      throw new FormatError('ERR_S3ENC_BAD_HEADER', 'The object header does not fit its limits');
    }
    const more = await rangedGet(target, head.length, next, o.signal);
    head = Buffer.concat([head, ...more.chunks], next);
  }
  const held = head;
  const reader: CiphertextReader = {
    head: held,
    fetch: async (start, end, signal) => {
      if (end <= held.length) return [held.subarray(start, end)];
      return (await rangedGet(target, start, end, signal)).chunks;
    },
  };
  return { facts, detected, reader, target };
}

/** The client's format settings, or the defaults (no S3EC keys) for a bare S3 client. */
export function formatSettingsOf(ctx: {
  formatSettings?: FormatSettings | undefined;
}): FormatSettings {
  return ctx.formatSettings ?? { s3ec: DEFAULT_S3EC_SETTINGS };
}

/** The first ranged GET: facts and bytes; an empty object is described by HeadObject. */
async function firstRange(
  ctx: Pick<ClientContext, 's3'>,
  bucket: string,
  key: string,
  basePin: { VersionId?: string },
  ssec: Record<string, string>,
  firstBytes: number,
  signal: AbortSignal | undefined,
): Promise<{ facts: ObjectFacts; metadata: Record<string, string>; head: Buffer }> {
  const target: RangeTarget = { s3: ctx.s3, bucket, key, pin: basePin, ssec };
  try {
    const r = await rangedGet(target, 0, firstBytes, signal, false);
    const facts = factsOf(bucket, key, r.response, r.total);
    return { facts, metadata: r.response.Metadata ?? {}, head: joinChunks(r.chunks, r.length) };
  } catch (err) {
    // An empty object cannot satisfy a range: describe it with HeadObject.
    if (!(err instanceof S3RequestError) || err.statusCode !== 416) throw err;
  }
  const h = await ctx.s3
    .send(new HeadObjectCommand({ Bucket: bucket, Key: key, ...basePin, ...ssec }), {
      abortSignal: signal,
    })
    .catch((e: unknown) => {
      throw toS3Error(e, 'HeadObject', {}, signal);
    });
  const size = checkClaimedSize(h.ContentLength ?? 0, 'an object size');
  if (size !== 0) throw badResponse('GetObject refused a range HeadObject says exists');
  return { facts: factsOf(bucket, key, h, 0), metadata: h.Metadata ?? {}, head: Buffer.alloc(0) };
}

/** Reads a whole related object of at most `maxBytes`, or undefined when it does not exist. */
async function readRelated(
  target: RangeTarget,
  maxBytes: number,
  signal: AbortSignal | undefined,
): Promise<RelatedObject | undefined> {
  try {
    const r = await rangedGet(target, 0, Math.max(1, maxBytes), signal, false);
    if (r.total > maxBytes) throw badResponse('The related object is larger than allowed');
    return { metadata: r.response.Metadata ?? {}, body: joinChunks(r.chunks, r.length) };
  } catch (err) {
    if (!(err instanceof S3RequestError)) throw err;
    const missing = err.code === 'ERR_S3ENC_NO_SUCH_KEY' || err.statusCode === 416;
    if (missing) return undefined;
    throw err;
  }
}
