import { KeyUnwrapError, S3RequestError } from '@s3enc/core';
import { describe, expect, it } from 'vitest';
import { cliMessage } from './cli-wording.js';
import { explainCause } from './explain.js';
import type { RunFacts } from '../run-facts.js';

const facts: RunFacts = {
  region: { name: 'eu-west-1', source: 'AWS_REGION' },
  s3Endpoint: { url: 'https://127.0.0.1:9000', source: '--endpoint-url' },
  kmsEndpoint: { url: 'https://127.0.0.1:4000', source: 'profile dev endpoint_url' },
  kmsKeys: { ids: ['alias/app'], source: '--kms-key-id' },
  target: { bucket: 'b', key: 'k' },
};

const sys = (code: string, extra: object = {}) =>
  Object.assign(new Error(code), { code, ...extra });

describe('explainCause', () => {
  it('finds a refused connection in an AggregateError under the library error, and the endpoint by port', () => {
    const agg = Object.assign(
      new AggregateError([sys('ECONNREFUSED', { port: 4000, address: '127.0.0.1' })]),
      {
        code: 'ECONNREFUSED',
        $metadata: { attempts: 3 },
      },
    );
    const x = explainCause(
      new KeyUnwrapError('ERR_S3ENC_DATA_KEY_UNAVAILABLE', 'no data key', { cause: agg }),
      facts,
    );
    expect(x).toMatchObject({ code: 'ERR_S3ENC_CLI_CONNECTION_REFUSED', exitCode: 1 });
    expect(x!.message).toBe(
      'connection refused by KMS at https://127.0.0.1:4000 (from profile dev endpoint_url) after 3 attempts',
    );
    expect(x!.cause).toMatchObject({
      service: 'KMS',
      attempts: 3,
      endpointSource: 'profile dev endpoint_url',
    });
  });

  it('names the action and resource of an S3 403', () => {
    const sdk = Object.assign(new Error('Access Denied.'), {
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });
    const x = explainCause(
      new S3RequestError('ERR_S3ENC_ACCESS_DENIED', 'GetObject failed: AccessDenied (HTTP 403)', {
        cause: sdk,
        statusCode: 403,
      }),
      facts,
    );
    expect(x).toMatchObject({ code: 'ERR_S3ENC_ACCESS_DENIED', exitCode: 4 });
    expect(x!.message).toBe('access denied: s3:GetObject on arn:aws:s3:::b/k (GetObject)');
  });

  it('KMS: access denied names the key and where it came from', () => {
    const sdk = Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });
    const x = explainCause(
      new KeyUnwrapError('ERR_S3ENC_DATA_KEY_UNAVAILABLE', 'x', { cause: sdk }),
      facts,
    );
    expect(x).toMatchObject({ code: 'ERR_S3ENC_CLI_KMS_ACCESS_DENIED', exitCode: 4 });
    expect(x!.message).toContain('alias/app (from --kms-key-id)');
    expect(x!.hint).toMatch(/kms:GenerateDataKey/);
  });

  it('a timeout names the endpoint', () => {
    const x = explainCause(
      new S3RequestError('ERR_S3ENC_S3_REQUEST', 'HeadObject failed: TimeoutError', {
        cause: Object.assign(new Error('t'), { name: 'TimeoutError' }),
      }),
      facts,
    );
    expect(x).toMatchObject({ code: 'ERR_S3ENC_CLI_TIMEOUT' });
    expect(x!.message).toContain('S3 at https://127.0.0.1:9000 (from --endpoint-url)');
  });

  it('recognises nothing in an unrelated error', () => {
    expect(explainCause(new Error('bug'), facts)).toBeUndefined();
  });
});

describe('cliMessage', () => {
  it('drops the clauses that name library calls', () => {
    expect(
      cliMessage(
        'C',
        's3://b/k is under a legal hold and cannot be deleted: release it with putLegalHold({ legalHold: false }) first',
      ),
    ).toBe('s3://b/k is under a legal hold and cannot be deleted');
    expect(
      cliMessage(
        'C',
        'version v is under GOVERNANCE retention until X. Pass bypassGovernanceRetention: true (needs the s3:BypassGovernanceRetention permission) to delete it anyway',
      ),
    ).toBe('version v is under GOVERNANCE retention until X');
    expect(cliMessage('C', 'plain words stay')).toBe('plain words stay');
  });
});
