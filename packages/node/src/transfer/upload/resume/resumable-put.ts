/**
 * A put that can be resumed (docs/transfer.md, "Resuming a put"): `put` with `resumeStatePath`.
 * Without a state file it is an ordinary put of a file that records its multipart upload in the
 * state file and keeps the upload open when interrupted. With one it continues that upload:
 * local checks first (the state file, the file's size and time), then the data key unwrapped
 * again from the saved header, the first and last stored parts re-sealed and compared, S3's
 * parts listed and compared, and only the missing parts sealed and sent. Frames are
 * deterministic once the message id and data key are fixed, so the object is the one a single
 * uninterrupted run would have stored.
 * @internal — reached through EncryptedS3Client.put.
 */
import { resolve } from 'node:path';
import {
  InvalidArgumentError,
  resumeEncryption,
  S3EncError,
  type EncryptionSession,
} from '@s3enc/core';
import type { ClientContext } from '../../../context.js';
import { events, now } from '../../diagnostics.js';
import { linkSignal } from '../../signals.js';
import { CHECKSUM_FIELD } from '../checksum-fields.js';
import { abortUpload, putMultipart } from '../multipart.js';
import type { PartResult } from '../part-worker.js';
import { beginSession, putFinished, store } from '../put-object.js';
import {
  resolvePutSettings,
  type PutOptions,
  type PutResult,
  type PutSettings,
} from '../put-options.js';
import { isFileSource, resolveSource, type PutSource } from '../sources.js';
import { uploadJob } from '../upload-job.js';
import { checkFileIdentity, checkStoredContent, fileIdentity, filePieces } from './file-parts.js';
import {
  planFileParts,
  RESUME_STATE_KIND,
  RESUME_STATE_VERSION,
  type ResumeState,
} from './resume-state.js';
import { deleteStateFile, readStateFile } from './state-file.js';
import { StateJournal } from './state-journal.js';
import { checkStoredParts, listStoredParts } from './stored-parts.js';

/** Failures after which `restartIfStale` starts over. */
const STALE = new Set([
  'ERR_S3ENC_RESUME_SOURCE_CHANGED',
  'ERR_S3ENC_RESUME_STATE_MISMATCH',
  'ERR_S3ENC_RESUME_UPLOAD_GONE',
]);

/**
 * `put` with `resumeStatePath` (PutOptions).
 * @throws as put, and InvalidArgumentError ERR_S3ENC_RESUME_UNSUPPORTED (not a file source, or
 *   format s3ec-v3), ERR_S3ENC_RESUME_STATE_INVALID, ERR_S3ENC_RESUME_SOURCE_CHANGED;
 *   FormatError ERR_S3ENC_RESUME_HEADER; S3RequestError ERR_S3ENC_RESUME_STATE_MISMATCH,
 *   ERR_S3ENC_RESUME_UPLOAD_GONE, ERR_S3ENC_BAD_RESPONSE; S3EncError
 *   ERR_S3ENC_RESUME_STATE_WRITE.
 */
export async function putResumable(
  ctx: ClientContext,
  bucket: string,
  key: string,
  source: PutSource,
  o: PutOptions,
): Promise<PutResult> {
  const settings = resolvePutSettings(ctx, bucket, key, o);
  if (!isFileSource(source) || (o.format !== undefined && o.format !== 's3enc')) {
    throw new InvalidArgumentError(
      'resumeStatePath needs a file source ({ path }) and the s3enc format',
      { code: 'ERR_S3ENC_RESUME_UNSUPPORTED' },
    );
  }
  const statePath = resolve(o.resumeStatePath!);
  const path = resolve(source.path);
  const { ac, unlink } = linkSignal(o.signal);
  const t0 = now();
  let result: PutResult | undefined;
  let failure: unknown;
  try {
    const saved = await readStateFile(statePath);
    if (events.putStart.active) {
      events.putStart.publish({ bucket, key, plaintextSize: saved?.source.size });
    }
    if (saved !== undefined) {
      if (saved.bucket !== bucket || saved.key !== key || saved.source.path !== path) {
        throw new InvalidArgumentError(
          `the resume state ${statePath} is for ${saved.source.path} → s3://${saved.bucket}/${saved.key}, not this put`,
          { code: 'ERR_S3ENC_RESUME_STATE_INVALID' },
        );
      }
      try {
        result = await continueUpload(ctx, settings, saved, statePath, ac, o.signal);
        return result;
      } catch (err) {
        if (o.restartIfStale !== true || !(err instanceof S3EncError) || !STALE.has(err.code))
          throw err;
        await abortUpload(ctx.s3, bucket, key, saved.uploadId);
        await deleteStateFile(statePath);
      }
    }
    result = await freshUpload(ctx, settings, path, statePath, ac, o.signal);
    return result;
  } catch (err) {
    failure = err;
    throw err;
  } finally {
    unlink();
    putFinished(settings, t0, result, failure);
  }
}

/** A put of the file that writes the state file as its multipart upload goes. */
async function freshUpload(
  ctx: ClientContext,
  s: PutSettings,
  path: string,
  statePath: string,
  ac: AbortController,
  callerSignal: AbortSignal | undefined,
): Promise<PutResult> {
  const identity = await fileIdentity(path);
  const src = await resolveSource({ path });
  const session = await beginSession(ctx, s);
  try {
    return await store(ctx, s, src, session, ac, callerSignal, (framesPerPart) => {
      const state = initialState(s, session, path, identity, framesPerPart);
      const plan = planFileParts({ ...state, size: identity.size });
      return new StateJournal(statePath, state, plan, [], false);
    });
  } finally {
    session.destroy();
    src.release();
  }
}

function initialState(
  s: PutSettings,
  session: EncryptionSession,
  path: string,
  identity: { size: number; mtimeMs: number },
  framesPerPart: number,
): ResumeState {
  const partCount = planFileParts({
    size: identity.size,
    frameLength: session.frameLength,
    headerLength: session.headerLength,
    framesPerPart,
  }).length;
  return {
    kind: RESUME_STATE_KIND,
    version: RESUME_STATE_VERSION,
    bucket: s.bucket,
    key: s.key,
    uploadId: '',
    createdAt: '',
    source: { path, ...identity },
    frameLength: session.frameLength,
    headerLength: session.headerLength,
    framesPerPart,
    partCount,
    checksumAlgorithm: s.algorithm,
    checksumType: s.checksumType,
    header: session.header.toString('base64'),
    parts: [],
  };
}

/** Continues the upload the state names, sending only the parts S3 does not hold. */
async function continueUpload(
  ctx: ClientContext,
  settings: PutSettings,
  saved: ResumeState,
  statePath: string,
  ac: AbortController,
  callerSignal: AbortSignal | undefined,
): Promise<PutResult> {
  const plan = planFileParts({ ...saved, size: saved.source.size });
  await checkFileIdentity(saved);
  // The checksum settings are the upload's own (chosen at CreateMultipartUpload).
  const s: PutSettings = {
    ...settings,
    algorithm: saved.checksumAlgorithm,
    checksumType: saved.checksumType,
  };
  const session = await resumeEncryption({
    keyring: ctx.keyring,
    header: Buffer.from(saved.header, 'base64'),
  });
  try {
    if (session.frameLength !== saved.frameLength) {
      throw new InvalidArgumentError('the resume state frame length is not the header', {
        code: 'ERR_S3ENC_RESUME_STATE_INVALID',
      });
    }
    await checkStoredContent(saved, plan, session);
    const stored = await listStoredParts(ctx.s3, saved, ac.signal);
    checkStoredParts(saved, stored, saved.checksumAlgorithm);
    const done: PartResult[] = saved.parts.map((p) => ({
      part: {
        PartNumber: p.partNumber,
        ETag: p.etag,
        [CHECKSUM_FIELD[saved.checksumAlgorithm]]: p.checksum,
      },
      digest: { digest: Buffer.from(p.checksum, 'base64'), size: p.size },
      plain: p.plaintextLength,
    }));
    const have = new Set(saved.parts.map((p) => p.partNumber));
    const missing = plan.filter((p) => !have.has(p.partNumber));
    const journal = new StateJournal(statePath, saved, plan, done, true);
    const job = uploadJob(ctx, s, session, ac.signal, callerSignal, saved.source.size);
    const pieces = filePieces(
      saved.source.path,
      missing,
      saved.framesPerPart * saved.frameLength,
      ac.signal,
    );
    try {
      return await putMultipart(
        job,
        saved.framesPerPart,
        pieces,
        undefined,
        (reason) => {
          ac.abort(reason);
        },
        journal,
      );
    } finally {
      await pieces.return(undefined).catch(() => undefined);
    }
  } finally {
    session.destroy();
  }
}
