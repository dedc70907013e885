/**
 * The coordinator's side of share-nothing transfers: a pool of worker threads per
 * EncryptedS3Client, started on first use and kept (each worker's start-up — about 0.35 CPU
 * seconds to load the SDK — and its TLS connections then serve every later transfer), unref'd
 * while idle so they never hold the process open, closed by `destroy()`.
 *
 * `run` hands a job (plain settings and the frame key handoff) to `count` workers, deals out
 * task ids (part numbers or range indexes) — `slots` in flight per worker, the next as each
 * finishes — and passes each result to `onResult`. The first failure (a worker's error, a
 * crash, an exit, the signal, `onResult` throwing) stops the dealing; the job is then ended on
 * every worker (in flight aborted, its file closed, its key dropped), and a worker that does
 * not confirm within {@link END_TIMEOUT_MS} is terminated and replaced later. @internal
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
  type WorkerStart,
  type WorkerTransport,
} from './messages.js';
import { workerEntry, type WorkerEntry } from './worker-url.js';

/** How long a worker may take to end a job before it is terminated. */
const END_TIMEOUT_MS = 10_000;
/** Requests in flight each worker's connection pool is sized for. */
const WORKER_CONNECTIONS = 16;

/** What the pool takes from the coordinator's S3 client. */
export interface PoolSources {
  credentials(): Promise<AwsCredentialIdentity>;
  region(): Promise<string>;
}

/** One job as `run` gives it. */
export interface WorkerJob {
  readonly count: number;
  /** Tasks in flight per worker. */
  readonly slots: number;
  readonly handoff: FrameKeyHandoff;
  readonly job: JobSpec;
  /** Task ids, dealt in this order. */
  readonly tasks: readonly number[];
  readonly signal: AbortSignal | undefined;
}

/** A result message of a task. */
export type TaskResult = Extract<FromWorker, { type: 'part' | 'range' }>;

/** What a job listens to on one worker. */
interface JobListener {
  message(m: FromWorker): void;
  /** The worker died (crash, exit, terminate). */
  lost(err: Error): void;
}

class PooledWorker {
  readonly worker: Worker;
  readonly jobs = new Map<number, JobListener>();
  alive = true;
  constructor(
    start: WorkerStart,
    entry: WorkerEntry,
    onCredentials: (w: PooledWorker, requestId: number) => void,
  ) {
    this.worker = new Worker(entry.url, {
      workerData: start,
      execArgv: [...entry.execArgv],
      ...(entry.env !== undefined ? { env: entry.env } : {}),
    });
    this.worker.unref();
    const lose = (err: Error) => {
      if (!this.alive) return;
      this.alive = false;
      for (const j of this.jobs.values()) j.lost(err);
      this.jobs.clear();
    };
    this.worker.on('error', (err) => {
      lose(new S3EncError('ERR_S3ENC_WORKER_FAILED', 'A transfer worker crashed', { cause: err }));
    });
    this.worker.on('exit', (code) => {
      lose(new S3EncError('ERR_S3ENC_WORKER_FAILED', `A transfer worker exited (code ${code})`));
    });
    this.worker.on('message', (m: FromWorker) => {
      if (m.type === 'need-credentials') onCredentials(this, m.requestId);
      else this.jobs.get(m.jobId)?.message(m);
    });
  }
  send(m: ToWorker): void {
    if (this.alive) this.worker.postMessage(m);
  }
  /** Holds the process open while a job runs on this worker, not while it idles. */
  attach(jobId: number, l: JobListener): void {
    this.jobs.set(jobId, l);
    this.worker.ref();
  }
  detach(jobId: number): void {
    this.jobs.delete(jobId);
    if (this.jobs.size === 0) this.worker.unref();
  }
}

/** Worker threads of one EncryptedS3Client. */
export class TransferWorkerPool {
  readonly #transport: WorkerTransport;
  #start: Promise<WorkerStart> | undefined;
  readonly #from: PoolSources;
  /** The worker entry (tests give their own); default the s3enc worker. */
  readonly #entry: WorkerEntry | undefined;
  #workers: PooledWorker[] = [];
  #nextJob = 0;
  #destroyed = false;

  /**
   * @param transport the S3 settings each worker builds its own client from.
   * @param from the coordinator's client: credentials (asked by the workers whenever they need
   *   them) and the Region (when the settings name none).
   */
  constructor(transport: WorkerTransport, from: PoolSources, entry?: WorkerEntry) {
    this.#transport = transport;
    this.#from = from;
    this.#entry = entry;
  }

  #answer = (w: PooledWorker, requestId: number) => {
    this.#from.credentials().then(
      (c) => {
        w.send({ type: 'credentials', requestId, identity: plainIdentity(c) });
      },
      (err: unknown) => {
        w.send({ type: 'credentials', requestId, error: errorRecord(err) });
      },
    );
  };

  /** `count` live workers, started as needed. */
  async #take(count: number): Promise<PooledWorker[]> {
    this.#start ??= this.#startSettings();
    const start = await this.#start;
    this.#workers = this.#workers.filter((w) => w.alive);
    while (this.#workers.length < count) {
      this.#workers.push(new PooledWorker(start, this.#entry ?? workerEntry(), this.#answer));
    }
    return this.#workers.slice(0, count);
  }

  async #startSettings(): Promise<WorkerStart> {
    const region = this.#transport.region ?? (await this.#from.region());
    return { transport: { ...this.#transport, region }, connections: WORKER_CONNECTIONS };
  }

  /**
   * Runs every task of a job on the workers.
   * @throws the first failure: a worker's typed error as it threw it, S3EncError
   *   ERR_S3ENC_WORKER_FAILED for a crash or an exit, AbortError for the signal, or what
   *   `onResult` threw.
   */
  async run(j: WorkerJob, onResult: (r: TaskResult) => void): Promise<void> {
    if (this.#destroyed) {
      throw new S3EncError('ERR_S3ENC_WORKER_FAILED', 'The client was destroyed');
    }
    const taken = j.signal?.aborted === true ? [] : await this.#take(j.count);
    const jobId = ++this.#nextJob;
    let failure: Error | undefined;
    let next = 0;
    let pending = j.tasks.length;
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const failWith = (err: Error) => {
      failure ??= err;
      stop();
    };
    const onAbort = () => {
      failWith(new AbortError('The transfer was aborted', { cause: j.signal?.reason }));
    };
    if (j.signal?.aborted === true) onAbort();
    j.signal?.addEventListener('abort', onAbort, { once: true });
    const workers = failure === undefined ? taken : [];
    const ended = workers.map((w) => {
      let confirm: () => void = () => undefined;
      const closed = new Promise<void>((resolve) => {
        confirm = resolve;
      });
      const deal = () => {
        if (failure === undefined && next < j.tasks.length) {
          w.send({ type: 'task', jobId, id: j.tasks[next++]! });
        }
      };
      w.attach(jobId, {
        message: (m) => {
          switch (m.type) {
            case 'job-ready':
              for (let i = 0; i < j.slots; i++) deal();
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
            case 'failed':
              failWith(errorFromRecord(m.error));
              break;
            case 'job-closed':
              confirm();
              break;
          }
        },
        lost: (err) => {
          if (pending > 0) failWith(err);
          confirm();
        },
      });
      w.send({ type: 'job', jobId, handoff: j.handoff, job: j.job });
      return async () => {
        w.send({ type: 'end-job', jobId });
        const timer = setTimeout(() => void w.worker.terminate(), END_TIMEOUT_MS);
        await closed;
        clearTimeout(timer);
        w.detach(jobId);
      };
    });
    try {
      if (pending === 0) stop();
      await stopped;
    } finally {
      j.signal?.removeEventListener('abort', onAbort);
      await Promise.all(ended.map((end) => end()));
    }
    if (failure !== undefined) throw failure;
  }

  /** Ends every worker (their jobs first). Idempotent. */
  async destroy(): Promise<void> {
    this.#destroyed = true;
    const all = this.#workers;
    this.#workers = [];
    await Promise.all(
      all.map(async (w) => {
        if (!w.alive) return;
        const exited = new Promise((resolve) => w.worker.once('exit', resolve));
        w.send({ type: 'close' });
        const timer = setTimeout(() => void w.worker.terminate(), END_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
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
