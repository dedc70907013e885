// The two hardened request handlers head to head: PutObject and GetObject of 8 MiB bodies,
// 4 in flight, alternating rounds so load changes hit both alike.
//   npx tsx --tsconfig bench/transfer-tsconfig.json bench/transfer-handlers.ts
import { randomBytes } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { buildS3ClientConfig, type HandlerKind } from '@s3enc/node';
import { startTestServers } from '../test/harness/env.js';
import { drain, makeBucket, MiB, plainS3, s3Settings } from './transfer-common.js';

const ROUNDS = Number(process.env.S3ENC_BENCH_ROUNDS ?? 4);
const N = 16; // objects per round
const BODY = randomBytes(8 * MiB);
const servers = await startTestServers();
try {
  const env = servers.env;
  const setup = plainS3(env);
  const bucket = await makeBucket(setup, `handlers-${Date.now().toString(36)}`);
  const kinds: HandlerKind[] = ['undici', 'node-https'];
  const clients = Object.fromEntries(
    kinds.map((k) => [
      k,
      new S3Client(buildS3ClientConfig({ ...s3Settings(env), handler: k, concurrency: 4 })),
    ]),
  ) as Record<HandlerKind, S3Client>;
  const total: Record<string, number> = {};
  const pool = async (fn: (i: number) => Promise<unknown>) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < N) await fn(next++);
      }),
    );
  };
  for (let r = 0; r < ROUNDS; r++) {
    for (const k of r % 2 ? [...kinds].reverse() : kinds) {
      const c = clients[k];
      let t = performance.now();
      await pool((i) =>
        c.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: `${k}/${i}`,
            Body: BODY,
            ContentLength: BODY.length,
          }),
        ),
      );
      total[`put ${k}`] = (total[`put ${k}`] ?? 0) + (performance.now() - t);
      t = performance.now();
      await pool(async (i) =>
        drain(
          (await c.send(new GetObjectCommand({ Bucket: bucket, Key: `${k}/${i}` })))
            .Body as AsyncIterable<Uint8Array>,
        ),
      );
      total[`get ${k}`] = (total[`get ${k}`] ?? 0) + (performance.now() - t);
    }
  }
  const bytes = ROUNDS * N * BODY.length;
  console.log(`${ROUNDS} rounds × ${N} × 8 MiB, 4 in flight, alternating order`);
  for (const [name, ms] of Object.entries(total))
    console.log(`${name.padEnd(18)} ${(bytes / 1e6 / (ms / 1000)).toFixed(0).padStart(6)} MB/s`);
  console.log(
    `undici / node:https  put ${(total['put node-https']! / total['put undici']!).toFixed(2)}  get ${(total['get node-https']! / total['get undici']!).toFixed(2)}`,
  );
  for (const c of Object.values(clients)) c.destroy();
  setup.destroy();
} finally {
  await servers.stop();
}
