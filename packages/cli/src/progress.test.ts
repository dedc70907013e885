import { describe, expect, it } from 'vitest';
import { Output } from './output.js';
import { createProgress, formatDuration, renderProgress } from './progress.js';
import { memoryIo } from './test-io.js';

describe('progress', () => {
  it('renders percentage, rate and ETA', () => {
    const line = renderProgress({
      label: 'put',
      done: 50 * 1024 * 1024,
      total: 100 * 1024 * 1024,
      elapsedMs: 10_000,
      width: 100,
    });
    expect(line).toMatch(/^put \[#+\.+\]\s+50% 50\.0 MiB\/100\.0 MiB 5\.00 MiB\/s ETA 0:10$/);
  });
  it('renders without a total', () => {
    expect(
      renderProgress({ label: 'get', done: 2048, total: undefined, elapsedMs: 1000, width: 80 }),
    ).toBe('get 2.00 KiB 2.00 KiB/s');
  });
  it('formats durations', () => {
    expect(formatDuration(5)).toBe('0:05');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(Number.NaN)).toBe('--:--');
  });
  it('draws nothing when stderr is not a TTY, or with --json / --quiet', () => {
    for (const [tty, json, quiet] of [
      [false, false, false],
      [true, true, false],
      [true, false, true],
    ] as const) {
      const io = memoryIo({ stderrTTY: tty });
      const p = createProgress(new Output(io, { json, quiet, colour: false }), 'put', 100);
      p.update(100);
      p.finish();
      expect(io.err()).toBe('');
    }
    const io = memoryIo({ stderrTTY: true });
    const p = createProgress(
      new Output(io, { json: false, quiet: false, colour: false }),
      'put',
      100,
    );
    p.update(100);
    p.finish();
    expect(io.err()).toMatch(/100%/);
  });
});
