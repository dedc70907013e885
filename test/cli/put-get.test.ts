// put / get / head end to end: the built CLI, spawned, against MinIO + local-kms over TLS.
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { getTestEnv, makeS3Client, type TestBucket } from '../harness/env.js';
import { runCli, useCliFixture } from './cli-helpers.js';

const env = getTestEnv();
let bucket: TestBucket;
let cli: Record<string, string>;
let dir: string;
useCliFixture({ versioning: true, prefix: 's3enc-cli' }, (f) => {
  ({ bucket, cli, dir } = f);
});

const url = (key: string) => `s3://${bucket.name}/${key}`;

function file(name: string, data: Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
}

/** Rewrites the stored ciphertext (keeping the s3enc metadata marker), as an attacker with write access could. */
async function tamper(key: string, edit: (b: Buffer) => Buffer): Promise<void> {
  const s3 = makeS3Client(env);
  try {
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket.name, Key: key }));
    const body = Buffer.from(await got.Body!.transformToByteArray());
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket.name,
        Key: key,
        Body: edit(body),
        Metadata: got.Metadata,
      }),
    );
  } finally {
    s3.destroy();
  }
}

describe('put and get round trips', () => {
  it('file → KMS (S3ENC_KMS_KEY_ID) → file, multipart, with --json results', async () => {
    const data = randomBytes(11 * 1024 * 1024 + 123);
    const src = file('big.bin', data);
    const put = await runCli(
      [
        'put',
        src,
        url('big.bin'),
        '--part-size',
        '5MiB',
        '--concurrency',
        '3',
        '--context',
        'purpose=test',
        '--json',
      ],
      { env: cli },
    );
    expect(put.code, put.stderr).toBe(0);
    const r = JSON.parse(put.out);
    expect(r).toMatchObject({
      ok: true,
      bucket: bucket.name,
      key: 'big.bin',
      plaintextSize: data.length,
      multipart: true,
      keyIds: [env.kmsKeys.primary.arn],
    });
    expect(r.parts).toBeGreaterThan(1);
    expect(r.storedSize).toBeGreaterThan(data.length);

    const out = join(dir, 'big.out');
    const get = await runCli(['get', url('big.bin'), out, '--context', 'purpose=test'], {
      env: cli,
    });
    expect(get.code, get.stderr).toBe(0);
    expect(get.out).toMatch(/every frame authenticated/);
    expect(readFileSync(out).equals(data)).toBe(true);
    expect(get.stderr).not.toMatch(/\r/); // no progress bar when stderr is not a TTY
  });

  it('--workers 2: put and get of a file on worker threads, --json says so; --workers 0 stays on one thread', async () => {
    const data = randomBytes(13 * 1024 * 1024 + 7);
    const src = file('workers.bin', data);
    const put = await runCli(
      ['put', src, url('workers.bin'), '--part-size', '5MiB', '--workers', '2', '--json'],
      { env: cli },
    );
    expect(put.code, put.stderr).toBe(0);
    expect(JSON.parse(put.out)).toMatchObject({ ok: true, multipart: true, parts: 3, workers: 2 });
    const out = join(dir, 'workers.out');
    const get = await runCli(
      ['get', url('workers.bin'), out, '--part-size', '2MiB', '--workers', '2', '--json'],
      { env: cli },
    );
    expect(get.code, get.stderr).toBe(0);
    expect(JSON.parse(get.out)).toMatchObject({ ok: true, bytesWritten: data.length, workers: 2 });
    expect(readFileSync(out).equals(data)).toBe(true);
    const one = await runCli(
      ['get', url('workers.bin'), join(dir, 'one.out'), '--workers', '0', '--json'],
      {
        env: cli,
      },
    );
    expect(one.code, one.stderr).toBe(0);
    expect(JSON.parse(one.out)).toMatchObject({ workers: 0 });
    expect(readFileSync(join(dir, 'one.out')).equals(data)).toBe(true);
    const bad = await runCli(
      ['get', url('workers.bin'), join(dir, 'bad.out'), '--workers', 'many'],
      {
        env: cli,
      },
    );
    expect(bad.code).toBe(2);
  });

  it('--debug prints the transfer events (docs/observability.md), without the context value', async () => {
    const src = file('debug.bin', randomBytes(70_000));
    const put = await runCli(
      ['put', src, url('debug.bin'), '--context', 'purpose=debug-secret-value', '--debug'],
      { env: cli },
    );
    expect(put.code, put.stderr).toBe(0);
    expect(put.stderr).toMatch(/^debug: s3enc:object:put:start \{.*"key":"debug\.bin"/m);
    expect(put.stderr).toMatch(/^debug: s3enc:key:generate \{.*"keyIds":\[/m);
    expect(put.stderr).toMatch(/^debug: s3enc:object:put:finish \{.*"plaintextSize":70000/m);
    const get = await runCli(['get', url('debug.bin'), join(dir, 'debug.out'), '--debug'], {
      env: cli,
    });
    expect(get.code, get.stderr).toBe(0);
    expect(get.stderr).toMatch(/^debug: s3enc:key:unwrap \{/m);
    expect(get.stderr).toMatch(/^debug: s3enc:object:get:finish \{.*"complete":true/m);
    expect(put.stderr + get.stderr).not.toContain('debug-secret-value');
    const quiet = await runCli(['get', url('debug.bin'), join(dir, 'debug2.out')], { env: cli });
    expect(quiet.stderr).not.toMatch(/s3enc:object/);
  });

  it('stdin → stdout through pipes, with a raw key file from keygen', async () => {
    const keyFile = join(dir, 'pipe.key');
    const kg = await runCli(['keygen', keyFile], { env: cli });
    expect(kg.code, kg.stderr).toBe(0);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const data = randomBytes(300_000);
    const put = await runCli(
      ['put', '-', url('piped.bin'), '--key-file', keyFile, '--frame-size', '4KiB'],
      { env: cli, input: data },
    );
    expect(put.code, put.stderr).toBe(0);
    expect(put.out).toMatch(/encrypted stdin/);
    const get = await runCli(['get', url('piped.bin'), '-', '--key-file', keyFile], { env: cli });
    expect(get.code, get.stderr).toBe(0);
    expect(get.stdout.equals(data)).toBe(true);
    expect(get.stderr).toBe('');
  });

  it('--quiet prints nothing; --json with get to stdout puts the result on stderr', async () => {
    const data = Buffer.from('quiet please');
    const put = await runCli(['put', '-', url('quiet.txt'), '--quiet'], { env: cli, input: data });
    expect(put.code, put.stderr).toBe(0);
    expect(put.out + put.stderr).toBe('');
    const get = await runCli(['get', url('quiet.txt'), '-', '--json'], { env: cli });
    expect(get.code, get.stderr).toBe(0);
    expect(get.stdout.equals(data)).toBe(true);
    expect(JSON.parse(get.stderr)).toMatchObject({
      ok: true,
      plaintextSize: data.length,
      path: null,
    });
  });

  it('an empty file round-trips', async () => {
    const src = file('empty.txt', Buffer.alloc(0));
    expect((await runCli(['put', src, url('empty.txt')], { env: cli })).code).toBe(0);
    const get = await runCli(['get', url('empty.txt'), '-'], { env: cli });
    expect(get.code, get.stderr).toBe(0);
    expect(get.stdout.length).toBe(0);
  });

  it('get into a directory names the file after the key; --no-overwrite refuses an existing file', async () => {
    const data = Buffer.from('hello, directory\n');
    expect(
      (await runCli(['put', file('named.txt', data), url('a/b/named.txt')], { env: cli })).code,
    ).toBe(0);
    const outDir = mkdtempSync(join(dir, 'out-'));
    const get = await runCli(['get', url('a/b/named.txt'), outDir], { env: cli });
    expect(get.code, get.stderr).toBe(0);
    expect(readFileSync(join(outDir, 'named.txt'), 'utf8')).toBe('hello, directory\n');
    writeFileSync(join(outDir, 'named.txt'), 'mine');
    const again = await runCli(
      ['get', url('a/b/named.txt'), join(outDir, 'named.txt'), '--no-overwrite'],
      { env: cli },
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/ERR_S3ENC_CLI_FILE_EXISTS/);
    expect(readFileSync(join(outDir, 'named.txt'), 'utf8')).toBe('mine');
  });

  it('put --no-overwrite refuses to replace an object', async () => {
    const src = file('once.txt', Buffer.from('once'));
    expect((await runCli(['put', src, url('once.txt'), '--no-overwrite'], { env: cli })).code).toBe(
      0,
    );
    const again = await runCli(['put', src, url('once.txt'), '--no-overwrite'], { env: cli });
    expect(again.code, again.stderr).not.toBe(0);
    expect(again.stderr).toMatch(/EXISTS/);
  });
});

describe('ranged get (--range is HTTP inclusive)', () => {
  const data = randomBytes(100_000);
  beforeAll(async () => {
    const put = await runCli(['put', '-', url('ranged.bin'), '--frame-size', '4096'], {
      env: cli,
      input: data,
    });
    expect(put.code, put.stderr).toBe(0);
  });
  it.each([
    ['bytes=0-0', 0, 1],
    ['bytes=10-19', 10, 20],
    ['bytes=4095-4096', 4095, 4097],
    ['bytes=99990-', 99_990, 100_000],
    ['bytes=-7', 99_993, 100_000],
    ['bytes=99000-200000', 99_000, 100_000],
  ])('%s', async (range, start, end) => {
    const get = await runCli(['get', url('ranged.bin'), '-', '--range', range], { env: cli });
    expect(get.code, get.stderr).toBe(0);
    expect(get.stdout.equals(data.subarray(start, end))).toBe(true);
  });
  it('an unsatisfiable range is a usage error', async () => {
    const get = await runCli(['get', url('ranged.bin'), '-', '--range', 'bytes=100000-100001'], {
      env: cli,
    });
    expect(get.code).toBe(2);
    expect(get.stdout.length).toBe(0);
  });
});

describe('head', () => {
  it('shows the envelope and no secrets', async () => {
    const keyFile = join(dir, 'head.key');
    expect((await runCli(['keygen', keyFile], { env: cli })).code).toBe(0);
    const data = Buffer.from('some plaintext that must not appear in head output');
    const put = await runCli(
      [
        'put',
        '-',
        url('head.txt'),
        '--key-file',
        keyFile,
        '--kms-key-id',
        env.kmsKeys.primary.arn,
        '--context',
        'tenant=acme',
      ],
      { env: cli, input: data },
    );
    expect(put.code, put.stderr).toBe(0);
    const h = await runCli(['head', url('head.txt')], { env: cli });
    expect(h.code, h.stderr).toBe(0);
    expect(h.out).toMatch(/ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY/);
    expect(h.out).toMatch(new RegExp(`plaintext size: +${data.length} bytes`));
    expect(h.out).toContain(env.kmsKeys.primary.arn);
    expect(h.out).toMatch(/s3enc-raw-aes\/hmac-sha256:[0-9a-f]{32}/);
    expect(h.out).toMatch(/tenant=acme/);
    const key = readFileSync(keyFile);
    for (const secret of [key.toString('hex'), key.toString('base64'), data.toString('utf8')]) {
      expect(h.out).not.toContain(secret);
    }
    const j = await runCli(['head', url('head.txt'), '--json'], { env: cli });
    const doc = JSON.parse(j.out);
    expect(doc).toMatchObject({
      ok: true,
      encrypted: true,
      envelope: { plaintextSize: data.length, encryptionContext: { tenant: 'acme' } },
    });
    expect(doc.envelope.keyIds).toHaveLength(2);
  });
  it('reports an object that is not encrypted', async () => {
    const s3 = makeS3Client(env);
    await s3.send(new PutObjectCommand({ Bucket: bucket.name, Key: 'plain.txt', Body: 'plain' }));
    s3.destroy();
    const h = await runCli(['head', url('plain.txt')], { env: cli });
    expect(h.code, h.stderr).toBe(0);
    expect(h.out).toMatch(/NOT an s3enc object/);
    const g = await runCli(['get', url('plain.txt'), '-'], { env: cli });
    expect(g.code).toBe(3);
    expect(g.stdout.length).toBe(0);
  });
});

describe('failures: exit codes, messages, no partial files', () => {
  const data = randomBytes(64 * 1024);
  let keyFile: string;
  beforeAll(async () => {
    keyFile = join(dir, 'fail.key');
    expect((await runCli(['keygen', keyFile], { env: cli })).code).toBe(0);
    for (const k of ['tampered.bin', 'truncated.bin', 'appended.bin', 'ctx.bin', 'kms.bin']) {
      const args = k === 'kms.bin' ? [] : ['--key-file', keyFile];
      const ctx = k === 'ctx.bin' ? ['--context', 'tenant=acme'] : [];
      const r = await runCli(['put', '-', url(k), '--frame-size', '4096', ...args, ...ctx], {
        env: cli,
        input: data,
      });
      expect(r.code, r.stderr).toBe(0);
    }
    await tamper('tampered.bin', (b) => {
      b[b.length - 5000]! ^= 0x01;
      return b;
    });
    await tamper('truncated.bin', (b) => b.subarray(0, b.length - 40));
    await tamper('appended.bin', (b) => Buffer.concat([b, Buffer.from('extra')]));
  });

  function expectNoTrace(out: string, target: string) {
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(dir).filter((n) => n.includes('.s3enc-'))).toEqual([]);
    expect(out).not.toMatch(/\n\s+at /); // no stack trace without --debug
  }

  it.each(['tampered.bin', 'truncated.bin', 'appended.bin'])(
    '%s → exit 3, no file written',
    async (k) => {
      const target = join(dir, `${k}.out`);
      const r = await runCli(['get', url(k), target, '--key-file', keyFile], { env: cli });
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toMatch(/s3enc: error: .*\(ERR_S3ENC_[A-Z_]+\)/);
      expect(r.stderr).toMatch(/modified or truncated|not a readable/);
      expectNoTrace(r.stderr, target);
    },
  );

  it('a tampered object leaves an existing target file as it was', async () => {
    const target = file('keep.txt', Buffer.from('previous content'));
    const r = await runCli(['get', url('tampered.bin'), target, '--key-file', keyFile], {
      env: cli,
    });
    expect(r.code).toBe(3);
    expect(readFileSync(target, 'utf8')).toBe('previous content');
  });

  it('a tampered object sends no unauthenticated plaintext to stdout', async () => {
    const r = await runCli(['get', url('tampered.bin'), '-', '--key-file', keyFile], { env: cli });
    expect(r.code).toBe(3);
    // Frames before the damaged one may have been released (each verified); never the damaged one.
    expect(r.stdout.length).toBeLessThan(data.length - 4096);
    expect(data.subarray(0, r.stdout.length).equals(r.stdout)).toBe(true);
  });

  it('the wrong key file → exit 4, naming what to do', async () => {
    const other = join(dir, 'other.key');
    expect((await runCli(['keygen', other], { env: cli })).code).toBe(0);
    const target = join(dir, 'wrongkey.out');
    const r = await runCli(['get', url('tampered.bin'), target, '--key-file', other], { env: cli });
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toMatch(/--key-file/);
    expectNoTrace(r.stderr, target);
  });

  it('the wrong KMS key → exit 4', async () => {
    const r = await runCli(
      ['get', url('kms.bin'), join(dir, 'kms.out'), '--kms-key-id', env.kmsKeys.secondary.arn],
      { env: cli },
    );
    expect(r.code, r.stderr).toBe(4);
    expect(existsSync(join(dir, 'kms.out'))).toBe(false);
  });

  it('the wrong encryption context → exit 3', async () => {
    const r = await runCli(
      [
        'get',
        url('ctx.bin'),
        join(dir, 'ctx.out'),
        '--key-file',
        keyFile,
        '--context',
        'tenant=other',
      ],
      { env: cli },
    );
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/context/i);
    expect(existsSync(join(dir, 'ctx.out'))).toBe(false);
  });

  it('a missing object → exit 1 with a hint', async () => {
    const r = await runCli(['get', url('does-not-exist'), join(dir, 'missing.out')], { env: cli });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/NO_SUCH_KEY|not found|does not exist/i);
  });

  it('usage errors → exit 2 before any request', async () => {
    const cases: string[][] = [
      ['put', file('u.txt', Buffer.from('u')), 'not-a-url'],
      ['put', join(dir, 'no-such-file'), url('x')].slice(0, 0).concat(['get', 'http://x/y', '-']),
      ['get', url('x'), '-', '--range', '10-20'],
      ['put', file('u2.txt', Buffer.from('u')), url('x'), '--frame-size', 'huge'],
      ['put', file('u3.txt', Buffer.from('u')), url('x'), '--sse', 'rot13'],
      ['put', file('u4.txt', Buffer.from('u')), url('x'), '--sse-c-key', 'thekeyitself'],
      ['get', url('x'), '-', '--context', 'novalue'],
    ];
    for (const args of cases) {
      const r = await runCli(args, { env: cli });
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(2);
    }
    const noKey = await runCli(['put', file('u5.txt', Buffer.from('u')), url('x')], {
      env: { ...cli, S3ENC_KMS_KEY_ID: '' },
    });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/S3ENC_KMS_KEY_ID|--key-file/);
  });

  it('an http:// endpoint is refused → exit 2', async () => {
    const r = await runCli(['head', url('x'), '--endpoint-url', 'http://127.0.0.1:9'], {
      env: cli,
    });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/https/);
  });

  it('a missing input file → exit 1', async () => {
    const r = await runCli(['put', join(dir, 'no-such-file'), url('x')], { env: cli });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no such file/);
  });
});
