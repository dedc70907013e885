// `--data-key-cache-*` of cp --recursive through the built CLI, against MinIO + local-kms over
// TLS with a recording proxy in front of KMS (its requests counted by X-Amz-Target): off unless
// asked; with it, one GenerateDataKey for a tree uploaded and one Decrypt for the tree
// downloaded; the summary reports the reuse; a cache limit without a max age is a usage error.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTestEnv } from '../harness/env.js';
import { startFaultProxy, type FaultProxy } from '../harness/fault-proxy.js';
import { tempFile } from '../peers/peers.js';
import { cliEnv, runCli, useCliFixture } from '../cli/cli-helpers.js';
import type { TestBucket } from '../harness/env.js';

const env = getTestEnv();
let bucket: TestBucket;
let dir: string;
let proxy: FaultProxy;
let viaProxy: Record<string, string>;
useCliFixture({ prefix: 's3enc-dk-cache' }, (f) => {
  ({ bucket, dir } = f);
});
beforeAll(async () => {
  proxy = await startFaultProxy({ upstream: env.kms.endpoint, upstreamCa: env.ca });
  viaProxy = cliEnv(env, {
    AWS_ENDPOINT_URL_KMS: proxy.endpoint,
    AWS_CA_BUNDLE: tempFile('ca.pem', `${env.ca}\n${proxy.ca}\n`),
  });
});
afterAll(async () => {
  await proxy.close();
});

const FILES = 30;

function calls(target: string): number {
  return proxy.requests.filter((r) => r.target === `TrentService.${target}`).length;
}

function summaryOf(out: string): Record<string, unknown> {
  const last = out.trim().split('\n').at(-1)!;
  return JSON.parse(last) as Record<string, unknown>;
}

describe('cp --recursive --data-key-cache-max-age', () => {
  it('off by default: one GenerateDataKey per file; on: one for the tree, and one Decrypt back', async () => {
    const src = join(dir, 'src');
    mkdirSync(src, { recursive: true });
    for (let i = 0; i < FILES; i++)
      writeFileSync(join(src, `f${i}.txt`), `file ${i} `.repeat(i + 1));

    proxy.setFaults([]);
    const plain = await runCli(['cp', '--recursive', src, `s3://${bucket.name}/off`, '--json'], {
      env: viaProxy,
    });
    expect(plain.code, plain.stderr).toBe(0);
    expect(calls('GenerateDataKey')).toBe(FILES);
    expect(summaryOf(plain.out)).not.toHaveProperty('dataKeyCache');

    proxy.setFaults([]);
    const cached = await runCli(
      [
        'cp',
        '--recursive',
        src,
        `s3://${bucket.name}/on`,
        '--json',
        '--data-key-cache-max-age',
        '5m',
      ],
      { env: viaProxy },
    );
    expect(cached.code, cached.stderr).toBe(0);
    expect(calls('GenerateDataKey')).toBe(1);
    expect(summaryOf(cached.out)).toMatchObject({
      done: FILES,
      dataKeyCache: { hits: FILES - 1, misses: 1 },
    });

    proxy.setFaults([]);
    const back = join(dir, 'back');
    const down = await runCli(
      ['cp', '--recursive', `s3://${bucket.name}/on`, back, '--data-key-cache-max-age', '60'],
      { env: viaProxy },
    );
    expect(down.code, down.stderr).toBe(0);
    expect(calls('Decrypt')).toBe(1);
    expect(down.stderr).toMatch(/data-key cache: 29 data keys reused, 1 made or unwrapped/);
    expect(readdirSync(back).sort()).toEqual(readdirSync(src).sort());
    for (const f of readdirSync(src)) {
      expect(readFileSync(join(back, f)).equals(readFileSync(join(src, f)))).toBe(true);
    }
  });

  it('--data-key-cache-max-messages bounds the files per data key', async () => {
    const src = join(dir, 'src');
    proxy.setFaults([]);
    const r = await runCli(
      [
        'sync',
        src,
        `s3://${bucket.name}/sync`,
        '--data-key-cache-max-age',
        '300',
        '--data-key-cache-max-messages',
        '10',
      ],
      { env: viaProxy },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(calls('GenerateDataKey')).toBe(3);
  });

  it('a cache limit without --data-key-cache-max-age, or a bad duration, is a usage error', async () => {
    const src = join(dir, 'src');
    const a = await runCli(
      ['cp', '--recursive', src, `s3://${bucket.name}/x`, '--data-key-cache-max-messages', '5'],
      { env: viaProxy },
    );
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--data-key-cache-max-messages needs --data-key-cache-max-age/);
    const b = await runCli(
      ['cp', '--recursive', src, `s3://${bucket.name}/x`, '--data-key-cache-max-age', '5 days'],
      { env: viaProxy },
    );
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--data-key-cache-max-age expects a duration/);
    const c = await runCli(
      ['cp', '--recursive', src, `s3://${bucket.name}/x`, '--data-key-cache-max-age', '25h'],
      { env: viaProxy },
    );
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/maxAgeMs must be an integer in 1\.\.86400000/);
  });
});
