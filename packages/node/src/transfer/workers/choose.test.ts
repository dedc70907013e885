import { describe, expect, it } from 'vitest';
import { IntegrityError, S3RequestError } from '@s3enc/core';
import { AUTO_MIN_BYTES, checkWorkersOption, workerCountFor } from './choose.js';
import { errorFromRecord, errorRecord } from './messages.js';

describe('choosing workers', () => {
  it("'auto' uses workers only for large transfers on 2+ cores; a number is taken as it is", () => {
    expect(workerCountFor('auto', AUTO_MIN_BYTES - 1, 8)).toBe(0);
    expect(workerCountFor('auto', AUTO_MIN_BYTES, 1)).toBe(0);
    expect(workerCountFor('auto', AUTO_MIN_BYTES, 2)).toBe(2);
    expect(workerCountFor('auto', AUTO_MIN_BYTES, 64)).toBe(4);
    expect(workerCountFor(3, 1, 1)).toBe(3);
    expect(workerCountFor(0, 2 ** 40, 64)).toBe(0);
  });
  it('refuses anything but auto or a small non-negative integer', () => {
    expect(checkWorkersOption(undefined)).toBeUndefined();
    expect(checkWorkersOption('auto')).toBe('auto');
    expect(checkWorkersOption(0)).toBe(0);
    for (const bad of [-1, 1.5, 'all', 10_000, null]) {
      expect(() => checkWorkersOption(bad)).toThrow(
        expect.objectContaining({ code: 'ERR_S3ENC_INVALID_ARGUMENT' }),
      );
    }
  });
});

describe('errors crossing threads', () => {
  it('keep their class, code and status; anything else becomes ERR_S3ENC_WORKER_FAILED', () => {
    const s3 = errorFromRecord(
      errorRecord(
        new S3RequestError('ERR_S3ENC_ACCESS_DENIED', 'UploadPart 3 failed', { statusCode: 403 }),
      ),
    );
    expect(s3).toBeInstanceOf(S3RequestError);
    expect(s3).toMatchObject({ code: 'ERR_S3ENC_ACCESS_DENIED', statusCode: 403 });
    const integrity = errorFromRecord(
      errorRecord(new IntegrityError('ERR_S3ENC_TAG_MISMATCH', 'Message authentication failed')),
    );
    expect(integrity).toBeInstanceOf(IntegrityError);
    expect(integrity.code).toBe('ERR_S3ENC_TAG_MISMATCH');
    const fsError = Object.assign(new Error('no space left'), { code: 'ENOSPC' });
    const other = errorFromRecord(errorRecord(fsError));
    expect(other.code).toBe('ERR_S3ENC_WORKER_FAILED');
    expect(other.message).toContain('no space left');
  });
});
