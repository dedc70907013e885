import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getToNewFile } from './new-file.js';

const root = mkdtempSync(join(tmpdir(), 's3enc-new-file-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('getToNewFile', () => {
  it('gives the downloaded file the target name and leaves nothing else', async () => {
    const dir = mkdtempSync(join(root, 'ok-'));
    const target = join(dir, 'out');
    const r = await getToNewFile(target, (tmp) => {
      writeFileSync(tmp, 'data');
      return Promise.resolve(42);
    });
    expect(r).toBe(42);
    expect(readFileSync(target, 'utf8')).toBe('data');
    expect(readdirSync(dir)).toEqual(['out']);
  });
  it('never replaces a file that appeared meanwhile', async () => {
    const dir = mkdtempSync(join(root, 'race-'));
    const target = join(dir, 'out');
    const err = await getToNewFile(target, (tmp) => {
      writeFileSync(tmp, 'ours');
      writeFileSync(target, 'theirs');
      return Promise.resolve(0);
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_S3ENC_CLI_FILE_EXISTS' });
    expect(readFileSync(target, 'utf8')).toBe('theirs');
    expect(readdirSync(dir)).toEqual(['out']);
  });
  it('a failed download leaves no file', async () => {
    const dir = mkdtempSync(join(root, 'fail-'));
    await expect(
      getToNewFile(join(dir, 'out'), (tmp) => {
        writeFileSync(tmp, 'half');
        return Promise.reject(new Error('tag mismatch'));
      }),
    ).rejects.toThrow('tag mismatch');
    expect(readdirSync(dir)).toEqual([]);
  });
});
