// The result codes Batch Operations acts on: retry only what a retry can fix.
import { describe, expect, it } from 'vitest';
import { failureResult } from '../src/result-codes.js';

const sdkError = (name: string, status: number) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

describe('failureResult', () => {
  it.each([
    ['SlowDown', 503],
    ['InternalError', 500],
    ['ThrottlingException', 400],
    ['TooManyRequestsException', 429],
  ])('%s (HTTP %i) is a TemporaryFailure', (name, status) => {
    expect(failureResult(sdkError(name, status)).resultCode).toBe('TemporaryFailure');
  });

  it('a transient cause under an s3enc error is temporary too', () => {
    const e = Object.assign(new Error('PutObject failed'), {
      code: 'ERR_S3ENC_S3_REQUEST',
      cause: sdkError('SlowDown', 503),
    });
    expect(failureResult(e).resultCode).toBe('TemporaryFailure');
  });

  it.each([
    ['ERR_S3ENC_NO_DATA_KEY', /DECRYPT_KMS_KEY_ARNS/],
    ['ERR_S3ENC_ACCESS_DENIED', /permissions listed in template.yaml/],
    ['ERR_S3ENC_REWRAP_OBJECT_LOCK', /s3:GetObjectRetention/],
    ['ERR_S3ENC_TAG_MISMATCH', /ERR_S3ENC_TAG_MISMATCH: Message authentication failed/],
  ])('%s is a PermanentFailure that says what to do', (code, advice) => {
    const e = Object.assign(new Error('Message authentication failed'), { code, statusCode: 403 });
    const r = failureResult(e);
    expect(r.resultCode).toBe('PermanentFailure');
    expect(r.resultString).toMatch(advice);
  });
});
