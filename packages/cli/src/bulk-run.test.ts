import { describe, expect, it } from 'vitest';
import { createBulkProgress } from './bulk-progress.js';
import { filtersOf } from './bulk-run.js';
import { Output } from './output.js';
import { memoryIo } from './test-io.js';

describe('filtersOf: --exclude / --include in command-line order', () => {
  it('keeps the order across both options and both spellings', () => {
    expect(
      filtersOf([
        'sync',
        '--exclude',
        '*',
        'dir',
        '--include=*.txt',
        's3://b/p',
        '--exclude',
        'a*',
      ]),
    ).toEqual([
      { type: 'exclude', pattern: '*' },
      { type: 'include', pattern: '*.txt' },
      { type: 'exclude', pattern: 'a*' },
    ]);
  });
  it('stops at --', () => {
    expect(filtersOf(['--', '--exclude', 'x'])).toEqual([]);
  });
});

describe('createBulkProgress', () => {
  it('draws files, bytes and rate on a TTY', async () => {
    const io = memoryIo({ stderrTTY: true });
    const p = createBulkProgress(
      new Output(io, { json: false, quiet: false, colour: false }),
      'cp',
    );
    p.tree({ objectsDone: 3, objectsTotal: 10, bytesDone: 1024, bytesTotal: 4096 });
    p.finish();
    await new Promise((r) => setImmediate(r));
    expect(io.err()).toMatch(/cp 3\/10 files \[#*\.*\]\s+25% 1\.00 KiB\/4\.00 KiB/);
  });
  it('draws nothing with --json', async () => {
    const io = memoryIo({ stderrTTY: true });
    const p = createBulkProgress(new Output(io, { json: true, quiet: false, colour: false }), 'cp');
    p.tree({ objectsDone: 1, objectsTotal: 1, bytesDone: 1, bytesTotal: 1 });
    await new Promise((r) => setImmediate(r));
    expect(io.err()).toBe('');
  });
});
