/**
 * The upload engine (DESIGN.md "Upload"), as stages: options checked (put-options.ts) → source
 * resolved (sources.ts) → one data key (beginEncryption) → parts planned (plan.ts) → one
 * PutObject (single-put.ts) or a multipart upload of whole frames (multipart.ts, part-worker.ts).
 * Every stage releases what it took on every path: the source, the data key, the signal
 * listener, and a multipart upload is aborted on any failure.
 * @internal — reached through EncryptedS3Client.put.
 */
import { beginEncryption, InvalidArgumentError, type EncryptionSession } from '@s3enc/core';
import type { ClientContext } from '../../context.js';
import { MARKER_FORMAT } from '../../marker.js';
import { eventError, events, now, reportIntegrityFailure, since } from '../diagnostics.js';
import { linkSignal } from '../signals.js';
import { putMultipart, type MultipartResume } from './multipart.js';
import { sourceFailed, type PartResult } from './part-worker.js';
import { framesPerPartFor } from './plan.js';
import {
  resolvePutSettings,
  type PutOptions,
  type PutResult,
  type PutSettings,
} from './put-options.js';
import { putS3ecV3 } from './s3ec-v3-put.js';
import { putSingle } from './single-put.js';
import { discardSource, resolveSource, type PutSource, type ResolvedSource } from './sources.js';
import { uploadJob } from './upload-job.js';

/**
 * Encrypts `source` and stores it at bucket/key.
 *
 * @returns what was stored (sizes, checksum, version, key ids).
 * @throws InvalidArgumentError before any request for bad options, SSE or source;
 *   KeyUnwrapError when the keyring cannot produce a data key; S3RequestError
 *   (ERR_S3ENC_OBJECT_EXISTS with `noOverwrite`, ERR_S3ENC_ACCESS_DENIED, ERR_S3ENC_S3_REQUEST…)
 *   when S3 fails after retries; AbortError when `signal` fires. A failed multipart upload is
 *   always aborted first, so no parts stay behind.
 */
export async function putObject(
  ctx: ClientContext,
  bucket: string,
  key: string,
  source: PutSource,
  o: PutOptions = {},
): Promise<PutResult> {
  const settings = resolvePutSettings(ctx, bucket, key, o);
  if (o.format === 's3ec-v3') return putS3ecV3(ctx, settings, source, o);
  const { ac, unlink } = linkSignal(o.signal);
  const t0 = now();
  let result: PutResult | undefined;
  let failure: unknown;
  let started = false;
  try {
    const src = await openSource(source, o.size);
    started = true;
    if (events.putStart.active) {
      events.putStart.publish({ bucket, key, plaintextSize: src.size });
    }
    try {
      const session = await beginSession(ctx, settings);
      try {
        result = await store(ctx, settings, src, session, ac, o.signal);
        return result;
      } finally {
        session.destroy();
      }
    } finally {
      src.release(); // an unread stream is destroyed, an owned copy wiped
    }
  } catch (err) {
    failure = err;
    throw err;
  } finally {
    unlink(); // a long-lived caller signal must not collect one listener per put
    if (started) putFinished(settings, t0, result, failure);
  }
}

/** Publishes `s3enc:object:put:finish` (and an integrity failure) for a put that began. */
export function putFinished(
  s: PutSettings,
  t0: number,
  r: PutResult | undefined,
  failure: unknown,
): void {
  if (failure !== undefined) {
    reportIntegrityFailure(failure, {
      bucket: s.bucket,
      key: s.key,
      versionId: undefined,
      operation: 'put',
    });
  }
  if (!events.putFinish.active) return;
  events.putFinish.publish({
    bucket: s.bucket,
    key: s.key,
    versionId: r?.versionId,
    plaintextSize: r?.plaintextSize,
    ciphertextSize: r?.ciphertextSize,
    multipart: r?.multipart,
    parts: r?.parts,
    durationMs: since(t0),
    error: failure === undefined ? undefined : eventError(failure),
  });
}

/**
 * Stage 2: the source, normalised. put owns a stream source from here: if it fails before
 * reading it, the stream is destroyed (cancelled) rather than left open.
 */
async function openSource(source: PutSource, size: number | undefined): Promise<ResolvedSource> {
  try {
    return await resolveSource(source, { size });
  } catch (err) {
    discardSource(source);
    throw err;
  }
}

/** Stage 3: one data key and header for the object. */
export async function beginSession(ctx: ClientContext, s: PutSettings): Promise<EncryptionSession> {
  const t0 = now();
  const session = await beginEncryption({
    keyring: ctx.keyring,
    ...(s.encryptionContext !== undefined ? { encryptionContext: s.encryptionContext } : {}),
    ...(s.frameLength !== undefined ? { frameLength: s.frameLength } : {}),
  });
  if (events.keyGenerate.active) {
    events.keyGenerate.publish({
      bucket: s.bucket,
      key: s.key,
      versionId: undefined,
      format: MARKER_FORMAT,
      keyIds: [...session.keyIds],
      durationMs: since(t0),
    });
  }
  return session;
}

/**
 * Stages 4–5: plan whole-frame pieces, then one PutObject or a multipart upload.
 * @param journalFor a resumable put's state keeping, for the plan chosen (upload/resume/).
 */
export async function store(
  ctx: ClientContext,
  s: PutSettings,
  src: ResolvedSource,
  session: EncryptionSession,
  ac: AbortController,
  callerSignal: AbortSignal | undefined,
  journalFor?: (framesPerPart: number) => MultipartResume & { onPart(r: PartResult): void },
): Promise<PutResult> {
  const framesPerPart = framesPerPartFor({
    size: src.size,
    frameLength: session.frameLength,
    headerLength: session.headerLength,
    partSize: s.partSize,
  });
  const pieces = src.pieces(framesPerPart * session.frameLength, ac.signal);
  try {
    const first = await pieces.next().catch(sourceFailed);
    if (first.done === true) throw new InvalidArgumentError('the source yielded nothing');
    const job = uploadJob(ctx, s, session, ac.signal, callerSignal, src.size);
    if (first.value.last) return await putSingle(job, first.value);
    return await putMultipart(
      job,
      framesPerPart,
      pieces,
      first.value,
      (reason) => {
        ac.abort(reason);
      },
      journalFor?.(framesPerPart),
    );
  } finally {
    // Every path, single PutObject included: closes a file source's descriptor and lets go
    // of a stream source that was not read to its end.
    await pieces.return(undefined).catch(() => undefined);
  }
}
