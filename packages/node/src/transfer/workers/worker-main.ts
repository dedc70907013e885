/**
 * The entry of a transfer worker thread (share-nothing file transfers, docs/transfer.md
 * "Worker threads"). It owns its S3 client and connections — built from plain settings by the
 * same hardened transport as the main client (TLS only, the same forbidden options, the same CA
 * and endpoint) — its file handle, and its copy of the frame key; it runs the tasks the
 * coordinator hands it (part numbers or range indexes), `slots` at a time, and reports only
 * small records. On `close` (or after its first failure is reported) it aborts what is in
 * flight, closes its file, drops the key and its connections, then says `closed`.
 * @internal
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { S3Client } from '@aws-sdk/client-s3';
import { frameSessionFromHandoff, type FrameKeySession } from '@s3enc/core';
import { buildS3ClientConfig } from '../../transport/client-config.js';
import { credentialsFromCoordinator } from './worker-credentials.js';
import { openGetRunner } from './worker-get.js';
import { openPutRunner } from './worker-put.js';
import { errorRecord, type FromWorker, type ToWorker } from './messages.js';

const port = requirePort();
/** Tasks this worker runs at once (its share of the transfer's concurrency). */
const slots = (workerData as { slots: number }).slots;

const post = (m: FromWorker) => {
  port.postMessage(m);
};
const creds = credentialsFromCoordinator(post);
const ac = new AbortController();
let frames: FrameKeySession | undefined;
let s3: S3Client | undefined;
let runner: { run(id: number): Promise<unknown>; close(): Promise<void> } | undefined;
let onTask: ((id: number) => void) | undefined;
const inFlight = new Set<Promise<unknown>>();
let failed = false;
let closing: Promise<void> | undefined;

function fail(err: unknown): void {
  if (failed) return;
  failed = true;
  post({ type: 'failed', error: errorRecord(err) });
  ac.abort(new Error('a task failed'));
}

async function init(m: Extract<ToWorker, { type: 'init' }>): Promise<void> {
  frames = frameSessionFromHandoff(m.handoff);
  s3 = new S3Client({
    ...buildS3ClientConfig({ ...m.transport, concurrency: slots }),
    credentials: creds.provider,
  });
  const job = m.job;
  if (job.role === 'put') {
    const r = await openPutRunner(job, frames, s3, ac.signal);
    runner = r;
    onTask = (id) => {
      track(r.run(id).then((done) => post({ type: 'part', done })));
    };
  } else {
    const r = await openGetRunner(job, frames, s3, ac.signal);
    runner = r;
    onTask = (id) => {
      track(r.run(id).then((bytes) => post({ type: 'range', index: id, bytes })));
    };
  }
  post({ type: 'ready' });
}

function track(p: Promise<unknown>): void {
  const t = p.catch(fail);
  inFlight.add(t);
  void t.finally(() => inFlight.delete(t));
}

async function close(): Promise<void> {
  failed = true; // what the abort below fails is not news to the coordinator
  ac.abort(new Error('closing'));
  creds.close();
  await Promise.allSettled([...inFlight]);
  await runner?.close().catch(() => undefined);
  frames?.destroy();
  frames = undefined;
  s3?.destroy();
  post({ type: 'closed' });
  port.close();
}

port.on('message', (m: ToWorker) => {
  switch (m.type) {
    case 'init':
      init(m).catch(fail);
      break;
    case 'task':
      if (!failed && onTask !== undefined) onTask(m.id);
      break;
    case 'credentials':
      creds.answer(m.requestId, m.identity, m.error);
      break;
    case 'close':
      closing ??= close();
      break;
  }
});

function requirePort(): MessagePort {
  if (parentPort === null) throw new Error('worker-main runs only as a worker thread');
  return parentPort;
}
