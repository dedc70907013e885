// `aws s3 cp` parity (#17): the options a user of the AWS CLI types, with the same names and
// value syntax, reach the stored object (checked with the SDK against MinIO); --no-verify-ssl is
// refused with its reason; file:// and fileb:// read key material as the AWS CLI reads them.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectTaggingCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { getTestEnv, makeS3Client, type TestBucket } from '../harness/env.js';
import { runCli, useCliFixture } from './cli-helpers.js';

const env = getTestEnv();
let bucket: TestBucket;
let cli: Record<string, string>;
let dir: string;
useCliFixture({ prefix: 's3enc-cli-parity' }, (f) => {
  ({ bucket, cli, dir } = f);
});
const url = (key: string) => `s3://${bucket.name}/${key}`;

const OBJECT_OPTIONS = [
  '--metadata',
  'team=blue,purpose=test',
  '--metadata',
  '{"owner":"ops"}',
  '--storage-class',
  'standard',
  '--cache-control',
  'max-age=60',
  '--content-disposition',
  'attachment; filename="r.csv"',
  '--content-encoding',
  'identity',
  '--content-language',
  'en-GB',
  '--expires',
  '2030-01-31T00:00:00Z',
  '--tagging',
  'project=s3enc&stage=test%20run',
];

async function expectObjectFields(key: string): Promise<void> {
  const s3 = makeS3Client(env);
  try {
    const h = await s3.send(new HeadObjectCommand({ Bucket: bucket.name, Key: key }));
    expect(h.Metadata).toMatchObject({
      team: 'blue',
      purpose: 'test',
      owner: 'ops',
      's3enc-format': 'aws-encryption-sdk',
    });
    expect(h.CacheControl).toBe('max-age=60');
    expect(h.ContentDisposition).toBe('attachment; filename="r.csv"');
    expect(h.ContentEncoding).toBe('identity');
    expect(h.ContentLanguage).toBe('en-GB');
    expect(new Date(h.ExpiresString ?? '').toISOString()).toBe('2030-01-31T00:00:00.000Z');
    expect(h.StorageClass ?? 'STANDARD').toBe('STANDARD');
    const t = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket.name, Key: key }));
    expect(Object.fromEntries((t.TagSet ?? []).map((x) => [x.Key, x.Value]))).toEqual({
      project: 's3enc',
      stage: 'test run',
    });
  } finally {
    s3.destroy();
  }
}

describe('aws s3 cp options on put', () => {
  it('object fields reach a single-request object and a multipart one', async () => {
    let r = await runCli(['put', '-', url('small.csv'), ...OBJECT_OPTIONS, '--only-show-errors'], {
      env: cli,
      input: 'a,b\n',
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.out).toBe(''); // --only-show-errors prints nothing on success
    await expectObjectFields('small.csv');

    const big = join(dir, 'big.bin');
    writeFileSync(big, randomBytes(6 * 1024 * 1024 + 5));
    r = await runCli(
      [
        'put',
        big,
        url('big.csv'),
        ...OBJECT_OPTIONS,
        '--part-size',
        '5MiB',
        '--json',
        '--no-progress',
      ],
      {
        env: cli,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ ok: true, multipart: true });
    await expectObjectFields('big.csv');
  });

  it('--expected-size and --size take sizes with units; a wrong size is refused', async () => {
    const data = randomBytes(2048);
    for (const opt of [
      ['--expected-size', '2KiB'],
      ['--size', '2kb'],
      ['--expected-size', '2048'],
    ]) {
      const r = await runCli(['put', '-', url('sized'), ...opt], { env: cli, input: data });
      expect(r.code, `${opt.join(' ')}: ${r.stderr}`).toBe(0);
    }
    const wrong = await runCli(['put', '-', url('sized'), '--expected-size', '1KiB'], {
      env: cli,
      input: data,
    });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('ERR_S3ENC_SIZE_MISMATCH');
    const bad = await runCli(['put', '-', url('sized'), '--size', '2 parsecs'], {
      env: cli,
      input: data,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--size expects a size such as/);
  });

  it('bad values are usage errors naming the option', async () => {
    for (const [opt, val, msg] of [
      ['--storage-class', 'FAST', /--storage-class must be one of/],
      ['--metadata', 'novalue', /--metadata expects KEY=VALUE/],
      ['--expires', 'next tuesday', /--expires expects a time/],
      ['--metadata', 's3enc-format=x', /belongs to an encryption format/],
    ] as const) {
      const r = await runCli(['put', '-', url('bad'), opt, val], { env: cli, input: 'x' });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
  });
});

describe('TLS and key material as the AWS CLI takes them', () => {
  it('--no-verify-ssl is refused with the reason, in every command, before anything is sent', async () => {
    for (const args of [
      ['put', '-', url('x')],
      ['get', url('x'), '-'],
      ['head', url('x')],
      ['audit', `s3://${bucket.name}`],
    ]) {
      const r = await runCli([...args, '--no-verify-ssl'], { env: cli, input: 'x' });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('(ERR_S3ENC_TLS_VERIFICATION_REQUIRED)');
      expect(r.stderr).toMatch(/never turns TLS certificate checks off/);
      expect(r.stderr).toMatch(/--ca-bundle/);
    }
  });

  it('--sse-c-key file:// (text) and fileb:// (bytes) name the same key', async () => {
    const key = randomBytes(32);
    const bin = join(dir, 'ssec.bin');
    const hex = join(dir, 'ssec.hex');
    writeFileSync(bin, key, { mode: 0o600 });
    writeFileSync(hex, `${key.toString('hex')}\n`, { mode: 0o600 });
    let r = await runCli(['put', '-', url('ssec'), '--sse-c-key', `file://${hex}`], {
      env: cli,
      input: 'layer',
    });
    expect(r.code, r.stderr).toBe(0);
    r = await runCli(['get', url('ssec'), '-', '--sse-c-key', `fileb://${bin}`, '--no-progress'], {
      env: cli,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.out).toBe('layer');
    r = await runCli(['head', url('ssec'), '--sse-c-key', key.toString('hex')], { env: cli });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/fileb:\/\/FILE.*file:\/\/FILE.*not accepted on the command line/);
  });

  it('--key-file takes fileb:// and file:// too', async () => {
    const kf = join(dir, 'raw.key');
    let r = await runCli(['keygen', kf], { env: cli });
    expect(r.code, r.stderr).toBe(0);
    r = await runCli(['put', '-', url('raw'), '--key-file', `fileb://${kf}`], {
      env: cli,
      input: 'raw',
    });
    expect(r.code, r.stderr).toBe(0);
    r = await runCli(['get', url('raw'), '-', '--key-file', `file://${kf}`], { env: cli });
    expect(r.code, r.stderr).toBe(0);
    expect(r.out).toBe('raw');
  });
});
