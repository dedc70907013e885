/**
 * Runs one task per object under a shared {@link ConcurrencyBudget}: a task starts only when it
 * holds a permit, the source iterator is read only as fast as permits free up (memory stays
 * bounded however many objects there are), and a task's failure is its own result — the others
 * go on unless `failFast`.
 */
import { AbortError } from '@s3enc/core';
import type { ConcurrencyBudget } from './budget.js';

/** What a task gets besides its item. */
export interface TaskContext {
  readonly signal: AbortSignal;
  /** Borrows up to `max` idle permits for the task's parts; they are returned when it ends. */
  borrow(max: number): number;
}

/** Options of {@link runTasks}. */
export interface RunTasksOptions<T, R> {
  budget: ConcurrencyBudget;
  signal?: AbortSignal | undefined;
  /** Stop starting tasks after the first failure (tasks in flight are cancelled). */
  failFast?: boolean | undefined;
  /** Each task's outcome, as it settles. */
  onSettled(outcome: { ok: true; value: R } | { ok: false; error: unknown }, item: T): void;
}

/**
 * @returns whether every task succeeded.
 * @throws AbortError when `signal` fires (tasks in flight are cancelled and awaited first).
 */
export async function runTasks<T, R>(
  items: AsyncIterable<T> | Iterable<T>,
  task: (item: T, ctx: TaskContext) => Promise<R>,
  o: RunTasksOptions<T, R>,
): Promise<boolean> {
  const stop = new AbortController();
  const onAbort = () => {
    stop.abort(o.signal?.reason);
  };
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const inFlight = new Set<Promise<void>>();
  let allOk = true;
  try {
    for await (const item of items) {
      if (stop.signal.aborted) break;
      try {
        await o.budget.acquire(stop.signal);
      } catch {
        break;
      }
      let borrowed = 0;
      const ctx: TaskContext = {
        signal: stop.signal,
        borrow: (max) => {
          const n = o.budget.tryAcquire(max);
          borrowed += n;
          return n;
        },
      };
      const p = (async () => {
        try {
          const value = await task(item, ctx);
          o.onSettled({ ok: true, value }, item);
        } catch (error) {
          if (stop.signal.aborted && o.signal?.aborted === true) return;
          allOk = false;
          o.onSettled({ ok: false, error }, item);
          if (o.failFast === true) stop.abort(new AbortError('stopped after a failure'));
        } finally {
          o.budget.release(1 + borrowed);
        }
      })();
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
  } finally {
    await Promise.allSettled([...inFlight]);
    o.signal?.removeEventListener('abort', onAbort);
  }
  if (o.signal?.aborted === true) throw new AbortError('bulk transfer was aborted');
  return allOk;
}
