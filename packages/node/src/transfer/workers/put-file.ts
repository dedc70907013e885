/**
 * `put` of a file on worker threads: the coordinator creates the multipart upload (through
 * the shared multipartUpload stage, so any failure aborts it and a success completes it with
 * our checksums), hands each worker the file's identity, the header and the frame key, deals
 * out part numbers and collects ETags and checksum digests. No plaintext or ciphertext crosses
 * threads. @internal
 */
import { stat } from 'node:fs/promises';
import { handOffFrameKey, InvalidArgumentError } from '@s3enc/core';
import { events } from '../diagnostics.js';
import { CHECKSUM_FIELD } from '../upload/checksum-fields.js';
import { multipartUpload } from '../upload/multipart.js';
import type { PartResult } from '../upload/part-worker.js';
import type { PutResult } from '../upload/put-options.js';
import type { UploadJob } from '../upload/upload-job.js';
import type { PutFileSpec } from './messages.js';
import type { TransferWorkerPool } from './pool.js';

/** Parts of a file of `size` bytes at `piecePlain` plaintext bytes per part (the last may hold 0). */
export function partCountOf(size: number, piecePlain: number): number {
  return Math.floor(size / piecePlain) + 1;
}

/**
 * Uploads the file at `path` (`size` bytes when measured) as parts of `framesPerPart` frames
 * on `count` workers.
 * @throws as `put`; S3EncError ERR_S3ENC_WORKER_FAILED when a worker crashes or exits. The
 *   multipart upload is aborted first.
 */
export async function putFileOnWorkers(
  job: UploadJob,
  pool: TransferWorkerPool,
  path: string,
  size: number,
  framesPerPart: number,
  count: number,
): Promise<PutResult> {
  const s = job.settings;
  const st = await stat(path);
  if (st.size !== size) {
    throw new InvalidArgumentError('the file changed size during the upload', {
      code: 'ERR_S3ENC_SIZE_MISMATCH',
    });
  }
  const file: PutFileSpec = { path, dev: st.dev, ino: st.ino, size };
  const partCount = partCountOf(size, framesPerPart * job.session.frameLength);
  // Never more workers than requests the transfer may have in flight (a bulk run's budget).
  const workers = Math.min(count, partCount, s.concurrency);
  const slots = Math.max(1, Math.ceil(s.concurrency / workers));
  const put = await multipartUpload(job, async (uploadId) => {
    const results: PartResult[] = [];
    let acknowledged = 0;
    await pool.run(
      {
        count: workers,
        slots,
        handoff: handOffFrameKey(job.session),
        job: {
          role: 'put',
          file,
          bucket: s.bucket,
          key: s.key,
          uploadId,
          algorithm: s.algorithm,
          signPayload: job.ctx.defaults.signPayload,
          perRequest: s.sse.perRequest,
          framesPerPart,
          partCount,
          header: job.session.header,
        },
        tasks: Array.from({ length: partCount }, (_, i) => i + 1),
        signal: job.signal,
      },
      (r) => {
        if (r.type !== 'part') return;
        const d = r.done;
        const digest = Buffer.from(d.digest);
        results.push({
          part: {
            PartNumber: d.partNumber,
            ETag: d.etag,
            [CHECKSUM_FIELD[s.algorithm]]: digest.toString('base64'),
          },
          digest: { digest, size: d.size },
          plain: d.plain,
        });
        if (events.partFinish.active) {
          events.partFinish.publish({
            bucket: s.bucket,
            key: s.key,
            uploadId,
            partNumber: d.partNumber,
            size: d.size,
            durationMs: d.durationMs,
          });
        }
        acknowledged += d.plain;
        s.onProgress?.({ bytes: acknowledged, total: job.sourceSize });
      },
    );
    return results.sort((a, b) => a.part.PartNumber! - b.part.PartNumber!);
  });
  return { ...put, workers };
}
