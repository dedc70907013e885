// The peers prove each other before they prove s3enc: the official Java and Python S3
// Encryption Clients read what the other wrote (V3 and V2, KMS, with an encryption context),
// and the objects carry the metadata the S3 Encryption Client specification names.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestBucket, getTestEnv, makeS3Client, type TestBucket } from '../harness/env.js';
import { runJavaPeer, runPythonS3ecPeer, tempFile } from '../peers/peers.js';

const env = getTestEnv();
const s3 = makeS3Client(env);
let bucket: TestBucket;

beforeAll(async () => {
  bucket = await createTestBucket(env, { prefix: 'peers-proof' });
});
afterAll(async () => {
  await bucket.cleanup();
  s3.destroy();
});

const context = { project: 'interop', Stage: 'proof' };

async function metadata(key: string): Promise<Record<string, string>> {
  const h = await s3.send(new HeadObjectCommand({ Bucket: bucket.name, Key: key }));
  return h.Metadata ?? {};
}

describe.each(['v3', 'v2'] as const)('%s, KMS, with an encryption context', (format) => {
  it('Java writes, Python reads; Python writes, Java reads', async () => {
    const plain = randomBytes(100_003);
    const src = tempFile('plain', plain);
    const kmsKeyId = env.kmsKeys.primary.arn;
    const flags = { bucket: bucket.name, kmsKeyId, format, context };

    const jw = await runJavaPeer(env, 'v4', 'put', flags, [[`java-${format}`, src]]);
    expect(jw.results, jw.stderr).toEqual([{ key: `java-${format}`, ok: true }]);
    const pw = await runPythonS3ecPeer(env, 'put', flags, [[`python-${format}`, src]]);
    expect(pw.results, pw.stderr).toEqual([{ key: `python-${format}`, ok: true }]);

    const fromJava = tempFile('from-java', '');
    const fromPython = tempFile('from-python', '');
    const pr = await runPythonS3ecPeer(env, 'get', flags, [[`java-${format}`, fromJava]]);
    expect(pr.results, pr.stderr).toEqual([{ key: `java-${format}`, ok: true }]);
    const jr = await runJavaPeer(env, 'v4', 'get', flags, [[`python-${format}`, fromPython]]);
    expect(jr.results, jr.stderr).toEqual([{ key: `python-${format}`, ok: true }]);
    expect(readFileSync(fromJava).equals(plain)).toBe(true);
    expect(readFileSync(fromPython).equals(plain)).toBe(true);

    for (const writer of ['java', 'python']) {
      const m = await metadata(`${writer}-${format}`);
      if (format === 'v3') {
        expect(m['x-amz-c']).toBe('115');
        expect(m['x-amz-w']).toBe('12');
        expect(JSON.parse(m['x-amz-t'] ?? '{}')).toEqual({
          'aws:x-amz-cek-alg': '115',
          ...context,
        });
        expect(Buffer.from(m['x-amz-d'] ?? '', 'base64')).toHaveLength(28);
      } else {
        expect(m['x-amz-wrap-alg']).toBe('kms+context');
        expect(m['x-amz-cek-alg']).toBe('AES/GCM/NoPadding');
        expect(JSON.parse(m['x-amz-matdesc'] ?? '{}')).toEqual({
          'aws:x-amz-cek-alg': 'AES/GCM/NoPadding',
          ...context,
        });
      }
    }
  });
});

it('a wrong encryption context is refused by both readers', async () => {
  const src = tempFile('plain', randomBytes(1000));
  const flags = { bucket: bucket.name, kmsKeyId: env.kmsKeys.primary.arn, context };
  const w = await runJavaPeer(env, 'v4', 'put', flags, [['ctx', src]]);
  expect(w.code, w.stderr).toBe(0);
  const wrong = { ...flags, context: { ...context, Stage: 'other' } };
  const jr = await runJavaPeer(env, 'v4', 'get', wrong, [['ctx', tempFile('o', '')]]);
  expect(jr.code).toBe(1);
  expect(jr.results[0]?.ok).toBe(false);
  const pr = await runPythonS3ecPeer(env, 'get', wrong, [['ctx', tempFile('o', '')]]);
  expect(pr.code).toBe(1);
  expect(pr.results[0]?.ok).toBe(false);
});
