/** What the stages of one upload share. @internal */
import type { EncryptionSession } from '@s3enc/core';
import type { ClientContext } from '../../context.js';
import { markerMetadata } from '../../marker.js';
import type { PutResult, PutSettings } from './put-options.js';

/** One upload in progress: settings, its data key session, and the request fields all share. */
export interface UploadJob {
  readonly ctx: ClientContext;
  readonly settings: PutSettings;
  readonly session: EncryptionSession;
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
    'bucket' | 'key' | 'messageId' | 'keyIds' | 'frameLength' | 'headerLength' | 'sse'
  >;
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
    createFields: {
      Bucket: s.bucket,
      Key: s.key,
      ...s.objectFields,
      Metadata: { ...s.metadata, ...markerMetadata() },
      ContentType: s.contentType,
      ...s.sse.create,
      ...s.lock,
      ...(s.tagging !== undefined ? { Tagging: s.tagging } : {}),
    },
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
