// Shared helpers of the transfer benchmarks. Run the benchmarks with
//   npx tsx --tsconfig bench/transfer-tsconfig.json bench/transfer-<name>.ts
// (the tsconfig maps @s3enc/* to the sources, so no build is needed).
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { Agent as HttpsAgent } from 'node:https';
import { S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
import { rawAesKeyring } from '@s3enc/core';
import type { TestEnv } from '../test/harness/types.js';

export const MiB = 1024 * 1024;

export const keyring = () =>
  rawAesKeyring({ key: Buffer.alloc(32, 9), keyName: 'bench', keyNamespace: 's3enc-bench' });

/** The S3 client a user has today: the SDK's default node:https handler, trusting the test CA. */
export function plainS3(env: TestEnv): S3Client {
  return new S3Client({
    endpoint: env.s3.endpoint,
    region: env.s3.region,
    credentials: env.s3.credentials,
    forcePathStyle: env.s3.forcePathStyle,
    requestHandler: { httpsAgent: new HttpsAgent({ keepAlive: true, ca: env.ca, maxSockets: 16 }) },
  });
}

export function s3Settings(env: TestEnv) {
  return {
    endpoint: env.s3.endpoint,
    region: env.s3.region,
    credentials: env.s3.credentials,
    forcePathStyle: env.s3.forcePathStyle,
    ca: env.ca,
  };
}

export async function makeBucket(s3: S3Client, name: string): Promise<string> {
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  return name;
}

/** Writes `size` random bytes to `path` in 8 MiB blocks (bounded memory). */
export async function writeRandomFile(path: string, size: number): Promise<void> {
  const out = createWriteStream(path);
  const block = randomBytes(8 * MiB);
  for (let off = 0; off < size; off += block.length) {
    if (!out.write(block.subarray(0, Math.min(block.length, size - off)))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Consumes a stream, returning the byte count. */
export async function drain(stream: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const c of stream) n += (c as Uint8Array).length;
  return n;
}
