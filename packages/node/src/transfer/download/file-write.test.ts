import { describe, expect, it } from 'vitest';
import { S3EncError } from '@s3enc/core';
import { writeAllAt } from './file-write.js';

/** A file handle that accepts at most `max` bytes per writev, as a short write would. */
function shortWriter(max: number) {
  const file = Buffer.alloc(64, 0x2e);
  const calls: number[] = [];
  return {
    file,
    calls,
    fh: {
      writev(buffers: readonly NodeJS.ArrayBufferView[], position?: number | null) {
        let n = 0;
        let at = position ?? 0;
        for (const b of buffers) {
          const bytes = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
          const take = Math.min(bytes.length, max - n);
          bytes.copy(file, at, 0, take);
          at += take;
          n += take;
          if (n === max) break;
        }
        calls.push(n);
        return Promise.resolve({ bytesWritten: n, buffers: [...buffers] });
      },
    },
  };
}

describe('writeAllAt', () => {
  it('finishes what short writes leave, piece boundaries included', async () => {
    const w = shortWriter(5);
    const parts = [Buffer.from('abc'), Buffer.alloc(0), Buffer.from('defghij'), Buffer.from('k')];
    await writeAllAt(w.fh as never, parts, 10);
    expect(w.file.subarray(8, 24).toString()).toBe('..abcdefghijk...');
    expect(w.calls).toEqual([5, 5, 1]);
  });

  it('fails with a typed error when the file system takes nothing', async () => {
    const w = shortWriter(0);
    await expect(writeAllAt(w.fh as never, [Buffer.from('x')], 0)).rejects.toBeInstanceOf(
      S3EncError,
    );
  });
});
