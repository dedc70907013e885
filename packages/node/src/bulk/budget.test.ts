import { describe, expect, it } from 'vitest';
import { ConcurrencyBudget } from './budget.js';
import { runTasks } from './run-tasks.js';

describe('ConcurrencyBudget', () => {
  it('borrowing never exceeds the budget and never starves a waiter', async () => {
    const b = new ConcurrencyBudget(3);
    await b.acquire();
    expect(b.tryAcquire(5)).toBe(2);
    expect(b.free).toBe(0);
    let granted = false;
    const waiting = b.acquire().then(() => {
      granted = true;
    });
    b.release(1);
    await waiting;
    expect(granted).toBe(true);
    expect(b.tryAcquire(1)).toBe(0);
    b.release(3);
    expect(b.free).toBe(3);
  });

  it('an aborted wait holds no permit', async () => {
    const b = new ConcurrencyBudget(1);
    await b.acquire();
    const ac = new AbortController();
    const p = b.acquire(ac.signal);
    ac.abort();
    await expect(p).rejects.toThrow(/aborted/);
    b.release(1);
    expect(b.free).toBe(1);
  });
});

describe('runTasks', () => {
  it('objects and borrowed parts together stay within the budget; one failure does not stop the rest', async () => {
    const b = new ConcurrencyBudget(4);
    let active = 0;
    let peak = 0;
    const outcomes: string[] = [];
    const ok = await runTasks(
      Array.from({ length: 20 }, (_, i) => i),
      async (i, tc) => {
        const extra = i % 3 === 0 ? tc.borrow(3) : 0;
        active += 1 + extra;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 1));
        active -= 1 + extra;
        if (i === 5) throw new Error('five');
        return i;
      },
      {
        budget: b,
        onSettled: (o, i) => outcomes.push(o.ok ? `ok ${i}` : `failed ${i}`),
      },
    );
    expect(ok).toBe(false);
    expect(outcomes).toHaveLength(20);
    expect(outcomes).toContain('failed 5');
    expect(peak).toBeLessThanOrEqual(4);
    expect(b.free).toBe(4);
  });

  it('failFast stops starting tasks after a failure', async () => {
    const b = new ConcurrencyBudget(1);
    const started: number[] = [];
    await runTasks(
      [1, 2, 3, 4],
      async (i) => {
        started.push(i);
        if (i === 2) throw new Error('two');
        return i;
      },
      { budget: b, failFast: true, onSettled: () => {} },
    );
    expect(started).toEqual([1, 2]);
  });
});
