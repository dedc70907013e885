import { describe, expect, it } from 'vitest';
import { cliEnvironment, encryptedClientOptions } from './client-config.js';
import { runtimeChoice } from './start.js';
import type { TestEnv } from './types.js';

const env: TestEnv = {
  s3: {
    endpoint: 'https://127.0.0.1:9000',
    region: 'us-east-1',
    credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' },
    forcePathStyle: true,
  },
  kms: {
    endpoint: 'https://127.0.0.1:9443',
    region: 'us-east-1',
    credentials: { accessKeyId: 'KAK', secretAccessKey: 'KSK' },
  },
  ca: '-----BEGIN CERTIFICATE-----\n...',
  caPath: '/tmp/run/ca.crt',
  kmsKeys: {
    primary: { keyId: 'k1', arn: 'arn:aws:kms:us-east-1:111122223333:key/k1', alias: 'alias/a' },
    secondary: { keyId: 'k2', arn: 'arn:aws:kms:us-east-1:111122223333:key/k2', alias: 'alias/b' },
  },
  external: false,
  runtime: 'process',
};

describe('encryptedClientOptions', () => {
  it('points S3 and KMS at the run, trusts its CA, wraps under the primary key', () => {
    const o = encryptedClientOptions(env);
    expect(o.kmsKeyIds).toEqual([env.kmsKeys.primary.arn]);
    expect(o.s3).toMatchObject({ endpoint: env.s3.endpoint, ca: env.ca, forcePathStyle: true });
    expect(o.kms).toMatchObject({ endpoint: env.kms.endpoint, ca: env.ca });
    expect(encryptedClientOptions(env, { kmsKeyIds: ['x'] }).kmsKeyIds).toEqual(['x']);
  });

  it('hands out copies of the credentials (the AWS SDK annotates what it is given)', () => {
    const o = encryptedClientOptions(env);
    const creds = (o.s3 as unknown as { credentials: Record<string, unknown> }).credentials;
    creds.$source = { annotated: true };
    expect(env.s3.credentials).toEqual({ accessKeyId: 'AK', secretAccessKey: 'SK' });
  });

  it('leaves the CA out when the run has none (system roots)', () => {
    const o = encryptedClientOptions({ ...env, ca: '', caPath: '' });
    expect((o.s3 as { ca?: unknown }).ca).toBeUndefined();
  });
});

describe('cliEnvironment', () => {
  it('sets the standard AWS variables and S3ENC_KMS_KEY_ID', () => {
    expect(cliEnvironment(env)).toEqual({
      AWS_ACCESS_KEY_ID: 'AK',
      AWS_SECRET_ACCESS_KEY: 'SK',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_S3: env.s3.endpoint,
      AWS_ENDPOINT_URL_KMS: env.kms.endpoint,
      AWS_CA_BUNDLE: env.caPath,
      S3ENC_KMS_KEY_ID: env.kmsKeys.primary.arn,
    });
  });

  it('adds the session token when there is one, and no CA bundle without a CA file', () => {
    const out = cliEnvironment({
      ...env,
      caPath: '',
      s3: { ...env.s3, credentials: { ...env.s3.credentials, sessionToken: 'T' } },
    });
    expect(out.AWS_SESSION_TOKEN).toBe('T');
    expect(out).not.toHaveProperty('AWS_CA_BUNDLE');
  });
});

describe('runtimeChoice', () => {
  it('takes the option, else S3ENC_TEST_RUNTIME, else auto; refuses anything else', () => {
    const saved = process.env.S3ENC_TEST_RUNTIME;
    try {
      delete process.env.S3ENC_TEST_RUNTIME;
      expect(runtimeChoice({})).toBe('auto');
      process.env.S3ENC_TEST_RUNTIME = 'container';
      expect(runtimeChoice({})).toBe('container');
      expect(runtimeChoice({ runtime: 'process' })).toBe('process');
      process.env.S3ENC_TEST_RUNTIME = 'docker';
      expect(() => runtimeChoice({})).toThrow(/process, container or auto, got docker/);
    } finally {
      if (saved === undefined) delete process.env.S3ENC_TEST_RUNTIME;
      else process.env.S3ENC_TEST_RUNTIME = saved;
    }
  });
});
