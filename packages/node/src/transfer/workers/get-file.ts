/**
 * getToFile on worker threads: the coordinator has read the header and unwrapped the data key
 * (prepareRead, as for every read) and created the private temporary file; the workers fetch
 * the frame-aligned ranges, authenticate every frame and write the plaintext at its offset.
 * The coordinator only deals out range indexes and counts bytes; it renames the file only
 * after every range — the final frame's included — has been reported written. @internal
 */
import type { FrameKeyHandoff } from '@s3enc/core';
import type { ClientContext, TransferProgress } from '../../context.js';
import type { GetOptions, PreparedRead } from '../download/read-options.js';
import { checkWorkersOption, workerCountFor, workersUnsupported } from './choose.js';
import { framePlan } from '../formats/aws-encryption-sdk/ranged-read.js';
import type { WorkerReadPlan } from './messages.js';
import type { TransferWorkerPool } from './pool.js';

/** Ranged GETs of a read planned without preloaded bytes. */
export function rangeCountOf(plan: WorkerReadPlan): number {
  return framePlan(plan.layout, plan.range, plan.chunkSize, 0).count;
}

/**
 * Fills `tmpPath` (created by the caller, 0600) with the verified plaintext of `plan.range`.
 * @returns the plaintext bytes written, and the workers that wrote them.
 * @throws IntegrityError (no byte of a failing range is written), S3RequestError, AbortError,
 *   S3EncError ERR_S3ENC_WORKER_FAILED; the caller removes the temporary file.
 */
export async function getRangesOnWorkers(o: {
  readonly pool: TransferWorkerPool;
  readonly handoff: FrameKeyHandoff;
  readonly plan: WorkerReadPlan;
  readonly bucket: string;
  readonly key: string;
  readonly tmpPath: string;
  readonly count: number;
  readonly concurrency: number;
  readonly signal: AbortSignal | undefined;
  readonly onProgress: (p: TransferProgress) => void;
}): Promise<{ bytes: number; workers: number }> {
  const { plan } = o;
  const ranges = rangeCountOf(plan);
  const workers = Math.max(1, Math.min(o.count, ranges, o.concurrency));
  const total = plan.range.end - plan.range.start;
  let written = 0;
  await o.pool.run(
    {
      count: workers,
      slots: Math.max(1, Math.ceil(o.concurrency / workers)),
      handoff: o.handoff,
      job: {
        role: 'get',
        tmpPath: o.tmpPath,
        bucket: o.bucket,
        key: o.key,
        pin: plan.pin,
        ssec: plan.ssec,
        layout: plan.layout,
        range: plan.range,
        chunkSize: plan.chunkSize,
      },
      tasks: Array.from({ length: ranges }, (_, i) => i),
      signal: o.signal,
    },
    (r) => {
      if (r.type !== 'range') return;
      written += r.bytes;
      o.onProgress({ bytes: written, total });
    },
  );
  return { bytes: written, workers };
}

/**
 * The worker setup of a getToFile, or undefined for the single-thread path: a ranged read
 * whose session can hand off its frame key, `workers` not 0, S3 settings the workers can
 * rebuild their clients from.
 * @throws InvalidArgumentError ERR_S3ENC_WORKERS_UNSUPPORTED when workers are forced on a read
 *   they cannot serve.
 */
export function workersForRead(
  ctx: ClientContext,
  read: PreparedRead,
  o: GetOptions,
):
  | { pool: TransferWorkerPool; handoff: FrameKeyHandoff; plan: WorkerReadPlan; count: number }
  | undefined {
  const option = checkWorkersOption(o.workers) ?? ctx.defaults.workers ?? 'auto';
  const count = workerCountFor(option, read.range.end - read.range.start);
  if (count === 0) return undefined;
  const forced = option !== 'auto';
  const plan = read.workerPlan;
  const pool = ctx.workerPool;
  const handoff = plan?.handoff();
  if (plan === undefined || handoff === undefined || pool === undefined) {
    if (!forced) return undefined;
    throw workersUnsupported(
      pool === undefined
        ? 'the client was given an S3Client, not S3 settings'
        : 'the object is not read by frame-aligned ranges (a signed or legacy suite, another format, or plaintext)',
    );
  }
  return { pool, handoff, plan, count };
}
