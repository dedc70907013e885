import {
  AbortError,
  FormatError,
  InsecureTransportError,
  IntegrityError,
  InvalidArgumentError,
  KeyUnwrapError,
  S3EncError,
  S3RequestError,
} from '@s3enc/core';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { LocalFileError, UsageError } from './cli-errors.js';
import { ExitCode } from './exit-codes.js';
import { reportFor } from './error-report.js';
import { requireRegion } from './region-required.js';

describe('reportFor maps every family to its documented exit code', () => {
  const cases: Array<[string, unknown, number]> = [
    ['usage', new UsageError('missing argument'), 2],
    ['invalid argument', new InvalidArgumentError('bad frame size'), 2],
    ['insecure transport', new InsecureTransportError('http:// refused'), 2],
    ['tag mismatch', new IntegrityError('ERR_S3ENC_TAG_MISMATCH', 'authentication failed'), 3],
    ['truncation', new IntegrityError('ERR_S3ENC_TRUNCATED', 'authentication failed'), 3],
    ['malformed header', new FormatError('ERR_S3ENC_BAD_HEADER', 'not a message'), 3],
    ['context mismatch', new KeyUnwrapError('ERR_S3ENC_CONTEXT_MISMATCH', 'context differs'), 3],
    ['no matching key', new KeyUnwrapError('ERR_S3ENC_NO_DATA_KEY', 'no key'), 4],
    ['kms denied', new KeyUnwrapError('ERR_S3ENC_DATA_KEY_UNAVAILABLE', 'denied'), 4],
    ['s3 403', new S3RequestError('ERR_S3ENC_S3_REQUEST', 'forbidden', { statusCode: 403 }), 4],
    ['s3 404', new S3RequestError('ERR_S3ENC_NO_SUCH_KEY', 'missing', { statusCode: 404 }), 1],
    ['s3 500', new S3RequestError('ERR_S3ENC_S3_REQUEST', 'boom', { statusCode: 500 }), 1],
    ['file exists', new LocalFileError('ERR_S3ENC_CLI_FILE_EXISTS', 'exists'), 1],
    ['other S3EncError', new S3EncError('ERR_S3ENC_SOURCE_FAILED', 'x'), 1],
    ['aborted', new AbortError(), 130],
    ['plain error', new Error('bug'), 1],
    ['non-error', 'a string', 1],
  ];
  for (const [name, err, code] of cases) {
    it(`${name} -> ${code}`, () => {
      expect(reportFor(err).exitCode).toBe(code);
    });
  }

  it('finds an AWS access error anywhere in the cause chain', () => {
    const kms = Object.assign(new Error('User is not authorized to perform kms:Decrypt'), {
      name: 'AccessDeniedException',
    });
    const wrapped = new S3EncError('ERR_S3ENC_WRITE_FAILED', 'wrapped', { cause: kms });
    expect(reportFor(wrapped).exitCode).toBe(ExitCode.ACCESS);
    const s3 = Object.assign(new Error('Access Denied'), {
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });
    // The same code as the library gives a 403, whoever raised it.
    expect(reportFor(s3)).toMatchObject({ exitCode: 4, code: 'ERR_S3ENC_ACCESS_DENIED' });
    const cred = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    expect(reportFor(cred).hint).toMatch(/credentials/i);
  });

  it('keeps the S3EncError code and gives a hint that says what to do', () => {
    const r = reportFor(
      new IntegrityError('ERR_S3ENC_TAG_MISMATCH', 'authentication failed\nsecond line'),
    );
    expect(r).toMatchObject({ code: 'ERR_S3ENC_TAG_MISMATCH', message: 'authentication failed' });
    expect(r.hint).toMatch(/modified or truncated/);
    expect(reportFor(new KeyUnwrapError('ERR_S3ENC_NO_DATA_KEY', 'x')).hint).toMatch(
      /--kms-key-id|--key-file/,
    );
  });

  it('a missing Region, however wrapped, is a usage error with a hint', async () => {
    // A real client without a Region: the SDK fails to resolve it on the first request.
    const saved = { ...process.env };
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    delete process.env.AWS_PROFILE;
    process.env.AWS_CONFIG_FILE = '/nonexistent/s3enc-test-config';
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/s3enc-test-credentials';
    try {
      const s3 = requireRegion(
        new S3Client({
          endpoint: 'https://127.0.0.1:9',
          credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
        }),
      );
      const err: unknown = await s3
        .send(new HeadObjectCommand({ Bucket: 'b', Key: 'k' }))
        .catch((e: unknown) => e);
      const wrapped = new S3RequestError('ERR_S3ENC_S3_REQUEST', 'GetObject failed: Error', {
        cause: err,
      });
      for (const e of [err, wrapped]) {
        expect(reportFor(e)).toMatchObject({ exitCode: 2, message: 'no AWS Region configured' });
        expect(reportFor(e).hint).toMatch(/--region/);
      }
      expect(reportFor(err).code).toBe('ERR_S3ENC_CLI_NO_REGION');
      // The message text alone no longer decides anything.
      expect(reportFor(new Error('Region is missing')).exitCode).toBe(1);
    } finally {
      process.env = saved;
    }
  });

  it('classifies by the registry: the exit class of a code, whatever its message says', () => {
    expect(reportFor(new FormatError('ERR_S3ENC_SIGNED_MESSAGE', 'x')).exitCode).toBe(2);
    expect(reportFor(new S3RequestError('ERR_S3ENC_ACCESS_DENIED', 'x')).exitCode).toBe(4);
    expect(
      reportFor(new S3RequestError('ERR_S3ENC_NO_SUCH_VERSION', 'x', { statusCode: 404 })),
    ).toMatchObject({ exitCode: 1, hint: expect.stringMatching(/--version-id/) });
    expect(
      reportFor(new InvalidArgumentError('x', { code: 'ERR_S3ENC_TOO_MANY_DATA_KEYS' })).exitCode,
    ).toBe(2);
    expect(reportFor(new FormatError('ERR_S3ENC_TOO_MANY_DATA_KEYS', 'x')).exitCode).toBe(3);
  });

  it('reports Node system errors by their code', () => {
    const e = Object.assign(new Error("ENOENT: no such file or directory, open 'x'"), {
      code: 'ENOENT',
    });
    expect(reportFor(e)).toMatchObject({ exitCode: 1, code: 'ENOENT' });
  });
});

describe('a failed download names the file asked for', () => {
  it('never the temporary name, however wrapped', () => {
    for (const tmp of ['.out.bin.s3enc-0a1b2c3d4e5f.tmp', '.out.bin.s3enc-0a1b2c3d4e5f.new']) {
      const sys = Object.assign(new Error(`EACCES: permission denied, open '/data/${tmp}'`), {
        code: 'EACCES',
        path: `/data/${tmp}`,
      });
      const r = reportFor(new S3EncError('ERR_S3ENC_WRITE_FAILED', 'write failed', { cause: sys }));
      expect(r).toMatchObject({ code: 'ERR_S3ENC_CLI_FILE', exitCode: 1 });
      expect(r.message).toBe('cannot write /data/out.bin: permission denied (in /data/)');
    }
  });
});
