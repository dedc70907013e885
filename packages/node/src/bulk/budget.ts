/**
 * One concurrency budget for a whole bulk run: every object holds one permit while it runs and
 * may borrow idle permits for its own parts, so objects and parts together never exceed the
 * budget (many small files use it as object parallelism, one large file as part parallelism).
 */
import { AbortError, InvalidArgumentError } from '@s3enc/core';

export class ConcurrencyBudget {
  readonly size: number;
  #free: number;
  readonly #waiters: (() => void)[] = [];

  constructor(size: number) {
    if (!Number.isSafeInteger(size) || size < 1)
      throw new InvalidArgumentError(`concurrency must be a positive integer, got ${String(size)}`);
    this.size = size;
    this.#free = size;
  }

  /** Permits not held by anyone now. */
  get free(): number {
    return this.#free;
  }

  /** Waits for one permit. @throws AbortError when `signal` fires first (no permit held). */
  async acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) throw new AbortError('bulk transfer was aborted');
    if (this.#free > 0) {
      this.#free--;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const i = this.#waiters.indexOf(grant);
        if (i >= 0) this.#waiters.splice(i, 1);
        reject(new AbortError('bulk transfer was aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(grant);
    });
  }

  /** Takes up to `max` permits that are free right now, without waiting; returns how many. */
  tryAcquire(max: number): number {
    // Waiters come first: borrowing must never starve an object waiting for its one permit.
    if (this.#waiters.length > 0 || max <= 0) return 0;
    const n = Math.min(max, this.#free);
    this.#free -= n;
    return n;
  }

  /** Returns `n` permits; each goes to the oldest waiter first. */
  release(n = 1): void {
    for (let i = 0; i < n; i++) {
      const next = this.#waiters.shift();
      if (next !== undefined) next();
      else this.#free++;
    }
    if (this.#free > this.size) throw new Error('ConcurrencyBudget: released more than acquired');
  }
}
