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
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompleteMultipartUploadCommandInput,
  type CompletedPart,
  type CreateMultipartUploadCommandInput,
  type PutObjectCommandInput,
} from '@aws-sdk/client-s3';
import {
  AbortError,
  beginS3ecV3Encryption,
  combinePartChecksums,
  createChecksum,
  InvalidArgumentError,
  s3ecKmsKeysOf,
  REQUEST_ATTEMPTS,
  type PartDigest,
  type S3ecV3Encryption,
  type S3ecV3WriteKey,
} from '@s3enc/core';
import { MAX_PARTS, type ClientContext } from '../../context.js';
import { toS3Error, withRetries } from '../../s3-errors.js';
import { linkSignal } from '../signals.js';
import { CHECKSUM_FIELD, checkEcho } from './checksum-fields.js';
import { abortUpload, markUploadLeftOpen } from './multipart.js';
import { putInstructionFile } from './s3ec-instruction-file.js';
import { sourceFailed } from './part-worker.js';
import type { PutOptions, PutResult, PutSettings } from './put-options.js';
import { putCodesFor, writeConditions } from './single-put.js';
import { discardSource, resolveSource, type PutSource, type SourcePiece } from './sources.js';

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

class V3Job {
  #plain = 0;
  readonly #fields: Record<string, unknown>;

  constructor(
    readonly ctx: ClientContext,
    readonly s: PutSettings,
    readonly enc: S3ecV3Encryption,
    readonly ac: AbortController,
    readonly callerSignal: AbortSignal | undefined,
    readonly sourceSize: number | undefined,
  ) {
    this.#fields = {
      // V3 objects carry no s3enc marker: they are not in the s3enc format.
      Bucket: s.bucket,
      Key: s.key,
      Metadata: { ...s.metadata, ...enc.objectMetadata },
      ContentType: s.contentType,
      ...s.sse.create,
      ...s.lock,
      ...(s.tagging !== undefined ? { Tagging: s.tagging } : {}),
    };
  }

  /** Encrypts the next piece in order (the GCM stream is sequential). */
  seal(piece: SourcePiece): Buffer {
    this.#plain += piece.data.length;
    if (this.#plain > GCM_MAX_PLAINTEXT) throw tooLarge();
    const body = this.enc.update(piece.data);
    return piece.last ? Buffer.concat([body, this.enc.final()]) : body;
  }

  get signal(): AbortSignal {
    return this.ac.signal;
  }

  result(
    extra: Omit<
      PutResult,
      'bucket' | 'key' | 'messageId' | 'keyIds' | 'frameLength' | 'headerLength' | 'sse' | 'format'
    >,
  ): PutResult {
    return {
      bucket: this.s.bucket,
      key: this.s.key,
      format: 's3ec-v3',
      messageId: Buffer.from(this.enc.objectMetadata['x-amz-i']!, 'base64').toString('hex'),
      keyIds: this.enc.kmsKeyId !== undefined ? [this.enc.kmsKeyId] : [],
      frameLength: 0,
      headerLength: 0,
      sse: this.s.sse.summary,
      ...extra,
    };
  }

  async single(piece: SourcePiece): Promise<PutResult> {
    const { s } = this;
    const body = this.seal(piece);
    const digest = createChecksum(s.algorithm).update(body).digest();
    const checksum = combinePartChecksums(s.algorithm, [{ digest, size: body.length }], {
      multipart: false,
    });
    const input = {
      ...this.#fields,
      Body: body,
      ContentLength: body.length,
      [CHECKSUM_FIELD[s.algorithm]]: checksum.value,
      ...writeConditions(s),
    } as unknown as PutObjectCommandInput;
    const res = await withRetries(
      () => this.ctx.s3.send(new PutObjectCommand(input), { abortSignal: this.signal }),
      REQUEST_ATTEMPTS,
      this.signal,
    ).catch((err: unknown) => {
      throw toS3Error(err, 'PutObject', putCodesFor(s), this.signal);
    });
    checkEcho(res, s.algorithm, checksum.value);
    s.onProgress?.({ bytes: piece.data.length, total: piece.data.length });
    return this.result({
      versionId: res.VersionId,
      etag: res.ETag,
      plaintextSize: piece.data.length,
      ciphertextSize: body.length,
      multipart: false,
      parts: 1,
      checksum,
    });
  }

  async multipart(
    pieces: AsyncGenerator<SourcePiece, void, undefined>,
    first: SourcePiece,
  ): Promise<PutResult> {
    const { ctx, s } = this;
    const created = await ctx.s3
      .send(
        new CreateMultipartUploadCommand({
          ...this.#fields,
          ChecksumAlgorithm: s.algorithm,
          ChecksumType: s.checksumType,
        } as CreateMultipartUploadCommandInput),
      )
      .catch((err: unknown) => {
        throw toS3Error(err, 'CreateMultipartUpload', {}, this.signal);
      });
    const uploadId = created.UploadId;
    if (uploadId === undefined) throw toS3Error(new Error('no UploadId'), 'CreateMultipartUpload');
    try {
      s.onMultipartUpload?.({ bucket: s.bucket, key: s.key, uploadId });
    } catch {
      // The caller's bookkeeping; the upload goes on.
    }
    try {
      const parts = await this.#uploadParts(uploadId, pieces, first);
      return await this.#complete(uploadId, parts);
    } catch (err) {
      const aborted = await abortUpload(ctx.s3, s.bucket, s.key, uploadId);
      const e = toS3Error(err, 'multipart upload', {}, this.callerSignal);
      if (!aborted) markUploadLeftOpen(e, { bucket: s.bucket, key: s.key, uploadId });
      throw e;
    }
  }

  /** Workers take sealed parts from one ordered queue: sealing in order, uploads in parallel. */
  async #uploadParts(
    uploadId: string,
    pieces: AsyncGenerator<SourcePiece, void, undefined>,
    first: SourcePiece,
  ): Promise<{ part: CompletedPart; digest: PartDigest; plain: number }[]> {
    const { s } = this;
    let pending: SourcePiece | undefined = first;
    let ended = false;
    let chain: Promise<unknown> = Promise.resolve();
    const nextSealed = (): Promise<{ n: number; body: Buffer; plain: number } | undefined> => {
      const p = chain.then(async () => {
        if (ended) return undefined;
        let piece = pending;
        pending = undefined;
        if (piece === undefined) {
          const r = await pieces.next().catch(sourceFailed);
          if (r.done === true) {
            ended = true;
            return undefined;
          }
          piece = r.value;
        }
        if (piece.last) ended = true;
        const n = piece.index + 1;
        if (n > MAX_PARTS)
          throw new InvalidArgumentError(
            `the stream needs more than ${MAX_PARTS} parts; raise partSize or pass size`,
            { code: 'ERR_S3ENC_TOO_MANY_PARTS' },
          );
        return { n, body: this.seal(piece), plain: piece.data.length };
      });
      chain = p.catch(() => undefined);
      return p;
    };
    const results: { part: CompletedPart; digest: PartDigest; plain: number }[] = [];
    let failure: Error | undefined;
    let acknowledged = 0;
    const worker = async (): Promise<void> => {
      while (failure === undefined) {
        const next = await nextSealed();
        if (next === undefined) return;
        const digest = createChecksum(s.algorithm).update(next.body).digest();
        const b64 = digest.toString('base64');
        const res = await withRetries(
          () =>
            this.ctx.s3.send(
              new UploadPartCommand({
                Bucket: s.bucket,
                Key: s.key,
                UploadId: uploadId,
                PartNumber: next.n,
                Body: next.body,
                ContentLength: next.body.length,
                [CHECKSUM_FIELD[s.algorithm]]: b64,
                ...s.sse.perRequest,
              }),
              { abortSignal: this.signal },
            ),
          REQUEST_ATTEMPTS,
          this.signal,
        ).catch((err: unknown) => {
          throw toS3Error(err, `UploadPart ${next.n}`, {}, this.signal);
        });
        checkEcho(res, s.algorithm, b64);
        results.push({
          part: { PartNumber: next.n, ETag: res.ETag, [CHECKSUM_FIELD[s.algorithm]]: b64 },
          digest: { digest, size: next.body.length },
          plain: next.plain,
        });
        acknowledged += next.plain;
        s.onProgress?.({ bytes: acknowledged, total: this.sourceSize });
      }
    };
    await Promise.all(
      Array.from({ length: s.concurrency }, () =>
        worker().catch((err: unknown) => {
          failure ??= err instanceof Error ? err : new Error('upload failed', { cause: err });
          this.ac.abort(failure);
        }),
      ),
    );
    if (failure !== undefined) throw failure;
    return results.sort((a, b) => a.part.PartNumber! - b.part.PartNumber!);
  }

  async #complete(
    uploadId: string,
    results: { part: CompletedPart; digest: PartDigest; plain: number }[],
  ): Promise<PutResult> {
    const { ctx, s } = this;
    const checksum = combinePartChecksums(
      s.algorithm,
      results.map((r) => r.digest),
      { multipart: true, type: s.checksumType },
    );
    const ciphertextSize = results.reduce((n, r) => n + r.digest.size, 0);
    if (this.signal.aborted)
      throw new AbortError('The upload was aborted', { cause: this.signal.reason });
    const input = {
      Bucket: s.bucket,
      Key: s.key,
      UploadId: uploadId,
      MultipartUpload: { Parts: results.map((r) => r.part) },
      ChecksumType: s.checksumType,
      ...(s.checksumType === 'FULL_OBJECT'
        ? { [CHECKSUM_FIELD[s.algorithm]]: checksum.value }
        : {}),
      MpuObjectSize: ciphertextSize,
      ...writeConditions(s),
      ...s.sse.perRequest,
    } as CompleteMultipartUploadCommandInput;
    const done = await withRetries(
      () => ctx.s3.send(new CompleteMultipartUploadCommand(input)),
      REQUEST_ATTEMPTS,
    ).catch((err: unknown) => {
      throw toS3Error(err, 'CompleteMultipartUpload', putCodesFor(s), this.signal);
    });
    if (s.checksumType === 'FULL_OBJECT') checkEcho(done, s.algorithm, checksum.value);
    return this.result({
      versionId: done.VersionId,
      etag: done.ETag,
      plaintextSize: results.reduce((n, r) => n + r.plain, 0),
      ciphertextSize,
      multipart: true,
      parts: results.length,
      checksum,
    });
  }
}
