// The shared frame of the s3ec-read-*.test.ts files: one bucket per file, fresh keys, and one
// test per case in which the peer writes the case's objects and s3enc reads them.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createTestBucket, getTestEnv, type TestBucket } from '../harness/env.js';
import { makeKeys, writeWithPeerReadWithS3enc, type MatrixCase } from './s3ec-matrix.js';

/**
 * Registers the suite `title`: a bucket named from `prefix`, and a test per case.
 * @param cases what each peer writes and what s3enc must read back.
 */
export function describePeerWritesS3encReads(
  title: string,
  prefix: string,
  cases: readonly MatrixCase[],
): void {
  const env = getTestEnv();
  const keys = makeKeys();
  let bucket: TestBucket;

  beforeAll(async () => {
    bucket = await createTestBucket(env, { prefix });
  });
  afterAll(async () => {
    await bucket.cleanup();
  });

  describe(title, () => {
    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      await writeWithPeerReadWithS3enc(env, keys, bucket.name, c);
    });
  });
}
