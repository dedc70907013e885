/**
 * The coordinator's side of a share-nothing transfer: starts `count` worker threads, hands each
 * the job (plain settings and the frame key handoff), deals out task ids (part numbers or range
 * indexes) — `slots` in flight per worker, the next one as each finishes — answers credential
 * requests, and passes each result to `onResult`. The first failure (a worker's error, a crash,
 * an exit, the signal, `onResult` throwing) stops the dealing; every worker is then told to
 * close (abort in flight, close its file, drop its key) and is terminated if it does not within
 * {@link CLOSE_TIMEOUT_MS}. Settles only when every worker has exited. @internal
 */
import { Worker } from 'node:worker_threads';
import { AbortError, S3EncError, type FrameKeyHandoff } from '@s3enc/core';
import type { AwsCredentialIdentity } from '@smithy/types';
import {
  errorFromRecord,
  errorRecord,
  type FromWorker,
  type JobSpec,
  type ToWorker,
  type WorkerTransport,
} from './messages.js';
import { workerEntry } from './worker-url.js';

/** How long a worker may take to close before it is terminated. */
const CLOSE_TIMEOUT_MS = 10_000;

export interface WorkerRun {
  readonly count: number;
  /** Tasks in flight per worker. */
  readonly slots: number;
  readonly transport: WorkerTransport;
  readonly handoff: FrameKeyHandoff;
  readonly job: JobSpec;
  /** Task ids, dealt in this order. */
  readonly tasks: readonly number[];
  /** Resolves credentials for the workers (the coordinator's own provider chain). */
  readonly credentials: () => Promise<AwsCredentialIdentity>;
  readonly signal: AbortSignal | undefined;
}

/** A result message of a task. */
export type TaskResult = Extract<FromWorker, { type: 'part' | 'range' }>;

/**
 * Runs every task on the workers.
 * @throws the first failure: a worker's typed error as it threw it, S3EncError
 *   ERR_S3ENC_WORKER_FAILED for a crash or an early exit, AbortError for the signal, or what
 *   `onResult` threw.
 */
export async function runOnWorkers(
  run: WorkerRun,
  onResult: (r: TaskResult) => void,
): Promise<void> {
  const entry = workerEntry();
  let failure: Error | undefined;
  let next = 0;
  let pending = run.tasks.length;
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const failWith = (err: Error) => {
    failure ??= err;
    stop();
  };
  const onAbort = () => {
    failWith(new AbortError('The transfer was aborted', { cause: run.signal?.reason }));
  };
  if (run.signal?.aborted === true) onAbort();
  run.signal?.addEventListener('abort', onAbort, { once: true });

  const workers = Array.from({ length: failure === undefined ? run.count : 0 }, () => {
    const w = new Worker(entry.url, {
      workerData: { slots: run.slots },
      execArgv: [...entry.execArgv],
      ...(entry.env !== undefined ? { env: entry.env } : {}),
    });
    const send = (m: ToWorker) => {
      w.postMessage(m);
    };
    const deal = () => {
      if (failure !== undefined || next >= run.tasks.length) return;
      send({ type: 'task', id: run.tasks[next++]! });
    };
    let closedByUs = false;
    const exited = new Promise<void>((resolve) => {
      w.once('exit', (code) => {
        if (!closedByUs && pending > 0) {
          failWith(
            new S3EncError('ERR_S3ENC_WORKER_FAILED', `A transfer worker exited (code ${code})`),
          );
        }
        resolve();
      });
    });
    w.on('error', (err) => {
      failWith(
        new S3EncError('ERR_S3ENC_WORKER_FAILED', 'A transfer worker crashed', { cause: err }),
      );
    });
    w.on('message', (m: FromWorker) => {
      switch (m.type) {
        case 'ready':
          for (let i = 0; i < run.slots; i++) deal();
          break;
        case 'part':
        case 'range':
          if (failure !== undefined) break;
          try {
            onResult(m);
          } catch (err) {
            failWith(err instanceof Error ? err : new Error('onResult threw', { cause: err }));
            break;
          }
          if (--pending === 0) stop();
          else deal();
          break;
        case 'need-credentials':
          run.credentials().then(
            (c) => {
              send({ type: 'credentials', requestId: m.requestId, identity: plainIdentity(c) });
            },
            (err: unknown) => {
              send({ type: 'credentials', requestId: m.requestId, error: errorRecord(err) });
            },
          );
          break;
        case 'failed':
          failWith(errorFromRecord(m.error));
          break;
        case 'closed':
          closedByUs = true;
          void w.terminate();
          break;
      }
    });
    send({ type: 'init', transport: run.transport, handoff: run.handoff, job: run.job });
    return {
      exited,
      close: async () => {
        closedByUs = true;
        send({ type: 'close' });
        const timer = setTimeout(() => void w.terminate(), CLOSE_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      },
    };
  });
  try {
    if (pending === 0) stop();
    await stopped;
  } finally {
    run.signal?.removeEventListener('abort', onAbort);
    await Promise.all(workers.map((w) => w.close()));
  }
  if (failure !== undefined) throw failure;
}

/** Only the identity's fields (a provider may return an object with methods). */
function plainIdentity(c: AwsCredentialIdentity) {
  return {
    accessKeyId: c.accessKeyId,
    secretAccessKey: c.secretAccessKey,
    sessionToken: c.sessionToken,
    expiration: c.expiration,
  };
}
