import { describe, expect, it } from 'vitest';
import { IntegrityError, InvalidArgumentError, S3EncError } from './errors.js';

describe('errors', () => {
  it('carries a stable code and brands instanceof by family', () => {
    const e = new IntegrityError('ERR_S3ENC_TAG_MISMATCH', 'authentication failed');
    expect(e.code).toBe('ERR_S3ENC_TAG_MISMATCH');
    expect(e).toBeInstanceOf(S3EncError);
    expect(e).toBeInstanceOf(IntegrityError);
    expect(e).toBeInstanceOf(Error);
    expect(e instanceof InvalidArgumentError).toBe(false);
    expect(e.name).toBe('IntegrityError');
  });

  it('recognises an error from a duplicate copy of the package by its brand', () => {
    const foreign = Object.create(null) as Record<symbol, boolean>;
    Object.defineProperty(foreign, Symbol.for('s3enc.error'), { value: true });
    Object.defineProperty(foreign, Symbol.for('s3enc.error.integrity'), { value: true });
    expect(foreign instanceof IntegrityError).toBe(true);
    expect(foreign instanceof InvalidArgumentError).toBe(false);
    expect({} instanceof S3EncError).toBe(false);
  });
});
