// Two Regions for the replication tests: a local-kms per Region (the same multi-Region key in
// each) and two MinIO servers with bucket replication from the first Region's bucket to the
// second's. One temporary directory holds the CA and the servers' data; stop() ends it all.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCerts } from '@s3enc/testing';
import { getTestEnv, type TestBucket } from '../harness/env.js';
import { startMinioPair, type MinioPair } from '../harness/minio-replication.js';
import { startRegionKms, type RegionKms } from './region-kms.js';

export const EAST = 'us-east-1';
export const WEST = 'us-west-2';

export interface TwoRegions {
  readonly east: RegionKms;
  readonly west: RegionKms;
  readonly pair: MinioPair;
  /** The replicated bucket (us-east-1) and its destination (us-west-2). */
  readonly source: TestBucket;
  readonly replica: TestBucket;
  /** The replication target's ARN MinIO returned. */
  readonly arn: string;
  stop(): Promise<void>;
}

/** Starts both Regions and the replication rule; on failure, stops what it started. */
export async function startTwoRegions(
  prefix: string,
  sourceName: string,
  replicaName: string,
): Promise<TwoRegions> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const started: { stop(): Promise<void> }[] = [];
  const stop = async () => {
    for (const s of started.reverse()) await s.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const certs = await makeCerts(dir);
    const [east, west] = await Promise.all([
      startRegionKms(EAST, certs, dir, randomBytes(32).toString('hex')),
      startRegionKms(WEST, certs, dir, randomBytes(32).toString('hex')),
    ]);
    started.push(east, west);
    const pair = await startMinioPair(certs, getTestEnv(), EAST, WEST);
    started.push(pair);
    const source = await pair.a.bucket(sourceName);
    const replica = await pair.b.bucket(replicaName);
    const arn = await pair.replicate(source.name, replica.name);
    return { east, west, pair, source, replica, arn, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
