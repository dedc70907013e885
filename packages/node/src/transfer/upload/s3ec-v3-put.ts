/**
 * `put` with `format: 's3ec-v3'`: the object written as the official 4.x S3 Encryption
 * Clients write it (docs/s3ec.md "Writing V3"), so readers that are the official clients can
 * read it. The content is ONE GCM stream, so it is encrypted in order, part after part, but
 * parts upload in parallel; memory stays about concurrency × 2 × partSize. Any failure aborts
 * the multipart upload; an instruction file is written after the object, and if that fails
 * the new object version is deleted again, so nothing half-written stays readable.
 * @internal
 */
import {
  beginS3ecV3Encryption,
  InvalidArgumentError,
  s3ecKmsKeysOf,
  type S3ecV3Encryption,
  type S3ecV3WriteKey,
} from '@s3enc/core';
import type { ClientContext } from '../../context.js';
import { linkSignal } from '../signals.js';
import { multipartUpload, runPartWorkers } from './multipart.js';
import {
  partNumberOf,
  pieceQueue,
  sourceFailed,
  uploadPart,
  type PartResult,
} from './part-worker.js';
import type { PutOptions, PutResult, PutSettings } from './put-options.js';
import { putInstructionFile } from './s3ec-instruction-file.js';
import { storeSingle } from './single-put.js';
import { discardSource, resolveSource, type PutSource, type SourcePiece } from './sources.js';
import { createFields, type UploadRequests } from './upload-job.js';

/** GCM's limit on one stream: 2³² − 2 blocks. */
const GCM_MAX_PLAINTEXT = 2 ** 36 - 32;

/** The key a V3 write uses: the client's first strict KMS key, else `s3ec.aesKey`. */
export function v3WriteKey(ctx: ClientContext): S3ecV3WriteKey {
  for (const set of s3ecKmsKeysOf(ctx.keyring)) {
    const keyId = set.keyIds?.[0];
    if (keyId !== undefined)
      return { kms: { keyId, clientProvider: set.clientProvider, grantTokens: set.grantTokens } };
  }
  const aesKey = ctx.formatSettings?.s3ec.keys.aesKey;
  if (aesKey !== undefined) return { aesKey };
  throw new InvalidArgumentError(
    "format 's3ec-v3' needs a KMS key (kmsKeyIds or a kmsKeyring) or s3ec.aesKey to wrap the data key",
  );
}

/** Stores `source` as a V3 object (metadata on the object, or an instruction file). */
export async function putS3ecV3(
  ctx: ClientContext,
  s: PutSettings,
  source: PutSource,
  o: PutOptions,
): Promise<PutResult> {
  const writeKey = v3WriteKey(ctx);
  if (o.frameLength !== undefined)
    throw new InvalidArgumentError("frameLength does not apply to format 's3ec-v3'");
  const { ac, unlink } = linkSignal(o.signal);
  try {
    let src;
    try {
      src = await resolveSource(source, { size: o.size });
    } catch (err) {
      discardSource(source);
      throw err;
    }
    if (src.size !== undefined && src.size > GCM_MAX_PLAINTEXT) {
      src.release();
      throw tooLarge();
    }
    let enc: S3ecV3Encryption;
    try {
      enc = await beginS3ecV3Encryption({
        key: writeKey,
        encryptionContext: s.encryptionContext,
        instructionFile: o.instructionFile === true,
      });
    } catch (err) {
      src.release();
      throw err;
    }
    const pieces = src.pieces(s.partSize, ac.signal);
    try {
      const job = new V3Job(ctx, s, enc, ac, o.signal, src.size);
      const first = await pieces.next().catch(sourceFailed);
      if (first.done === true) throw new InvalidArgumentError('the source yielded nothing');
      const stored = first.value.last
        ? await job.single(first.value)
        : await job.multipart(pieces, first.value);
      if (enc.instructionFile !== undefined)
        await putInstructionFile(ctx, s, enc.instructionFile, stored, o.signal);
      return stored;
    } finally {
      await pieces.return(undefined).catch(() => undefined);
    }
  } finally {
    unlink();
  }
}

function tooLarge(): InvalidArgumentError {
  return new InvalidArgumentError(
    "format 's3ec-v3' holds at most 64 GiB − 32 bytes (one GCM stream); use the s3enc format for larger objects",
    { code: 'ERR_S3ENC_S3EC_TOO_LARGE' },
  );
}

/** The V3 sealing of one upload; the requests are the s3enc engine's own stages. */
class V3Job {
  #plain = 0;
  readonly requests: UploadRequests;

  constructor(
    ctx: ClientContext,
    s: PutSettings,
    readonly enc: S3ecV3Encryption,
    readonly ac: AbortController,
    callerSignal: AbortSignal | undefined,
    sourceSize: number | undefined,
  ) {
    this.requests = {
      ctx,
      settings: s,
      signal: ac.signal,
      callerSignal,
      sourceSize,
      // V3 objects carry no s3enc marker: they are not in the s3enc format.
      createFields: createFields(s, enc.objectMetadata),
      resultBase: {
        bucket: s.bucket,
        key: s.key,
        format: 's3ec-v3',
        messageId: Buffer.from(enc.objectMetadata['x-amz-i']!, 'base64').toString('hex'),
        keyIds: enc.kmsKeyId !== undefined ? [enc.kmsKeyId] : [],
        frameLength: 0,
        headerLength: 0,
        sse: s.sse.summary,
      },
    };
  }

  /** Encrypts the next piece in order (the GCM stream is sequential). */
  seal(piece: SourcePiece): Buffer {
    this.#plain += piece.data.length;
    if (this.#plain > GCM_MAX_PLAINTEXT) throw tooLarge();
    const body = this.enc.update(piece.data);
    return piece.last ? Buffer.concat([body, this.enc.final()]) : body;
  }

  single(piece: SourcePiece): Promise<PutResult> {
    return storeSingle(this.requests, this.seal(piece), piece.data.length);
  }

  /** Workers take sealed parts from one ordered queue: sealing in order, uploads in parallel. */
  multipart(
    pieces: AsyncGenerator<SourcePiece, void, undefined>,
    first: SourcePiece,
  ): Promise<PutResult> {
    const job = this.requests;
    return multipartUpload(job, (uploadId) => {
      const nextSealed = this.#sealedQueue(pieceQueue(pieces, first));
      const worker = async (failed: () => boolean, done: (r: PartResult) => void) => {
        while (!failed()) {
          const next = await nextSealed();
          if (next === undefined) return;
          done(await uploadPart(job, uploadId, next.n, next.body, next.plain));
        }
      };
      return runPartWorkers(job, worker, (reason) => {
        this.ac.abort(reason);
      });
    });
  }

  /** Takes pieces from `next` and seals each in turn, one at a time, in part order. */
  #sealedQueue(
    next: () => Promise<SourcePiece | undefined>,
  ): () => Promise<{ n: number; body: Buffer; plain: number } | undefined> {
    let chain: Promise<unknown> = Promise.resolve();
    return () => {
      const p = chain.then(async () => {
        const piece = await next();
        if (piece === undefined) return undefined;
        const n = partNumberOf(piece);
        return { n, body: this.seal(piece), plain: piece.data.length };
      });
      chain = p.catch(() => undefined);
      return p;
    };
  }
}
