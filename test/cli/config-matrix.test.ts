// Configuration as the AWS CLI and SDK read it (#17): config and credentials files written by
// the test, read through the SDK's own loaders; `--profile NAME` and `AWS_PROFILE=NAME` give the
// same result in every case; AWS_MAX_ATTEMPTS / max_attempts / retry_mode are honoured.
import { chmodSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getTestEnv, type TestBucket } from '../harness/env.js';
import { runCli, useCliFixture, type CliResult } from './cli-helpers.js';

const env = getTestEnv();
let bucket: TestBucket;
let cli: Record<string, string>;
let dir: string;
useCliFixture({ prefix: 's3enc-cli-config' }, (f) => {
  ({ bucket, cli, dir } = f);
});
const url = (key: string) => `s3://${bucket.name}/${key}`;

/** The environment with nothing from the AWS variables but the files and the KMS key. */
function filesOnly(
  config: string,
  credentials = '/nonexistent/s3enc-credentials',
): Record<string, string> {
  const e: Record<string, string> = {
    PATH: cli.PATH!,
    HOME: cli.HOME!,
    NO_COLOR: '1',
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: credentials,
    AWS_EC2_METADATA_DISABLED: 'true',
    S3ENC_KMS_KEY_ID: env.kmsKeys.primary.arn,
  };
  return e;
}

let n = 0;
function writeConfig(text: string): string {
  const p = join(dir, `config-${++n}`);
  writeFileSync(p, text);
  return p;
}

const creds = `aws_access_key_id = ${env.s3.credentials.accessKeyId}\naws_secret_access_key = ${env.s3.credentials.secretAccessKey}\n`;

/** Runs the command with --profile and with AWS_PROFILE; both must give the same outcome. */
async function bothWays(
  args: string[],
  e: Record<string, string>,
  profile: string,
  input?: string,
): Promise<CliResult> {
  const a = await runCli([...args, '--profile', profile], {
    env: e,
    ...(input !== undefined ? { input } : {}),
  });
  const b = await runCli(args, {
    env: { ...e, AWS_PROFILE: profile },
    ...(input !== undefined ? { input } : {}),
  });
  expect(b.code, `AWS_PROFILE: ${b.stderr}`).toBe(a.code);
  // Same outcome; a put's output differs only in what each upload makes anew (ids, checksums).
  if (args[0] !== 'put') expect(b.out).toBe(a.out);
  expect(b.stderr.replace(/[\s\S]*s3enc: error:/, '')).toBe(
    a.stderr.replace(/[\s\S]*s3enc: error:/, '').replace('(from --profile)', '(from AWS_PROFILE)'),
  );
  return a;
}

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) =>
    s.close(() => {
      r();
    }),
  );
  return port;
}

describe('profiles', () => {
  it('region, endpoint_url, ca_bundle and keys of a profile (--profile = AWS_PROFILE)', async () => {
    const config = writeConfig(
      `[profile local]\nregion = ${env.s3.region}\nendpoint_url = ${env.s3.endpoint}\nca_bundle = ${env.caPath}\n${creds}`,
    );
    // endpoint_url applies to every service: KMS needs its own here (a services section, below).
    const e = { ...filesOnly(config), AWS_ENDPOINT_URL_KMS: env.kms.endpoint };
    const put = await bothWays(['put', '-', url('p1'), '--json'], e, 'local', 'profile one');
    expect(put.code, put.stderr).toBe(0);
    const get = await bothWays(['get', url('p1'), '-'], e, 'local');
    expect(get.code, get.stderr).toBe(0);
    expect(get.out).toBe('profile one');
  });

  it('a services section gives S3 and KMS their endpoints; keys from the credentials file', async () => {
    const config = writeConfig(
      `[profile svc]\nregion = ${env.s3.region}\nservices = local-stack\nca_bundle = ${env.caPath}\n\n` +
        `[services local-stack]\ns3 =\n  endpoint_url = ${env.s3.endpoint}\nkms =\n  endpoint_url = ${env.kms.endpoint}\n`,
    );
    const credentials = join(dir, `credentials-${++n}`);
    writeFileSync(credentials, `[svc]\n${creds}`);
    const e = filesOnly(config, credentials);
    const put = await bothWays(['put', '-', url('p2')], e, 'svc', 'services');
    expect(put.code, put.stderr).toBe(0);
    const head = await bothWays(['head', url('p2'), '--json'], e, 'svc');
    expect(head.code, head.stderr).toBe(0);
    expect(JSON.parse(head.out)).toMatchObject({ ok: true, encrypted: true });
  });

  it('credential_process supplies the keys', async () => {
    const script = join(dir, 'creds.sh');
    writeFileSync(
      script,
      `#!/bin/sh\necho '{"Version":1,"AccessKeyId":"${env.s3.credentials.accessKeyId}","SecretAccessKey":"${env.s3.credentials.secretAccessKey}"}'\n`,
    );
    chmodSync(script, 0o700);
    const config = writeConfig(
      `[profile proc]\nregion = ${env.s3.region}\ncredential_process = ${script}\nca_bundle = ${env.caPath}\nservices = s\n\n[services s]\ns3 =\n  endpoint_url = ${env.s3.endpoint}\nkms =\n  endpoint_url = ${env.kms.endpoint}\n`,
    );
    const r = await bothWays(['put', '-', url('p3')], filesOnly(config), 'proc', 'process');
    expect(r.code, r.stderr).toBe(0);
  });

  it('flags and variables win over the profile', async () => {
    const port = await closedPort();
    const config = writeConfig(
      `[profile stale]\nregion = ${env.s3.region}\nendpoint_url = https://127.0.0.1:${port}\nca_bundle = ${env.caPath}\n${creds}`,
    );
    const e = { ...filesOnly(config), AWS_ENDPOINT_URL_KMS: env.kms.endpoint };
    let r = await bothWays(
      ['put', '-', url('p4'), '--endpoint-url', env.s3.endpoint],
      e,
      'stale',
      'x',
    );
    expect(r.code, r.stderr).toBe(0);
    r = await bothWays(
      ['head', url('p4')],
      { ...e, AWS_ENDPOINT_URL_S3: env.s3.endpoint },
      'stale',
    );
    expect(r.code, r.stderr).toBe(0);
    // Without them, the profile's endpoint is used, and named.
    r = await bothWays(['head', url('p4')], e, 'stale');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ERR_S3ENC_CLI_CONNECTION_REFUSED/);
    expect(r.stderr).toMatch(/profile stale .* endpoint_url/);
  });

  it('a profile naming a missing services section, or a bad retry setting, is ERR_S3ENC_CLI_CONFIG', async () => {
    for (const body of ['services = nowhere', 'retry_mode = sometimes', 'max_attempts = 0']) {
      const config = writeConfig(`[profile bad]\nregion = ${env.s3.region}\n${body}\n${creds}`);
      const r = await bothWays(['head', url('p1')], filesOnly(config), 'bad');
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('(ERR_S3ENC_CLI_CONFIG)');
    }
  });
});

describe('retries', () => {
  it('AWS_MAX_ATTEMPTS and max_attempts set the attempts; the variable wins', async () => {
    const port = await closedPort();
    const endpoint = `https://127.0.0.1:${port}`;
    const config = writeConfig(
      `[profile r]\nregion = ${env.s3.region}\nendpoint_url = ${endpoint}\nmax_attempts = 3\nretry_mode = standard\n${creds}`,
    );
    let r = await bothWays(['head', url('x')], filesOnly(config), 'r');
    expect(r.stderr).toMatch(/after 3 attempts/);
    r = await bothWays(['head', url('x')], { ...filesOnly(config), AWS_MAX_ATTEMPTS: '1' }, 'r');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('(ERR_S3ENC_CLI_CONNECTION_REFUSED)');
    expect(r.stderr).not.toMatch(/after \d+ attempts/);
    r = await bothWays(
      ['head', url('x'), '--json'],
      { ...filesOnly(config), AWS_MAX_ATTEMPTS: '2' },
      'r',
    );
    expect(JSON.parse(r.out).error.cause).toMatchObject({
      kind: 'connection-refused',
      attempts: 2,
    });
  });
});

describe('role assumption', () => {
  it('role_arn with source_profile: the SDK assumes the role through STS (MinIO AssumeRole)', async () => {
    // MinIO serves STS at its S3 endpoint. The SDK's STS client takes its endpoint from
    // AWS_ENDPOINT_URL_STS and its CA from NODE_EXTRA_CA_CERTS (it is not an s3enc client).
    const config = writeConfig(
      `[profile base]\nregion = ${env.s3.region}\n${creds}\n` +
        `[profile assumed]\nregion = ${env.s3.region}\nrole_arn = arn:aws:iam::000000000000:role/s3enc-test\nsource_profile = base\nca_bundle = ${env.caPath}\nservices = s\n\n` +
        `[services s]\ns3 =\n  endpoint_url = ${env.s3.endpoint}\nkms =\n  endpoint_url = ${env.kms.endpoint}\n`,
    );
    const e = {
      ...filesOnly(config),
      AWS_ENDPOINT_URL_STS: env.s3.endpoint,
      NODE_EXTRA_CA_CERTS: env.caPath,
      // local-kms accepts any credentials; MinIO checks the temporary ones STS issued.
    };
    const r = await bothWays(['put', '-', url('assumed')], e, 'assumed', 'role');
    expect(r.code, r.stderr).toBe(0);
    // The credentials really come from STS: a source profile STS rejects fails the command.
    const bad = writeConfig(
      `[profile base]\nregion = ${env.s3.region}\naws_access_key_id = ${env.s3.credentials.accessKeyId}\naws_secret_access_key = wrong-secret\n\n` +
        `[profile assumed]\nregion = ${env.s3.region}\nrole_arn = arn:aws:iam::000000000000:role/s3enc-test\nsource_profile = base\nca_bundle = ${env.caPath}\nendpoint_url = ${env.s3.endpoint}\n`,
    );
    const refused = await bothWays(
      ['head', url('assumed')],
      { ...e, AWS_CONFIG_FILE: bad },
      'assumed',
    );
    expect(refused.code, refused.stderr).toBe(4);
  });
});
