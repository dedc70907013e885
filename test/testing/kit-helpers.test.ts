// The parts of @s3enc/testing users call from their tests, against this run's servers (which
// the kit itself started: test/harness/servers.ts goes through it).
import { randomBytes } from 'node:crypto';
import { GetBucketVersioningCommand, GetObjectLockConfigurationCommand } from '@aws-sdk/client-s3';
import {
  cliEnvironment,
  createTestBucket,
  encryptedClientOptions,
  kitS3Client,
  testEnv,
  type TestBucket,
} from '@s3enc/testing';
import { EncryptedS3Client } from '@s3enc/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTestEnv } from '../harness/env.js';
import { ensureCliBuilt, runCli } from '../cli/cli-helpers.js';

const env = getTestEnv();
let vault: TestBucket;
beforeAll(async () => {
  vault = await createTestBucket(env, { objectLock: true, prefix: 'kit-vault' });
});
afterAll(async () => {
  await vault.cleanup();
});

describe('@s3enc/testing helpers', () => {
  it('testEnv() reads the environment the globalSetup published', () => {
    expect(testEnv()).toEqual(env);
    expect(env.runtime).toMatch(/^(process|container|external)$/);
  });

  it('createTestBucket({ objectLock: true }) makes a versioned, Object-Lock-enabled bucket', async () => {
    const s3 = kitS3Client(env);
    try {
      const lock = await s3.send(new GetObjectLockConfigurationCommand({ Bucket: vault.name }));
      expect(lock.ObjectLockConfiguration?.ObjectLockEnabled).toBe('Enabled');
      const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket: vault.name }));
      expect(versioning.Status).toBe('Enabled');
    } finally {
      s3.destroy();
    }
  });

  it('encryptedClientOptions() gives a client that puts and gets under the primary key', async () => {
    const client = new EncryptedS3Client(encryptedClientOptions(env));
    const plaintext = randomBytes(70_000);
    const put = await client.put(vault.name, 'kit/one', plaintext);
    expect(put.keyIds).toEqual([env.kmsKeys.primary.arn]);
    expect(put.versionId).toBeTruthy();
    const got = await client.get(vault.name, 'kit/one');
    expect((await got.bytes()).equals(plaintext)).toBe(true);
  });

  it('cliEnvironment() points the built CLI at the same servers and key', async () => {
    ensureCliBuilt();
    const plaintext = randomBytes(5_000);
    const client = new EncryptedS3Client(encryptedClientOptions(env));
    await client.put(vault.name, 'kit/for-cli', plaintext);
    const cli = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      AWS_CONFIG_FILE: '/nonexistent/s3enc-test-config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/s3enc-test-credentials',
      NO_COLOR: '1',
      ...cliEnvironment(env),
    };
    const r = await runCli(['get', `s3://${vault.name}/kit/for-cli`, '-'], { env: cli });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.equals(plaintext)).toBe(true);
  });
});
