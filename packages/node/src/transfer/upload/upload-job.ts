/** What the stages of one upload share. @internal */
import type { EncryptionSession } from '@s3enc/core';
import type { ClientContext } from '../../context.js';
import { markerMetadata } from '../../marker.js';
import type { PutResult, PutSettings } from './put-options.js';

/**
 * What the request stages (one PutObject, or Create/UploadPart/Complete) need, whatever
 * format seals the bytes: the s3enc engine and the S3EC V3 writer share these stages.
 */
export interface UploadRequests {
  readonly ctx: ClientContext;
  readonly settings: PutSettings;
  /** Fires on the caller's abort or the first failure. */
  readonly signal: AbortSignal;
  /** The caller's own signal (tells an abort by the caller from an internal one). */
  readonly callerSignal: AbortSignal | undefined;
  /** Plaintext size of the source, when known (progress `total`). */
  readonly sourceSize: number | undefined;
  /** Fields of PutObject and CreateMultipartUpload. */
  readonly createFields: Record<string, unknown>;
  /** What every result reports, whatever the path. */
  readonly resultBase: Pick<
    PutResult,
    'bucket' | 'key' | 'messageId' | 'keyIds' | 'frameLength' | 'headerLength' | 'sse' | 'format'
  >;
}

/** One s3enc upload in progress: the request stages' needs, and its data key session. */
export interface UploadJob extends UploadRequests {
  readonly session: EncryptionSession;
}

export function uploadJob(
  ctx: ClientContext,
  settings: PutSettings,
  session: EncryptionSession,
  signal: AbortSignal,
  callerSignal: AbortSignal | undefined,
  sourceSize: number | undefined,
): UploadJob {
  const s = settings;
  return {
    ctx,
    settings,
    session,
    signal,
    callerSignal,
    sourceSize,
    createFields: createFields(s, markerMetadata()),
    resultBase: {
      bucket: s.bucket,
      key: s.key,
      messageId: session.messageId.toString('hex'),
      keyIds: [...session.keyIds],
      frameLength: session.frameLength,
      headerLength: session.headerLength,
      sse: s.sse.summary,
    },
  };
}

/**
 * The fields of PutObject and CreateMultipartUpload: the caller's settings, and the format's
 * own metadata (`formatMetadata`) over the caller's.
 */
export function createFields(
  s: PutSettings,
  formatMetadata: Readonly<Record<string, string>>,
): Record<string, unknown> {
  return {
    Bucket: s.bucket,
    Key: s.key,
    ...s.objectFields,
    Metadata: { ...s.metadata, ...formatMetadata },
    ContentType: s.contentType,
    ...s.sse.create,
    ...s.lock,
    ...(s.tagging !== undefined ? { Tagging: s.tagging } : {}),
  };
}
