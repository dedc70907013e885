/**
 * A one-line progress bar with rate and ETA on stderr. Created only when stderr is a TTY
 * (see Output.interactive); in pipes and with --json/--quiet nothing is drawn.
 */
import { formatBytes, type Output } from './output.js';

export interface ProgressReporter {
  /** Sets the number of bytes done so far (monotonic). */
  update(done: number, total?: number): void;
  /** Clears the line. */
  finish(): void;
}

const NOOP: ProgressReporter = { update() {}, finish() {} };

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Renders one line; exported for tests. */
export function renderProgress(o: {
  label: string;
  done: number;
  total: number | undefined;
  elapsedMs: number;
  width: number;
}): string {
  const rate = o.elapsedMs > 0 ? (o.done * 1000) / o.elapsedMs : 0;
  const rateText = `${formatBytes(Math.round(rate))}/s`;
  if (o.total === undefined || o.total <= 0) {
    return `${o.label} ${formatBytes(o.done)} ${rateText}`;
  }
  const frac = Math.min(1, o.done / o.total);
  const eta = rate > 0 ? (o.total - o.done) / rate : Number.NaN;
  const tail = ` ${(frac * 100).toFixed(0).padStart(3)}% ${formatBytes(o.done)}/${formatBytes(o.total)} ${rateText} ETA ${formatDuration(eta)}`;
  const barWidth = Math.max(10, Math.min(40, o.width - o.label.length - tail.length - 4));
  const filled = Math.round(frac * barWidth);
  return `${o.label} [${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]${tail}`;
}

export function createProgress(out: Output, label: string, total?: number): ProgressReporter {
  if (!out.interactive) return NOOP;
  const stderr = out.io.stderr;
  const started = Date.now();
  let last = 0;
  let known = total;
  let drawn = false;
  const draw = (done: number) => {
    const line = renderProgress({
      label,
      done,
      total: known,
      elapsedMs: Date.now() - started,
      width: stderr.columns ?? 80,
    });
    stderr.write(`\r\x1b[2K${line}`);
    drawn = true;
  };
  return {
    update(done, t) {
      if (t !== undefined) known = t;
      const now = Date.now();
      if (now - last < 100 && (known === undefined || done < known)) return;
      last = now;
      draw(done);
    },
    finish() {
      if (drawn) stderr.write('\r\x1b[2K');
    },
  };
}
