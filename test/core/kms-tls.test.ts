/**
 * Core's KMS keyrings built from a client config verify the KMS certificate whatever
 * NODE_TLS_REJECT_UNAUTHORIZED says (issue #13, finding 5). Run in a child process, where
 * the variable is set, against local-kms over TLS whose CA the child does not trust.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { beginEncryption, kmsKeyring } from '@s3enc/core';
import { getTestEnv, makeKmsClient } from '../harness/env.js';

const run = promisify(execFile);
const child = join(import.meta.dirname, 'fixtures', 'kms-untrusted-child.mjs');

interface Outcome {
  plain: string;
  encrypt: 'ok' | { code: string; causes: string[] };
  decrypt: 'ok' | { code: string; causes: string[] };
}

describe('KMS keyrings from a client config under NODE_TLS_REJECT_UNAUTHORIZED=0', () => {
  const env = getTestEnv();
  const { primary } = env.kmsKeys;
  const [, partition, , , account] = primary.arn.split(':') as [
    string,
    string,
    string,
    string,
    string,
  ];

  async function message(): Promise<string> {
    const client = makeKmsClient(env);
    const s = await beginEncryption({
      keyring: kmsKeyring({ generatorKeyId: primary.arn, clientProvider: () => client }),
    });
    try {
      return Buffer.concat([s.header, s.sealFrames(1, Buffer.from('x'), true)]).toString('base64');
    } finally {
      s.destroy();
      client.destroy();
    }
  }

  async function inChild(trustCa: boolean): Promise<Outcome> {
    const o = {
      endpoint: env.kms.endpoint,
      region: env.kms.region,
      credentials: env.kms.credentials,
      arn: primary.arn,
      account,
      partition,
      message: await message(),
      ...(trustCa ? { ca: env.ca } : {}),
    };
    const { stdout } = await run(process.execPath, [child], {
      env: {
        ...process.env,
        NODE_TLS_REJECT_UNAUTHORIZED: '0',
        NODE_NO_WARNINGS: '1',
        S3ENC_KMS_TLS_CASE: JSON.stringify(o),
      },
      cwd: import.meta.dirname,
      timeout: 60_000,
    });
    return JSON.parse(stdout) as Outcome;
  }

  it('refuses a KMS endpoint whose certificate is not trusted', async () => {
    const r = await inChild(false);
    // The variable is in force in the child: a plain request with no agent of ours connects.
    expect(r.plain).toBe('connected');
    for (const outcome of [r.encrypt, r.decrypt]) {
      expect(outcome).not.toBe('ok');
      const { code, causes } = outcome as { code: string; causes: string[] };
      expect(code).toMatch(/^ERR_S3ENC_(DATA_KEY_UNAVAILABLE|NO_DATA_KEY)$/);
      // The cause is the certificate check (a code or, from @aws-crypto's aggregate, its text).
      expect(causes.join(' ')).toMatch(
        /CERT|UNABLE_TO_VERIFY|SELF_SIGNED|self[- ]signed|certificate/i,
      );
    }
  });

  it.skipIf(env.ca === '')(
    'still works when the config trusts the CA (the agent keeps `ca`)',
    async () => {
      const r = await inChild(true);
      expect(r.encrypt).toBe('ok');
      expect(r.decrypt).toBe('ok');
    },
  );
});
