// The requests a tree download makes, counted at a recording proxy in front of MinIO (TLS):
// into an empty directory, one GET per small object and no HeadObject (the GET's own answer
// carries the recorded modification time, which the file gets); a rerun (`sync`) compares, so
// it asks HeadObject per object and GETs nothing.
import { mkdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
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
useCliFixture({ prefix: 's3enc-dl-requests' }, (f) => {
  ({ bucket, dir } = f);
});
beforeAll(async () => {
  proxy = await startFaultProxy({ upstream: env.s3.endpoint, upstreamCa: env.ca });
  viaProxy = cliEnv(env, {
    AWS_ENDPOINT_URL_S3: proxy.endpoint,
    AWS_CA_BUNDLE: tempFile('ca.pem', `${env.ca}\n${proxy.ca}\n`),
  });
});
afterAll(async () => {
  await proxy.close();
});

const FILES = 12;
const MTIME_S = 1_700_000_000;

function count(method: string, under: string): number {
  return proxy.requests.filter(
    (r) => r.method === method && decodeURIComponent(r.url).includes(`/${under}/`),
  ).length;
}

describe('cp --recursive prefix → directory', () => {
  it('makes one GET per object and no HeadObject into an empty directory, and keeps the times', async () => {
    const src = join(dir, 'src');
    mkdirSync(src, { recursive: true });
    for (let i = 0; i < FILES; i++) {
      const p = join(src, `f${i}.txt`);
      writeFileSync(p, `file ${i} `.repeat(100 * (i + 1)));
      utimesSync(p, MTIME_S + i, MTIME_S + i);
    }
    const up = await runCli(['cp', '--recursive', src, `s3://${bucket.name}/tree`], {
      env: viaProxy,
    });
    expect(up.code, up.stderr).toBe(0);

    proxy.setFaults([]); // clears the record
    const out = join(dir, 'out');
    const down = await runCli(['cp', '--recursive', `s3://${bucket.name}/tree`, out], {
      env: viaProxy,
    });
    expect(down.code, down.stderr).toBe(0);
    expect(count('HEAD', 'tree')).toBe(0);
    expect(count('GET', 'tree')).toBe(FILES);
    for (let i = 0; i < FILES; i++) {
      expect(Math.round(statSync(join(out, `f${i}.txt`)).mtimeMs / 1000)).toBe(MTIME_S + i);
    }

    proxy.setFaults([]);
    const again = await runCli(['sync', `s3://${bucket.name}/tree`, out], { env: viaProxy });
    expect(again.code, again.stderr).toBe(0);
    expect(count('HEAD', 'tree')).toBe(FILES);
    expect(count('GET', 'tree')).toBe(0);
  });
});
