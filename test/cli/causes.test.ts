// Every failure names its cause and the next step (#17): the built CLI, spawned as a user runs
// it, against MinIO and local-kms over TLS, an unreachable port, a TLS server whose certificate
// names another host, and config files written here. Each case asserts the exit code, the
// error code (the same in every command) and that the message names the cause; `--json`
// carries the cause as error.cause.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { createServer as createTlsServer, type Server } from 'node:tls';
import { join } from 'node:path';
import { CreateKeyCommand, DisableKeyCommand } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTestEnv, makeKmsClient, type TestBucket } from '../harness/env.js';
import { makeCerts } from '../harness/certs.js';
import { startHostileS3, type HostileS3 } from '../harness/hostile-s3.js';
import { runCli, useCliFixture, type CliResult } from './cli-helpers.js';

const env = getTestEnv();
let bucket: TestBucket;
let cli: Record<string, string>;
let dir: string;
useCliFixture({ versioning: true, prefix: 's3enc-cli-causes' }, (f) => {
  ({ bucket, cli, dir } = f);
});

const url = (key: string) => `s3://${bucket.name}/${key}`;

interface JsonError {
  ok: false;
  error: {
    code: string;
    message: string;
    exitCode: number;
    hint?: string;
    cause?: Record<string, unknown>;
  };
}

/** The JSON error document of a `--json` run (stdout, or stderr when stdout carried data). */
function jsonError(r: CliResult): JsonError {
  const line = (r.out.trim() || r.stderr.split('\n')[0]) ?? '';
  return JSON.parse(line) as JsonError;
}

function expectFailure(r: CliResult, exit: number, code: string, ...patterns: RegExp[]): void {
  expect(r.code, r.stderr).toBe(exit);
  expect(r.stderr, r.stderr).toContain(`(${code})`);
  for (const p of patterns) expect(r.stderr, r.stderr).toMatch(p);
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) =>
    s.close(() => {
      r();
    }),
  );
  return port;
}

const without = (e: Record<string, string>, ...names: string[]) => {
  return Object.fromEntries(Object.entries(e).filter(([k]) => !names.includes(k)));
};

describe('TLS', () => {
  it('an unknown CA names the endpoint and where it came from, and says --ca-bundle', async () => {
    const bare = without(cli, 'AWS_CA_BUNDLE');
    // head and get reach S3 first; put asks KMS for the data key first.
    for (const [args, service, endpoint, source] of [
      [['head', url('x')], 'S3', env.s3.endpoint, 'AWS_ENDPOINT_URL_S3'],
      [['get', url('x'), join(dir, 'x')], 'S3', env.s3.endpoint, 'AWS_ENDPOINT_URL_S3'],
      [['put', '-', url('x')], 'KMS', env.kms.endpoint, 'AWS_ENDPOINT_URL_KMS'],
    ] as const) {
      const r = await runCli([...args], { env: bare, input: 'x' });
      expectFailure(r, 2, 'ERR_S3ENC_CLI_TLS_UNTRUSTED', /not trusted/, /--ca-bundle/);
      expect(r.stderr).toContain(`${service} at ${endpoint} (from ${source})`);
    }
    const j = await runCli(['head', url('x'), '--json'], { env: bare });
    const doc = jsonError(j);
    expect(doc.error.code).toBe('ERR_S3ENC_CLI_TLS_UNTRUSTED');
    expect(doc.error.cause).toMatchObject({
      kind: 'tls-untrusted',
      service: 'S3',
      endpoint: env.s3.endpoint,
      endpointSource: 'AWS_ENDPOINT_URL_S3',
    });
  });

  describe('a certificate for another host', () => {
    let server: Server;
    let port: number;
    let caPath: string;
    beforeAll(async () => {
      const d = join(dir, 'other-host');
      mkdirSync(d, { recursive: true });
      const certs = await makeCerts(d, { subjectAltNames: ['DNS:some-other-host.invalid'] });
      server = createTlsServer({ key: certs.key, cert: certs.cert }, (sock) => sock.destroy());
      server.on('tlsClientError', () => {});
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as AddressInfo).port;
      caPath = certs.caPath;
    });
    afterAll(() => {
      server.close();
    });

    it('a host name mismatch names the endpoint and the flag that set it', async () => {
      const endpoint = `https://127.0.0.1:${port}`;
      const r = await runCli(
        ['head', url('x'), '--endpoint-url', endpoint, '--ca-bundle', caPath],
        { env: cli },
      );
      expectFailure(r, 2, 'ERR_S3ENC_CLI_TLS_HOSTNAME', /does not name the host/, /--endpoint-url/);
      expect(r.stderr).toContain(endpoint);
    });
  });
});

describe('network', () => {
  it('a refused connection names the endpoint and its source: flag, variable, profile', async () => {
    const port = await closedPort();
    const endpoint = `https://127.0.0.1:${port}`;
    let r = await runCli(['head', url('x'), '--endpoint-url', endpoint], { env: cli });
    expectFailure(r, 1, 'ERR_S3ENC_CLI_CONNECTION_REFUSED', /connection refused/, /--endpoint-url/);
    expect(r.stderr).toContain(endpoint);

    r = await runCli(['put', '-', url('x')], {
      env: { ...cli, AWS_ENDPOINT_URL_S3: endpoint },
      input: 'x',
    });
    expectFailure(r, 1, 'ERR_S3ENC_CLI_CONNECTION_REFUSED', /AWS_ENDPOINT_URL_S3/);

    // The KMS endpoint: put asks KMS for a data key first.
    r = await runCli(['put', '-', url('x')], {
      env: { ...cli, AWS_ENDPOINT_URL_KMS: endpoint },
      input: 'x',
    });
    expectFailure(r, 1, 'ERR_S3ENC_CLI_CONNECTION_REFUSED', /KMS at/, /AWS_ENDPOINT_URL_KMS/);

    // From a profile's services section, with max_attempts from the same profile.
    const config = join(dir, 'refused-config');
    writeFileSync(
      config,
      `[profile far]\nregion = ${env.s3.region}\naws_access_key_id = ${env.s3.credentials.accessKeyId}\naws_secret_access_key = ${env.s3.credentials.secretAccessKey}\nservices = far-away\nmax_attempts = 2\n\n[services far-away]\ns3 =\n  endpoint_url = ${endpoint}\n`,
    );
    const p = without(
      { ...cli, AWS_CONFIG_FILE: config },
      'AWS_ENDPOINT_URL_S3',
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'AWS_REGION',
    );
    for (const how of [['--profile', 'far'], []]) {
      r = await runCli(['head', url('x'), ...how], {
        env: how.length === 0 ? { ...p, AWS_PROFILE: 'far' } : p,
      });
      expectFailure(
        r,
        1,
        'ERR_S3ENC_CLI_CONNECTION_REFUSED',
        /profile far/,
        /\[services far-away\] s3 endpoint_url/,
        /after 2 attempts/,
      );
    }
  });

  it('a host name that does not resolve', async () => {
    const r = await runCli(['head', url('x'), '--endpoint-url', 'https://no-such-host.invalid'], {
      env: cli,
    });
    expectFailure(r, 1, 'ERR_S3ENC_CLI_DNS', /could not be resolved/, /no-such-host\.invalid/);
  });
});

describe('credentials and Region', () => {
  it('no credentials: lists what was tried and names --profile', async () => {
    const none = {
      ...without(cli, 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'),
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    const head = await runCli(['head', url('x')], { env: none });
    expectFailure(
      head,
      4,
      'ERR_S3ENC_CLI_NO_CREDENTIALS',
      /no AWS credentials/,
      /profile default/,
      /--profile/,
    );
    const profiled = await runCli(['head', url('x'), '--profile', 'nobody'], { env: none });
    expectFailure(
      profiled,
      4,
      'ERR_S3ENC_CLI_NO_CREDENTIALS',
      /profile nobody \(from --profile\)/,
      /is not in|tried/,
    );
    const r = await runCli(['get', url('x'), join(dir, 'nocred')], { env: none });
    expectFailure(r, 4, 'ERR_S3ENC_CLI_NO_CREDENTIALS', /AWS_ACCESS_KEY_ID/);
  });

  it('rejected credentials', async () => {
    const r = await runCli(['head', url('x')], {
      env: { ...cli, AWS_SECRET_ACCESS_KEY: 'not-the-secret-key-at-all' },
    });
    expectFailure(r, 4, 'ERR_S3ENC_CLI_CREDENTIALS_REJECTED', /rejected the credentials/);
  });

  it('a missing Region is ERR_S3ENC_CLI_NO_REGION in every command', async () => {
    const noRegion = without(cli, 'AWS_REGION');
    for (const args of [
      ['head', url('x')],
      ['put', '-', url('x')],
      ['get', url('x'), join(dir, 'nr')],
      ['lock', 'show', url('x')],
      ['rm', url('x')],
    ]) {
      const r = await runCli(args, { env: noRegion, input: 'x' });
      expectFailure(r, 2, 'ERR_S3ENC_CLI_NO_REGION', /--region/);
    }
  });
});

describe('KMS', () => {
  it('a key KMS does not know, named with where it came from', async () => {
    const arn = env.kmsKeys.primary.arn.replace(/key\/.*$/, `key/${randomUUID()}`);
    let r = await runCli(['put', '-', url('k'), '--kms-key-id', arn], { env: cli, input: 'x' });
    expectFailure(r, 4, 'ERR_S3ENC_CLI_KMS_KEY_NOT_FOUND', /does not know/, /--kms-key-id/);
    expect(r.stderr).toContain(arn);
    r = await runCli(['put', '-', url('k'), '--json'], {
      env: { ...cli, S3ENC_KMS_KEY_ID: 'alias/no-such-alias' },
      input: 'x',
    });
    const doc = jsonError(r);
    expect(doc.error.code).toBe('ERR_S3ENC_CLI_KMS_KEY_NOT_FOUND');
    expect(doc.error.cause).toMatchObject({
      kind: 'kms-key-not-found',
      kmsKeyIds: ['alias/no-such-alias'],
    });
    expect(doc.error.message).toMatch(/S3ENC_KMS_KEY_ID/);
  });

  it('a key of another Region', async () => {
    const other = env.kms.region === 'eu-west-3' ? 'ap-south-2' : 'eu-west-3';
    const arn = env.kmsKeys.primary.arn.replace(`:${env.kms.region}:`, `:${other}:`);
    const r = await runCli(['put', '-', url('k'), '--kms-key-id', arn], { env: cli, input: 'x' });
    expectFailure(
      r,
      4,
      'ERR_S3ENC_CLI_KMS_WRONG_REGION',
      new RegExp(`Region ${other}`),
      /--region/,
    );
  });

  it('a disabled key', async () => {
    const kms = makeKmsClient(env);
    let keyId: string;
    try {
      keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
      await kms.send(new DisableKeyCommand({ KeyId: keyId }));
    } finally {
      kms.destroy();
    }
    const r = await runCli(['put', '-', url('k'), '--kms-key-id', keyId], { env: cli, input: 'x' });
    expectFailure(r, 4, 'ERR_S3ENC_CLI_KMS_KEY_DISABLED', /disabled/);
  });
});

describe('S3 answers', () => {
  it('a missing bucket is ERR_S3ENC_NO_SUCH_BUCKET in every command; a missing key NO_SUCH_KEY', async () => {
    const missing = `s3://no-such-bucket-${randomBytes(4).toString('hex')}/k`;
    let r = await runCli(['put', '-', missing], { env: cli, input: 'x' });
    expectFailure(r, 1, 'ERR_S3ENC_NO_SUCH_BUCKET', /bucket no-such-bucket-\w+ does not exist/);
    expect(r.stderr).not.toMatch(/version-id/);
    r = await runCli(['get', missing, join(dir, 'nb')], { env: cli });
    expectFailure(r, 1, 'ERR_S3ENC_NO_SUCH_BUCKET');
    // HEAD answers 404 without a body for both: the CLI asks which one is missing.
    r = await runCli(['head', missing], { env: cli });
    expectFailure(r, 1, 'ERR_S3ENC_NO_SUCH_BUCKET', /does not exist/);
    r = await runCli(['head', url('no-such-key')], { env: cli });
    expectFailure(r, 1, 'ERR_S3ENC_NO_SUCH_KEY');
    const bucketOnly = missing.replace(/\/k$/, '');
    for (const args of [
      ['rm', missing],
      ['lock', 'show', missing],
      ['audit', bucketOnly],
    ]) {
      r = await runCli(args, { env: cli });
      expectFailure(
        r,
        1,
        'ERR_S3ENC_NO_SUCH_BUCKET',
        /the bucket no-such-bucket-\w+ does not exist at/,
      );
    }
    r = await runCli(['get', url('no-such-key'), join(dir, 'nk')], { env: cli });
    expectFailure(r, 1, 'ERR_S3ENC_NO_SUCH_KEY', /does not exist/);
  });

  it('SSE-C: an object read without its key, and with the wrong key', async () => {
    const k1 = join(dir, 'ssec1.key');
    const k2 = join(dir, 'ssec2.key');
    writeFileSync(k1, randomBytes(32), { mode: 0o600 });
    writeFileSync(k2, randomBytes(32), { mode: 0o600 });
    let r = await runCli(['put', '-', url('ssec'), '--sse-c-key', `fileb://${k1}`], {
      env: cli,
      input: 'secret',
    });
    expect(r.code, r.stderr).toBe(0);
    for (const args of [
      ['get', url('ssec'), join(dir, 'ssec.out')],
      ['head', url('ssec')],
    ]) {
      r = await runCli(args, { env: cli });
      expectFailure(r, 4, 'ERR_S3ENC_CLI_SSE_C_KEY_REQUIRED', /SSE-C/, /--sse-c-key/);
      r = await runCli([...args, '--sse-c-key', `fileb://${k2}`], { env: cli });
      expectFailure(r, 4, 'ERR_S3ENC_CLI_SSE_C_KEY_MISMATCH', /not the key/);
    }
  });
});

describe('answers only a programmable server gives on demand', () => {
  // The hostile endpoint of the harness: a TLS server in front of MinIO that forwards every
  // request unless a rule answers it (a stall, or an error document S3 or KMS would send).
  let hostile: HostileS3;
  let ca: string;
  beforeAll(async () => {
    hostile = await startHostileS3({ upstream: env.s3.endpoint, upstreamCa: env.ca });
    ca = join(dir, 'hostile-ca.pem');
    writeFileSync(ca, `${env.ca}\n${hostile.ca}`);
  });
  afterAll(async () => {
    await hostile.close();
  });

  it('a server that never answers: ERR_S3ENC_CLI_TIMEOUT names the endpoint (--cli-read-timeout)', async () => {
    hostile.program([{ respond: () => ({ kind: 'stall' }) }]);
    const r = await runCli(
      [
        'head',
        url('x'),
        '--endpoint-url',
        hostile.endpoint,
        '--ca-bundle',
        ca,
        '--cli-read-timeout',
        '1',
      ],
      { env: { ...cli, AWS_MAX_ATTEMPTS: '1' } },
    );
    expectFailure(r, 1, 'ERR_S3ENC_CLI_TIMEOUT', /no answer/, /--endpoint-url/);
    expect(r.stderr).toContain(hostile.endpoint);
  });

  it('S3 AccessDenied names the action and the resource', async () => {
    const denied = Buffer.from(
      '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied.</Message></Error>',
    );
    hostile.program([
      {
        match: { method: 'GET' },
        respond: () => ({
          kind: 'reply',
          reply: { status: 403, headers: { 'content-type': 'application/xml' }, body: denied },
        }),
      },
    ]);
    const r = await runCli(
      [
        'get',
        url('secret.txt'),
        join(dir, 'denied'),
        '--endpoint-url',
        hostile.endpoint,
        '--ca-bundle',
        ca,
        '--json',
      ],
      { env: cli },
    );
    const doc = jsonError(r);
    expect(r.code).toBe(4);
    expect(doc.error.code).toBe('ERR_S3ENC_ACCESS_DENIED');
    expect(doc.error.message).toBe(
      `access denied: s3:GetObject on arn:aws:s3:::${bucket.name}/secret.txt (GetObject)`,
    );
    expect(doc.error.cause).toMatchObject({ kind: 'access-denied', action: 's3:GetObject' });
  });

  it('KMS AccessDeniedException names the key and where it came from', async () => {
    const body = Buffer.from(
      JSON.stringify({
        __type: 'AccessDeniedException',
        message: 'User is not authorized to perform: kms:GenerateDataKey',
      }),
    );
    hostile.program([
      {
        respond: () => ({
          kind: 'reply',
          reply: { status: 400, headers: { 'content-type': 'application/x-amz-json-1.1' }, body },
        }),
      },
    ]);
    const r = await runCli(
      ['put', '-', url('k'), '--kms-endpoint-url', hostile.endpoint, '--ca-bundle', ca],
      {
        env: cli,
        input: 'x',
      },
    );
    expectFailure(
      r,
      4,
      'ERR_S3ENC_CLI_KMS_ACCESS_DENIED',
      /KMS denied the use of the KMS key/,
      /S3ENC_KMS_KEY_ID/,
      /kms:GenerateDataKey/,
    );
  });
});
