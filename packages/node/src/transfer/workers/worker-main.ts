/**
 * The entry of a transfer worker thread (share-nothing file transfers, docs/transfer.md
 * "Worker threads"). It lives as long as its client's pool and owns its S3 client and
 * connections — built once from plain settings by the same hardened transport as the main
 * client (TLS only, the same forbidden options, the same CA and endpoint). For each job (one
 * transfer) it gets a frame key handoff and opens its own handle on the job's file; it runs the
 * tasks the coordinator hands it (part numbers or range indexes) and reports only small
 * records. Ending a job (on success, failure or abort) aborts what is in flight, closes the
 * file and drops the job's key.
 * @internal
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { S3Client } from '@aws-sdk/client-s3';
import { frameSessionFromHandoff, type FrameKeySession } from '@s3enc/core';
import { buildS3ClientConfig } from '../../transport/client-config.js';
import { credentialsFromCoordinator } from './worker-credentials.js';
import { openGetRunner } from './worker-get.js';
import { openPutRunner } from './worker-put.js';
import { errorRecord, type FromWorker, type ToWorker, type WorkerStart } from './messages.js';

const port = requirePort();
const start = workerData as WorkerStart;
const post = (m: FromWorker) => {
  port.postMessage(m);
};
const creds = credentialsFromCoordinator(post);
const s3 = new S3Client({
  ...buildS3ClientConfig({ ...start.transport, concurrency: start.connections }),
  credentials: creds.provider,
});

/** One transfer as this worker serves it. */
class Job {
  readonly ac = new AbortController();
  readonly inFlight = new Set<Promise<unknown>>();
  failed = false;
  frames: FrameKeySession | undefined;
  runner: { run(id: number): Promise<unknown>; close(): Promise<void> } | undefined;
  ending: Promise<void> | undefined;
  /** Tasks that came before the job's file was open. */
  readonly early: number[] = [];
  constructor(readonly id: number) {}

  fail(err: unknown): void {
    if (this.failed) return;
    this.failed = true;
    post({ type: 'failed', jobId: this.id, error: errorRecord(err) });
    this.ac.abort(new Error('a task failed'));
  }

  task(taskId: number): void {
    if (this.failed || this.ending !== undefined) return;
    if (this.runner === undefined) {
      this.early.push(taskId);
      return;
    }
    const t = this.runner
      .run(taskId)
      .then((r) => {
        post(
          typeof r === 'number'
            ? { type: 'range', jobId: this.id, index: taskId, bytes: r }
            : {
                type: 'part',
                jobId: this.id,
                done: r as Extract<FromWorker, { type: 'part' }>['done'],
              },
        );
      })
      .catch((err: unknown) => {
        this.fail(err);
      });
    this.inFlight.add(t);
    void t.finally(() => this.inFlight.delete(t));
  }

  async end(): Promise<void> {
    this.failed = true; // what the abort below fails is not news to the coordinator
    this.ac.abort(new Error('the job ended'));
    await Promise.allSettled([...this.inFlight]);
    await this.runner?.close().catch(() => undefined);
    this.frames?.destroy();
    this.frames = undefined;
    jobs.delete(this.id);
    post({ type: 'job-closed', jobId: this.id });
  }
}

const jobs = new Map<number, Job>();

async function begin(m: Extract<ToWorker, { type: 'job' }>): Promise<void> {
  const job = new Job(m.jobId);
  jobs.set(m.jobId, job);
  try {
    job.frames = frameSessionFromHandoff(m.handoff);
    const spec = m.job;
    job.runner =
      spec.role === 'put'
        ? await openPutRunner(spec, job.frames, s3, job.ac.signal)
        : await openGetRunner(spec, job.frames, s3, job.ac.signal);
  } catch (err) {
    job.fail(err);
    return;
  }
  if (job.ending !== undefined) {
    await job.runner.close().catch(() => undefined); // ended while its file was being opened
    return;
  }
  post({ type: 'job-ready', jobId: m.jobId });
  for (const t of job.early.splice(0)) job.task(t);
}

port.on('message', (m: ToWorker) => {
  switch (m.type) {
    case 'job':
      void begin(m);
      break;
    case 'task':
      jobs.get(m.jobId)?.task(m.id);
      break;
    case 'end-job': {
      const job = jobs.get(m.jobId);
      if (job === undefined) post({ type: 'job-closed', jobId: m.jobId });
      else job.ending ??= job.end();
      break;
    }
    case 'credentials':
      creds.answer(m.requestId, m.identity, m.error);
      break;
    case 'close':
      void Promise.allSettled([...jobs.values()].map((j) => (j.ending ??= j.end()))).then(() => {
        creds.close();
        s3.destroy();
        port.close();
      });
      break;
  }
});

function requirePort(): MessagePort {
  if (parentPort === null) throw new Error('worker-main runs only as a worker thread');
  return parentPort;
}
