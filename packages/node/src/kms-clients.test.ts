import { KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { KmsClientPool } from './kms-clients.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const STOP = new Error('stop before the network');

let seen: { host: string; region: string } | undefined;

/** Lets a client build a request, records it, and stops before any I/O. */
function stopBeforeNetwork(k: KMSClient): void {
  k.middlewareStack.add(
    () => async (args) => {
      const r = args.request as { hostname: string };
      seen = { host: r.hostname, region: await k.config.region() };
      throw STOP;
    },
    // Before signing, so a client built with the default credential chain needs none.
    { step: 'build', priority: 'low', name: 'capture', override: true },
  );
}

/** Where a client (or the pool's router) would send a request, and the Region it is configured for. */
async function target(c: unknown): Promise<{ host: string; region: string }> {
  seen = undefined;
  await expect(
    (c as { send(x: unknown): Promise<unknown> }).send(new ListKeysCommand({})),
  ).rejects.toBe(STOP);
  return seen!;
}

describe('KMS client per key Region', () => {
  it('settings: each ARN Region gets its own client; kms.region is only the default', async () => {
    const pool = new KmsClientPool({ region: 'eu-west-1', credentials }, stopBeforeNetwork);
    expect(await target(pool.provider('us-east-2'))).toEqual({
      host: 'kms.us-east-2.amazonaws.com',
      region: 'us-east-2',
    });
    expect(await target(pool.provider('ap-south-1'))).toEqual({
      host: 'kms.ap-south-1.amazonaws.com',
      region: 'ap-south-1',
    });
    // A bare key id or alias (no Region in it) uses the configured Region.
    expect(await target(pool.provider(''))).toEqual({
      host: 'kms.eu-west-1.amazonaws.com',
      region: 'eu-west-1',
    });
    expect(pool.provider('us-east-2')).toBe(pool.provider('us-east-2'));
    expect([...pool.built.keys()].sort()).toEqual(['ap-south-1', 'eu-west-1', 'us-east-2']);
    pool.destroy();
    expect(pool.built.size).toBe(0);
  });
  it('an explicit endpoint serves every Region', async () => {
    const pool = new KmsClientPool(
      {
        endpoint: 'https://kms.internal.example:8443',
        region: 'eu-west-1',
        credentials,
      },
      stopBeforeNetwork,
    );
    const a = pool.provider('us-east-2');
    expect(pool.provider('ap-south-1')).toBe(a);
    expect((await target(a)).host).toBe('kms.internal.example');
    pool.destroy();
  });
  it('a KMSClient serves its own Region; other Regions get their own clients', async () => {
    const own = new KMSClient({ region: 'eu-west-1', credentials });
    stopBeforeNetwork(own);
    const pool = new KmsClientPool(own, stopBeforeNetwork);
    const same = pool.provider('eu-west-1') as { send(x: unknown): Promise<unknown> };
    let used = 0;
    own.middlewareStack.add(
      (next) => (args) => {
        used++;
        return next(args);
      },
      { step: 'initialize', name: 'count' },
    );
    await expect(target(own)).resolves.toMatchObject({ region: 'eu-west-1' });
    const before = used;
    await expect(same.send(new ListKeysCommand({}))).rejects.toBe(STOP);
    expect(used).toBe(before + 1);
    // Another Region: a client built for it (default credential chain: from the environment
    // here), stopped before the network.
    const saved = { ...process.env };
    process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
    let other: unknown;
    try {
      other = pool.provider('us-east-2');
      await expect(target(other)).resolves.toBeDefined();
    } finally {
      process.env = saved;
    }
    expect(seen).toEqual({
      host: 'kms.us-east-2.amazonaws.com',
      region: 'us-east-2',
    });
    expect(pool.built.get('us-east-2')).toBeInstanceOf(KMSClient);
    expect(used).toBe(before + 1);
    pool.destroy();
    own.destroy();
  });
});
