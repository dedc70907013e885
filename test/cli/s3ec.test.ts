// The CLI with Amazon S3 Encryption Client objects, end to end (built CLI, MinIO + local-kms):
// put --format s3ec-v3 (KMS or key file, metadata or instruction file), head and get
// auto-detect, a range is refused pointing to convert, legacy CBC needs its flag, and
// convert (single key, prefix, dry run) leaves objects in the s3enc format.
import { createCipheriv, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { EncryptCommand } from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { getTestEnv, makeKmsClient, makeS3Client, type TestBucket } from '../harness/env.js';
import { runCli, useCliFixture } from './cli-helpers.js';

const env = getTestEnv();
let bucket: TestBucket;
let cli: Record<string, string>;
let dir: string;
useCliFixture({ versioning: true, prefix: 's3enc-cli-s3ec' }, (f) => {
  ({ bucket, cli, dir } = f);
});
const url = (key: string) => `s3://${bucket.name}/${key}`;

describe('s3enc with S3 Encryption Client objects', () => {
  it('put --format s3ec-v3, head, get; a range is refused and points to convert', async () => {
    const data = randomBytes(6 * 1024 * 1024 + 5);
    const src = join(dir, 'v3.bin');
    writeFileSync(src, data);
    const put = await runCli(
      ['put', src, url('v3.bin'), '--format', 's3ec-v3', '--part-size', '5MiB', '--json'],
      {
        env: cli,
      },
    );
    expect(put.code, put.stderr).toBe(0);
    expect(JSON.parse(put.out)).toMatchObject({
      format: 's3ec-v3',
      multipart: true,
      plaintextSize: data.length,
    });

    const head = await runCli(['head', url('v3.bin')], { env: cli });
    expect(head.code, head.stderr).toBe(0);
    expect(head.out).toMatch(/Amazon S3 Encryption Client s3ec-v3/);
    expect(head.out).toMatch(/key-committing/);
    const headJson = JSON.parse(
      (await runCli(['head', url('v3.bin'), '--json'], { env: cli })).out,
    );
    expect(headJson.envelope).toMatchObject({ format: 's3ec-v3', wrapAlgorithm: 'kms+context' });

    const out = join(dir, 'v3.out');
    const get = await runCli(['get', url('v3.bin'), out], { env: cli });
    expect(get.code, get.stderr).toBe(0);
    expect(get.out).toMatch(/authenticated whole before release/);
    expect(readFileSync(out).equals(data)).toBe(true);

    const ranged = await runCli(
      ['get', url('v3.bin'), join(dir, 'r.out'), '--range', 'bytes=0-9'],
      { env: cli },
    );
    expect(ranged.code).toBe(2);
    expect(ranged.stderr).toMatch(/s3enc convert/);
  });

  it('a key file wraps V3 with an instruction file and reads it back', async () => {
    const keyFile = join(dir, 'k.key');
    expect((await runCli(['keygen', keyFile], { env: cli })).code).toBe(0);
    const data = randomBytes(1000);
    const put = await runCli(
      [
        'put',
        '-',
        url('aes.bin'),
        '--format',
        's3ec-v3',
        '--instruction-file',
        '--key-file',
        keyFile,
      ],
      { env: cli, input: data },
    );
    expect(put.code, put.stderr).toBe(0);
    const get = await runCli(['get', url('aes.bin'), '-', '--key-file', keyFile], { env: cli });
    expect(get.code, get.stderr).toBe(0);
    expect(get.stdout.equals(data)).toBe(true);
  });

  it('legacy CBC needs --allow-unauthenticated-legacy-content', async () => {
    const kms = makeKmsClient(env);
    const s3 = makeS3Client(env);
    const p = randomBytes(100);
    const dk = randomBytes(32);
    const iv = randomBytes(16);
    const c = createCipheriv('aes-256-cbc', dk, iv);
    const matdesc = { kms_cmk_id: env.kmsKeys.primary.arn };
    const edk = await kms.send(
      new EncryptCommand({
        KeyId: env.kmsKeys.primary.arn,
        Plaintext: dk,
        EncryptionContext: matdesc,
      }),
    );
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket.name,
        Key: 'cbc.bin',
        Body: Buffer.concat([c.update(p), c.final()]),
        Metadata: {
          'x-amz-key-v2': Buffer.from(edk.CiphertextBlob!).toString('base64'),
          'x-amz-wrap-alg': 'kms',
          'x-amz-cek-alg': 'AES/CBC/PKCS5Padding',
          'x-amz-iv': iv.toString('base64'),
          'x-amz-matdesc': JSON.stringify(matdesc),
        },
      }),
    );
    kms.destroy();
    s3.destroy();
    const refused = await runCli(['get', url('cbc.bin'), '-'], { env: cli });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/--allow-unauthenticated-legacy-content/);
    expect(refused.stdout.length).toBe(0);
    const ok = await runCli(
      ['get', url('cbc.bin'), '-', '--allow-unauthenticated-legacy-content'],
      { env: cli },
    );
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout.equals(p)).toBe(true);
  });

  it('convert: dry run, one key, then a prefix; ranges work afterwards', async () => {
    for (const k of ['tree/a', 'tree/b']) {
      const r = await runCli(['put', '-', url(k), '--format', 's3ec-v3'], {
        env: cli,
        input: randomBytes(5000),
      });
      expect(r.code, r.stderr).toBe(0);
    }
    const plainS3 = await runCli(['put', '-', url('tree/c')], { env: cli, input: randomBytes(10) });
    expect(plainS3.code).toBe(0);

    const dry = await runCli(['convert', url('tree/'), '--recursive', '--dryrun', '--json'], {
      env: cli,
    });
    expect(dry.code, dry.stderr).toBe(0);
    const d = JSON.parse(dry.out);
    expect(d.objects.map((o: { key: string; status: string }) => [o.key, o.status])).toEqual([
      ['tree/a', 'would-convert'],
      ['tree/b', 'would-convert'],
      ['tree/c', 'skipped'],
    ]);

    const one = await runCli(['convert', url('tree/a')], { env: cli });
    expect(one.code, one.stderr).toBe(0);
    expect(one.stderr).toMatch(/converted .*tree\/a \(s3ec-v3 → s3enc/);

    const all = await runCli(['convert', url('tree/'), '--recursive', '--json'], { env: cli });
    expect(all.code, all.stderr).toBe(0);
    expect(JSON.parse(all.out).objects.map((o: { status: string }) => o.status)).toEqual([
      'skipped',
      'converted',
      'skipped',
    ]);
    const head = JSON.parse((await runCli(['head', url('tree/b'), '--json'], { env: cli })).out);
    expect(head.envelope.format).toBe('aws-encryption-sdk');
    const ranged = await runCli(['get', url('tree/b'), '-', '--range', 'bytes=10-19'], {
      env: cli,
    });
    expect(ranged.code, ranged.stderr).toBe(0);
    expect(ranged.stdout.length).toBe(10);
  });
});
