// The worker pool's side of failures, with stand-in workers (fixtures/misbehaving-worker.mjs):
// a worker that exits or crashes mid-job, or reports a typed failure, fails the job with a
// typed error; the pool replaces dead workers for the next job and ends cleanly.
import { randomBytes, createSecretKey } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { TransferWorkerPool, type WorkerJob } from './pool.js';

const entry = {
  url: new URL('./fixtures/misbehaving-worker.mjs', import.meta.url),
  execArgv: [],
  env: undefined,
};
const sources = {
  credentials: () => Promise.resolve({ accessKeyId: 'a', secretAccessKey: 'b' }),
  region: () => Promise.resolve('us-east-1'),
};
const job = (tasks: number): WorkerJob => ({
  count: 2,
  slots: 2,
  handoff: {
    key: createSecretKey(randomBytes(32)),
    messageId: randomBytes(32),
    frameLength: 4096,
    headerLength: 100,
  },
  job: {
    role: 'get',
    tmpPath: '/nonexistent',
    bucket: 'b',
    key: 'k',
    pin: {},
    ssec: {},
    layout: {
      frameLength: 4096,
      headerLength: 100,
      bodySize: 0,
      plaintextSize: 0,
      regularFrames: 0,
      finalSeq: 1,
    },
    range: { start: 0, end: 0 },
    chunkSize: 1,
  },
  tasks: Array.from({ length: tasks }, (_, i) => i),
  signal: undefined,
});

const pools: TransferWorkerPool[] = [];
const poolFor = (how: string) => {
  const p = new TransferWorkerPool({ endpoint: how }, sources, entry);
  pools.push(p);
  return p;
};
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.destroy()));
});

describe('the transfer worker pool', () => {
  it('runs every task and reports each result once', async () => {
    const seen: number[] = [];
    await poolFor('ok').run(job(9), (r) => {
      if (r.type === 'range') seen.push(r.index);
    });
    expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it.each(['exit', 'throw'])(
    'a worker that dies mid-job (%s): ERR_S3ENC_WORKER_FAILED',
    async (how) => {
      const pool = poolFor(how);
      await expect(pool.run(job(4), () => undefined)).rejects.toMatchObject({
        code: 'ERR_S3ENC_WORKER_FAILED',
      });
      // The dead workers are replaced: the next job fails the same way, not by hanging.
      await expect(pool.run(job(4), () => undefined)).rejects.toMatchObject({
        code: 'ERR_S3ENC_WORKER_FAILED',
      });
    },
  );

  it("a worker's typed failure comes back with its class and code", async () => {
    await expect(poolFor('fail').run(job(4), () => undefined)).rejects.toMatchObject({
      name: 'IntegrityError',
      code: 'ERR_S3ENC_TAG_MISMATCH',
    });
  });

  it('an aborted signal and a throwing listener stop the job', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(
      poolFor('ok').run({ ...job(4), signal: ac.signal }, () => undefined),
    ).rejects.toMatchObject({ name: 'AbortError' });
    const boom = new Error('listener');
    await expect(
      poolFor('ok').run(job(4), () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
  });
});
