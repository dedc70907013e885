// The command lines of the contenders in bench/peers.ts — s3enc's CLI (the built bin), s5cmd,
// the AWS CLI v1 and rclone with a crypt remote — all pointed at the same MinIO over TLS,
// each given the test CA its own way, none reading the user's configuration.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestEnv } from '../test/harness/types.js';

/** What bench/peers-install.sh prints. */
export interface PeerPaths {
  aws: string;
  s5cmd: string;
  rclone: string;
  versions: Record<string, string>;
}

/** One contender: argv builders and the environment they run in. */
export interface Tool {
  name: string;
  env: Record<string, string>;
  put(file: string, key: string): string[];
  get(key: string, file: string): string[];
}

/** A contender for whole trees (`cp --recursive` both ways). */
export interface TreeTool {
  name: string;
  env: Record<string, string>;
  putTree(dir: string, prefix: string): string[];
  getTree(prefix: string, dir: string): string[];
}

export interface ToolContext {
  env: TestEnv;
  bucket: string;
  peers: PeerPaths;
  /** Private scratch directory (an empty HOME, rclone's config). */
  dir: string;
  /** The Node that runs the CLI and `packages/cli/bin/s3enc.js`. */
  node: string;
  cliBin: string;
}

/** Standard AWS variables only, an empty HOME: no profile or config of the user leaks in. */
function baseEnv(c: ToolContext): Record<string, string> {
  const home = join(c.dir, 'home');
  mkdirSync(home, { recursive: true });
  const e: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-aws-credentials'),
    AWS_ACCESS_KEY_ID: c.env.s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: c.env.s3.credentials.secretAccessKey,
    AWS_REGION: c.env.s3.region,
    AWS_DEFAULT_REGION: c.env.s3.region,
    NO_COLOR: '1',
  };
  if (c.env.s3.credentials.sessionToken) {
    e.AWS_SESSION_TOKEN = c.env.s3.credentials.sessionToken;
  }
  return e;
}

const url = (c: ToolContext, key: string) => `s3://${c.bucket}/${key}`;

/** s3enc's CLI, encrypting under the test KMS key; `extra` goes after the command's operands. */
export function s3encTool(c: ToolContext, name = 's3enc', extra: readonly string[] = []): Tool {
  const env = {
    ...baseEnv(c),
    AWS_ENDPOINT_URL_S3: c.env.s3.endpoint,
    AWS_ENDPOINT_URL_KMS: c.env.kms.endpoint,
    AWS_CA_BUNDLE: c.env.caPath,
    S3ENC_KMS_KEY_ID: c.env.kmsKeys.primary.arn,
  };
  const cli = [c.node, c.cliBin];
  return {
    name,
    env,
    put: (file, key) => [...cli, 'put', file, url(c, key), '--no-progress', ...extra],
    get: (key, file) => [...cli, 'get', url(c, key), file, '--no-progress', ...extra],
  };
}

export function s3encTreeTool(c: ToolContext, name: string, extra: readonly string[]): TreeTool {
  const t = s3encTool(c, name);
  const cli = [c.node, c.cliBin];
  return {
    name,
    env: t.env,
    putTree: (dir, prefix) => [
      ...cli,
      'cp',
      '--recursive',
      dir,
      url(c, `${prefix}/`),
      '--quiet',
      ...extra,
    ],
    getTree: (prefix, dir) => [
      ...cli,
      'cp',
      '--recursive',
      url(c, `${prefix}/`),
      dir,
      '--quiet',
      ...extra,
    ],
  };
}

/** s5cmd: plaintext, its defaults (256 workers, 5 parts of 50 MB in flight per file). Go reads
 * the CA from SSL_CERT_FILE (s5cmd has no CA flag). */
function s5cmdBase(c: ToolContext): { env: Record<string, string>; cmd: string[] } {
  return {
    env: { ...baseEnv(c), SSL_CERT_FILE: c.env.caPath },
    cmd: [c.peers.s5cmd, '--endpoint-url', c.env.s3.endpoint, '--log', 'error'],
  };
}

export function s5cmdTool(c: ToolContext): Tool {
  const { env, cmd } = s5cmdBase(c);
  return {
    name: 's5cmd',
    env,
    put: (file, key) => [...cmd, 'cp', file, url(c, key)],
    get: (key, file) => [...cmd, 'cp', url(c, key), file],
  };
}

export function s5cmdTreeTool(c: ToolContext): TreeTool {
  const { env, cmd } = s5cmdBase(c);
  return {
    name: 's5cmd',
    env,
    putTree: (dir, prefix) => [...cmd, 'cp', `${dir}/`, url(c, `${prefix}/`)],
    getTree: (prefix, dir) => [...cmd, 'cp', url(c, `${prefix}/*`), `${dir}/`],
  };
}

/** The AWS CLI v1 (`aws s3 cp`): plaintext, its defaults (10 requests, 8 MiB parts). */
export function awsTool(c: ToolContext): Tool {
  const env = { ...baseEnv(c), AWS_CA_BUNDLE: c.env.caPath };
  const cmd = [c.peers.aws, '--endpoint-url', c.env.s3.endpoint, 's3', 'cp', '--only-show-errors'];
  return {
    name: 'aws s3 cp',
    env,
    put: (file, key) => [...cmd, file, url(c, key)],
    get: (key, file) => [...cmd, url(c, key), file],
  };
}

/**
 * rclone with a crypt remote over an S3 remote (its defaults: 5 MiB chunks, 4 in flight up;
 * multi-thread downloads of 4 streams above 256 MiB). `--ignore-times`: transfer every round
 * even though the destination already holds the same size and time.
 */
export function rcloneCryptTool(c: ToolContext): Tool {
  const password = execFileSync(c.peers.rclone, ['obscure', 'peerbench-password'], {
    encoding: 'utf8',
  }).trim();
  const config = join(c.dir, 'rclone.conf');
  writeFileSync(
    config,
    [
      '[s3]',
      'type = s3',
      'provider = Minio',
      `access_key_id = ${c.env.s3.credentials.accessKeyId}`,
      `secret_access_key = ${c.env.s3.credentials.secretAccessKey}`,
      `region = ${c.env.s3.region}`,
      `endpoint = ${c.env.s3.endpoint}`,
      'no_check_bucket = true',
      '',
      '[crypt]',
      'type = crypt',
      `remote = s3:${c.bucket}/rclone-crypt`,
      `password = ${password}`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const cmd = [
    c.peers.rclone,
    '--config',
    config,
    '--ca-cert',
    c.env.caPath,
    '-q',
    '--ignore-times',
  ];
  return {
    name: 'rclone crypt',
    env: baseEnv(c),
    put: (file, key) => [...cmd, 'copyto', file, `crypt:${key}`],
    get: (key, file) => [...cmd, 'copyto', `crypt:${key}`, file],
  };
}
