// For scripts/demo.sh: flips one bit of a stored object's ciphertext, keeping its metadata, as
// an attacker with write access to the bucket could. Usage: demo-tamper.ts STATE.json KEY
import { readFileSync } from 'node:fs';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { makeS3Client, type TestEnv } from '../harness/env.js';

async function main(): Promise<void> {
  const [statePath, key] = [process.argv[2], process.argv[3]];
  if (!statePath || !key) throw new Error('usage: demo-tamper.ts STATE.json KEY');
  const { env, bucket } = JSON.parse(readFileSync(statePath, 'utf8')) as {
    env: TestEnv;
    bucket: string;
  };
  const s3 = makeS3Client(env);
  try {
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const body = Buffer.from(await got.Body!.transformToByteArray());
    const at = body.length - 100;
    body[at]! ^= 0x01;
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, Metadata: got.Metadata }),
    );
    process.stdout.write(`flipped one bit at byte ${at} of ${body.length}\n`);
  } finally {
    s3.destroy();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
