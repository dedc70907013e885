/**
 * The whole run's progress line for `cp --recursive` / `sync` on a TTY: files done of files
 * found, bytes, rate and ETA (through the same renderer as a single transfer's bar).
 */
import type { TreeProgress } from '@s3enc/node';
import type { Output } from './output.js';
import { renderProgress, type ProgressReporter } from './progress.js';

export function createBulkProgress(
  out: Output,
  verb: string,
): ProgressReporter & { tree(p: TreeProgress): void } {
  const interactive = out.interactive;
  const stderr = out.io.stderr;
  const started = Date.now();
  let last = 0;
  let drawn = false;
  return {
    tree(p) {
      if (!interactive) return;
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      const files = `${p.objectsDone}/${p.objectsTotal ?? '?'} files`;
      const line = renderProgress({
        label: `${verb} ${files}`,
        done: p.bytesDone,
        total: p.bytesTotal,
        elapsedMs: now - started,
        width: stderr.columns ?? 80,
      });
      stderr.write(`\r\x1b[2K${line}`);
      drawn = true;
    },
    update() {},
    finish() {
      if (drawn) stderr.write('\r\x1b[2K');
    },
  };
}
