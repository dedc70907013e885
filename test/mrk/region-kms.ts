// A local-kms instance acting as one AWS Region, seeded with a multi-Region key (the same key
// material under the same mrk- id in every Region, as AWS replicates it), behind a TLS
// terminator with its own CA. Started by the multi-Region tests themselves: the kit's default
// servers are left as they are.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KMSClient, ListAliasesCommand } from '@aws-sdk/client-kms';
import type { KmsClientProvider } from '@s3enc/core';
import { Agent } from 'node:https';
import {
  LOCAL_ACCOUNT_ID,
  localKmsBinary,
  startTlsProxy,
  type TestCerts,
  type TlsProxy,
} from '@s3enc/testing';
import { freePort } from '../../packages/testing/src/probes.js';

/** The multi-Region key every Region holds (test-only key material). */
export const MRK_ID = 'mrk-5f0c1d2e3a4b4c5d8e9f0a1b2c3d4e5f';
const MRK_BACKING_KEY = '6a1f0e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeef';
/** A single-Region key, only in the Region that seeds it. */
export const LOCAL_ONLY_ID = '7c2e4a6b-8d0f-4e1a-9b3c-5d7e9f1a3b04';

export const mrkArn = (region: string) => `arn:aws:kms:${region}:${LOCAL_ACCOUNT_ID}:key/${MRK_ID}`;
export const localOnlyArn = (region: string) =>
  `arn:aws:kms:${region}:${LOCAL_ACCOUNT_ID}:key/${LOCAL_ONLY_ID}`;

export interface RegionKms {
  readonly region: string;
  readonly endpoint: string;
  /** A KMS client of this Region (https, trusting the instance's CA). */
  client(): KMSClient;
  /** Stops local-kms and its terminator: the Region becomes unreachable. */
  stop(): Promise<void>;
}

function seed(localOnlyBackingKey: string): string {
  return (
    'Keys:\n  Symmetric:\n    Aes:\n' +
    `      - Metadata:\n          KeyId: ${MRK_ID}\n          Description: s3enc multi-Region test key\n` +
    `        BackingKeys:\n          - ${MRK_BACKING_KEY}\n` +
    `      - Metadata:\n          KeyId: ${LOCAL_ONLY_ID}\n          Description: s3enc single-Region test key\n` +
    `        BackingKeys:\n          - ${localOnlyBackingKey}\n`
  );
}

/** Starts local-kms as `region` under `dir`; rejects when it does not answer within ~20 s. */
export async function startRegionKms(
  region: string,
  certs: TestCerts,
  dir: string,
  localOnlyBackingKey: string,
): Promise<RegionKms> {
  const home = join(dir, region);
  mkdirSync(join(home, 'data'), { recursive: true });
  writeFileSync(join(home, 'seed.yaml'), seed(localOnlyBackingKey));
  const port = await freePort();
  // Its log (never secrets: local-kms logs key ids) beside the seed, for a failed start.
  const log = openSync(join(home, 'local-kms.log'), 'a');
  const child: ChildProcess = spawn(localKmsBinary(), [], {
    env: {
      PATH: process.env.PATH,
      HOME: home,
      PORT: String(port),
      KMS_SEED_PATH: join(home, 'seed.yaml'),
      KMS_DATA_PATH: join(home, 'data'),
      KMS_REGION: region,
      KMS_ACCOUNT_ID: LOCAL_ACCOUNT_ID,
    },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  let proxy: TlsProxy | undefined;
  const agent = new Agent({ ca: certs.ca, keepAlive: true });
  const clients: KMSClient[] = [];
  const make = () => {
    const c = new KMSClient({
      endpoint: `https://127.0.0.1:${proxy!.port}`,
      region,
      credentials: { accessKeyId: 'AKIAS3ENCLOCALKMS000', secretAccessKey: 'unused' },
      requestHandler: { httpsAgent: agent },
      maxAttempts: 1,
    });
    clients.push(c);
    return c;
  };
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= halt());
  const halt = async () => {
    for (const c of clients) c.destroy();
    agent.destroy();
    await proxy?.close();
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  };
  try {
    proxy = await startTlsProxy({ cert: certs.cert, key: certs.key, targetPort: port });
    const probe = make();
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`local-kms (${region}) exited at start`);
      try {
        await probe.send(new ListAliasesCommand({}));
        break;
      } catch (err) {
        if (i >= 200) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { region, endpoint: `https://127.0.0.1:${proxy.port}`, client: make, stop };
}

/**
 * A KMS client provider over these Regions, one client per Region made on first use; every
 * Region asked is pushed to `asked`, so a test can prove which Regions were called.
 */
export function regionKmsProvider(
  regions: Record<string, RegionKms>,
  asked: string[] = [],
): KmsClientProvider {
  const made = new Map<string, KMSClient>();
  return (region) => {
    asked.push(region);
    const r = regions[region];
    if (r === undefined) return false;
    let c = made.get(region);
    if (c === undefined) made.set(region, (c = r.client()));
    return c;
  };
}
