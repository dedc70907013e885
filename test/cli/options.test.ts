// Options and configuration paths of put/get: profiles, several KMS keys, SSE layers, versions,
// interruption, and the progress bar on a terminal.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { getTestEnv, makeS3Client, type TestBucket } from '../harness/env.js';
import { BIN, runCli, useCliFixture } from './cli-helpers.js';

const env = getTestEnv();
let bucket: TestBucket;
let cli: Record<string, string>;
let dir: string;
useCliFixture({ versioning: true, prefix: 's3enc-cli-opts' }, (f) => {
  ({ bucket, cli, dir } = f);
});

const url = (key: string) => `s3://${bucket.name}/${key}`;

describe('configuration', () => {
  it('--profile reads credentials and region from the AWS config files', async () => {
    const config = join(dir, 'config');
    const creds = join(dir, 'credentials');
    writeFileSync(config, `[profile minio]\nregion = ${env.s3.region}\n`);
    writeFileSync(
      creds,
      `[minio]\naws_access_key_id = ${env.s3.credentials.accessKeyId}\naws_secret_access_key = ${env.s3.credentials.secretAccessKey}\n`,
    );
    const profileEnv: Record<string, string> = {
      ...cli,
      AWS_CONFIG_FILE: config,
      AWS_SHARED_CREDENTIALS_FILE: creds,
    };
    delete profileEnv.AWS_ACCESS_KEY_ID;
    delete profileEnv.AWS_SECRET_ACCESS_KEY;
    delete profileEnv.AWS_REGION;
    const put = await runCli(['put', '-', url('profile.txt'), '--profile', 'minio'], {
      env: profileEnv,
      input: 'via profile',
    });
    expect(put.code, put.stderr).toBe(0);
    const get = await runCli(['get', url('profile.txt'), '-'], {
      env: { ...profileEnv, AWS_PROFILE: 'minio' },
    });
    expect(get.code, get.stderr).toBe(0);
    expect(get.out).toBe('via profile');
    // Without the profile there are no credentials: exit 4 with a hint…
    const none = await runCli(['head', url('profile.txt')], {
      env: { ...profileEnv, AWS_REGION: env.s3.region },
    });
    expect(none.code, none.stderr).toBe(4);
    expect(none.stderr).toMatch(/credentials/i);
    // …and no Region: exit 2, saying how to give one.
    const noRegion = await runCli(['head', url('profile.txt')], { env: profileEnv });
    expect(noRegion.code, noRegion.stderr).toBe(2);
    expect(noRegion.stderr).toMatch(/--region/);
  });

  it('--endpoint-url and --ca-bundle work without the AWS_ variables', async () => {
    const bare = { ...cli };
    delete bare.AWS_ENDPOINT_URL_S3;
    delete bare.AWS_CA_BUNDLE;
    const r = await runCli(
      ['head', url('profile.txt'), '--endpoint-url', env.s3.endpoint, '--ca-bundle', env.caPath],
      { env: bare },
    );
    expect(r.code, r.stderr).toBe(0);
    // Without the CA the server's certificate is not trusted: the request fails, nothing is sent in the clear.
    const untrusted = await runCli(
      ['head', url('profile.txt'), '--endpoint-url', env.s3.endpoint],
      { env: bare },
    );
    expect(untrusted.code).not.toBe(0);
  });
});

describe('keys and versions', () => {
  it('several --kms-key-id: each key alone decrypts', async () => {
    const { primary, secondary } = env.kmsKeys;
    const put = await runCli(
      [
        'put',
        '-',
        url('two-keys.txt'),
        '--kms-key-id',
        primary.arn,
        '--kms-key-id',
        secondary.arn,
        '--json',
      ],
      {
        env: cli,
        input: 'two keys',
      },
    );
    expect(put.code, put.stderr).toBe(0);
    expect(JSON.parse(put.out).keyIds).toEqual([primary.arn, secondary.arn]);
    for (const k of [primary.arn, secondary.arn]) {
      const get = await runCli(['get', url('two-keys.txt'), '-', '--kms-key-id', k], { env: cli });
      expect(get.code, get.stderr).toBe(0);
      expect(get.out).toBe('two keys');
    }
  });

  it('--kms-discovery-account decrypts without naming the key, only for that account', async () => {
    const { secondary } = env.kmsKeys;
    const account = secondary.arn.split(':')[4]!;
    const put = await runCli(['put', '-', url('discovery.txt'), '--kms-key-id', secondary.arn], {
      env: cli,
      input: 'found by discovery',
    });
    expect(put.code, put.stderr).toBe(0);
    // S3ENC_KMS_KEY_ID (the primary key) is not what opens it: discovery does.
    const get = await runCli(
      ['get', url('discovery.txt'), '-', '--kms-discovery-account', account],
      { env: cli },
    );
    expect(get.code, get.stderr).toBe(0);
    expect(get.out).toBe('found by discovery');
    const other = await runCli(
      [
        'get',
        url('discovery.txt'),
        join(dir, 'discovery.out'),
        '--kms-discovery-account',
        '999999999999',
      ],
      { env: cli },
    );
    expect(other.code).toBe(4);
    expect(existsSync(join(dir, 'discovery.out'))).toBe(false);
    const bad = await runCli(['get', url('discovery.txt'), '-', '--kms-discovery-account', '12'], {
      env: cli,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('12-digit');
  });

  it('a KMS alias is resolved to its key ARN', async () => {
    const alias = env.kmsKeys.primary.alias;
    if (alias === '') return; // external KMS without an alias
    const put = await runCli(['put', '-', url('alias.txt'), '--kms-key-id', alias, '--json'], {
      env: cli,
      input: 'alias',
    });
    expect(put.code, put.stderr).toBe(0);
    expect(JSON.parse(put.out).keyIds).toEqual([env.kmsKeys.primary.arn]);
    const get = await runCli(['get', url('alias.txt'), '-', '--kms-key-id', alias], { env: cli });
    expect(get.out).toBe('alias');
  });

  it('--version-id reads an older version', async () => {
    const v1 = JSON.parse(
      (await runCli(['put', '-', url('versions.txt'), '--json'], { env: cli, input: 'first' })).out,
    ).versionId as string;
    await runCli(['put', '-', url('versions.txt')], { env: cli, input: 'second' });
    expect((await runCli(['get', url('versions.txt'), '-'], { env: cli })).out).toBe('second');
    const old = await runCli(['get', url('versions.txt'), '-', '--version-id', v1], { env: cli });
    expect(old.code, old.stderr).toBe(0);
    expect(old.out).toBe('first');
    const h = await runCli(['head', url('versions.txt'), '--version-id', v1, '--json'], {
      env: cli,
    });
    expect(JSON.parse(h.out).versionId).toBe(v1);
  });
});

describe('checksums and content type', () => {
  it.each(['SHA256', 'CRC32', 'CRC64NVME'])(
    '--checksum-algorithm %s is what S3 stores',
    async (alg) => {
      const put = await runCli(
        ['put', '-', url(`sum-${alg}.bin`), '--checksum-algorithm', alg.toLowerCase(), '--json'],
        {
          env: cli,
          input: randomBytes(1000),
        },
      );
      expect(put.code, put.stderr).toBe(0);
      expect(JSON.parse(put.out).checksum.algorithm).toBe(alg);
    },
  );
  it('--content-type is stored; an unknown algorithm is a usage error', async () => {
    const put = await runCli(
      ['put', '-', url('typed.json'), '--content-type', 'application/json'],
      { env: cli, input: '{}' },
    );
    expect(put.code, put.stderr).toBe(0);
    const h = await runCli(['head', url('typed.json'), '--json'], { env: cli });
    expect(JSON.parse(h.out).contentType).toBe('application/json');
    const bad = await runCli(['put', '-', url('x'), '--checksum-algorithm', 'MD5'], {
      env: cli,
      input: 'x',
    });
    expect(bad.code).toBe(2);
  });
});

describe('payload signing', () => {
  it('put --sign-payload stores an object that reads back (the default sends UNSIGNED-PAYLOAD)', async () => {
    const data = randomBytes(11 * 1024 * 1024 + 5); // two parts at the default 8 MiB
    for (const extra of [[], ['--sign-payload']]) {
      const key = `signing${extra.length}.bin`;
      const put = await runCli(['put', '-', url(key), ...extra], { env: cli, input: data });
      expect(put.code, put.stderr).toBe(0);
      const got = await runCli(['get', url(key), '-'], { env: cli });
      expect(got.code, got.stderr).toBe(0);
      expect(got.stdout.equals(data)).toBe(true);
    }
  });
});

describe('server-side encryption as a second layer', () => {
  it('--sse aws:kms and --sse AES256 are reported by head', async () => {
    for (const [sse, type] of [
      ['aws:kms', 'SSE-KMS'],
      ['AES256', 'SSE-S3'],
    ] as const) {
      const put = await runCli(['put', '-', url(`sse-${type}.txt`), '--sse', sse], {
        env: cli,
        input: type,
      });
      expect(put.code, put.stderr).toBe(0);
      const h = await runCli(['head', url(`sse-${type}.txt`), '--json'], { env: cli });
      expect(JSON.parse(h.out).sse.type).toBe(type);
      expect((await runCli(['get', url(`sse-${type}.txt`), '-'], { env: cli })).out).toBe(type);
    }
  });

  it('--sse-c-key fileb:// round trip; a wrong SSE-C key is refused', async () => {
    const keyPath = join(dir, 'ssec.bin');
    writeFileSync(keyPath, randomBytes(32), { mode: 0o600 });
    const wrongPath = join(dir, 'ssec-wrong.bin');
    writeFileSync(wrongPath, randomBytes(32), { mode: 0o600 });
    const put = await runCli(['put', '-', url('ssec.txt'), '--sse-c-key', `fileb://${keyPath}`], {
      env: cli,
      input: 'sse-c layer',
    });
    expect(put.code, put.stderr).toBe(0);
    const get = await runCli(['get', url('ssec.txt'), '-', '--sse-c-key', `fileb://${keyPath}`], {
      env: cli,
    });
    expect(get.code, get.stderr).toBe(0);
    expect(get.out).toBe('sse-c layer');
    const wrong = await runCli(
      ['get', url('ssec.txt'), '-', '--sse-c-key', `fileb://${wrongPath}`],
      { env: cli },
    );
    expect(wrong.code).not.toBe(0);
    expect(wrong.stdout.length).toBe(0);
    const key = readFileSync(keyPath);
    for (const out of [put.stderr, put.out, wrong.stderr])
      expect(out).not.toContain(key.toString('base64'));
  });
});

describe('interruption and terminals', () => {
  it('SIGINT during a multipart upload exits 130 and leaves no parts behind', async () => {
    const child = spawn(
      process.execPath,
      [BIN, 'put', '-', url('interrupted.bin'), '--part-size', '5MiB'],
      { env: cli, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdin.on('error', () => {});
    // Feed 12 MiB, then keep the stream open so the upload is mid-way when interrupted.
    child.stdin.write(randomBytes(12 * 1024 * 1024));
    await new Promise((r) => setTimeout(r, 2500));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/interrupted/);
    const s3 = makeS3Client(env);
    try {
      const uploads = await s3.send(
        new ListMultipartUploadsCommand({ Bucket: bucket.name, Prefix: 'interrupted.bin' }),
      );
      expect(uploads.Uploads ?? []).toEqual([]);
    } finally {
      s3.destroy();
    }
  });

  it('draws a progress bar with rate and ETA when stderr is a terminal', async () => {
    const src = join(dir, 'progress.bin');
    writeFileSync(src, randomBytes(6 * 1024 * 1024));
    // `script` gives the CLI a pseudo-terminal, as an interactive shell would.
    const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} put ${JSON.stringify(src)} ${url('progress.bin')}`;
    const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const c = spawn('script', ['-qec', cmd, '/dev/null'], {
        env: { ...cli, TERM: 'xterm' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      c.stdout.on('data', (d: Buffer) => (out += d.toString()));
      c.stderr.on('data', (d: Buffer) => (out += d.toString()));
      c.on('close', (code) => {
        resolve({ code, out });
      });
    });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/put .*progress\.bin \[[#.]+\] +\d+% .*\/s ETA \d+:\d\d/);
    expect(r.out).toMatch(/encrypted .*progress\.bin/);
  });
});
