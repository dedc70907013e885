// Shared setup of the hostile-endpoint tests: the hostile S3 in front of MinIO, objects written
// directly, and every download run in a child process (the library's `get` stream and
// `getToFile`, the built CLI's `get` and `head`) so its peak memory is measured and a crash or a
// hang shows as such. Each run reports the exit code, the error code, the bytes it released,
// the files left behind and its peak RSS.
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ByteRange } from '@s3enc/core';
import { EncryptedS3Client, type EncryptedS3ClientOptions } from '@s3enc/node';
import { afterAll, beforeAll, expect } from 'vitest';
import { BIN, cliEnv, ensureCliBuilt } from '../cli/cli-helpers.js';
import {
  createTestBucket,
  getTestEnv,
  makeS3Client,
  type TestBucket,
  type TestEnv,
} from '../harness/env.js';
import { startHostileS3, type HostileS3 } from '../harness/hostile-s3.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
export const MiB = 1024 * 1024;
/**
 * Peak RSS any download here may reach. A healthy `get` stays near 135 MiB (measured) (node, the SDKs,
 * TLS, a few 1 MiB chunks); the attacks below would need gigabytes (or crash). A bound, not a
 * timing.
 */
export const RSS_BOUND = 320 * MiB;
/** Old-space limit of each child: a runaway plan fails fast instead of filling the machine. */
const CHILD_HEAP_MIB = 512;

export interface Fixture {
  env: TestEnv;
  bucket: TestBucket;
  hostile: HostileS3;
  /** Direct to MinIO. */
  s3: S3Client;
  /** Library client direct to MinIO (writes the objects the tests serve). */
  writer: EncryptedS3Client;
  /** PEM file trusting MinIO's and the hostile endpoint's CAs. */
  caFile: string;
  dir: string;
}

/** Registers before/after hooks; the fixture is ready inside tests. */
export function useHostileFixture(prefix: string): Fixture {
  const f = {} as Fixture;
  beforeAll(async () => {
    ensureCliBuilt();
    f.env = getTestEnv();
    f.bucket = await createTestBucket(f.env, { prefix });
    f.hostile = await startHostileS3({ upstream: f.env.s3.endpoint, upstreamCa: f.env.ca });
    f.s3 = makeS3Client(f.env);
    f.writer = new EncryptedS3Client({
      s3: s3Of(f.env, f.env.s3.endpoint, [f.env.ca]),
      kmsKeyIds: [f.env.kmsKeys.primary.arn],
      kms: kmsOf(f.env),
    });
    f.dir = mkdtempSync(join(tmpdir(), `s3enc-${prefix}-`));
    f.caFile = join(f.dir, 'ca.pem');
    writeFileSync(f.caFile, `${f.env.ca}\n${f.hostile.ca}\n`);
  });
  afterAll(async () => {
    f.writer?.destroy();
    f.s3?.destroy();
    await f.hostile?.close();
    await f.bucket?.cleanup();
    if (f.dir) rmSync(f.dir, { recursive: true, force: true });
  });
  return f;
}

function s3Of(env: TestEnv, endpoint: string, ca: string[]) {
  return {
    endpoint,
    region: env.s3.region,
    credentials: env.s3.credentials,
    forcePathStyle: env.s3.forcePathStyle,
    ca,
  };
}

function kmsOf(env: TestEnv) {
  return {
    endpoint: env.kms.endpoint,
    region: env.kms.region,
    credentials: env.kms.credentials,
    ca: env.ca,
    maxAttempts: 2,
  };
}

/** How a download was run: the library (`get` stream, `getToFile`) or the built CLI. */
export type Mode = 'lib-stream' | 'lib-file' | 'cli-stdout' | 'cli-file';
export const GET_MODES: readonly Mode[] = ['lib-stream', 'lib-file', 'cli-stdout', 'cli-file'];

export interface Run {
  mode: Mode | 'cli-head';
  /** Exit code; null when killed (a hang past the bound, or a crash by signal). */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  ok: boolean;
  /** The S3EncError code (library `code`, CLI `--json` error code), when it failed. */
  code: string | undefined;
  name: string | undefined;
  message: string;
  /** Every byte released to the caller: the stream's bytes, or the written file. */
  delivered: Buffer;
  /** Files in the run's private output directory after it ended. */
  leftFiles: string[];
  /** Peak RSS of the child in bytes; undefined when it crashed before exiting. */
  maxRss: number | undefined;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  range?: ByteRange;
  /** `chunkSize` (library) / `--part-size` (CLI) of ranged GETs. */
  chunkSize?: number;
  concurrency?: number;
  /** Library only: per-request inactivity timeout. */
  requestTimeout?: number;
  /** Kill the child after this long: only a hang gets there. */
  killAfterMs?: number;
  /** Extra CLI arguments. */
  cliArgs?: string[];
}

function spawnChild(
  args: string[],
  env: Record<string, string>,
  killAfterMs: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env,
      cwd: HERE,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

let runs = 0;

/** Downloads bucket/key through the hostile endpoint in a child process, in the given mode. */
export async function runGet(
  f: Fixture,
  mode: Mode | 'cli-head',
  key: string,
  o: RunOptions = {},
): Promise<Run> {
  const runDir = join(f.dir, `run-${++runs}-${mode}`);
  return runIn(f, mode, key, o, runDir, join(runDir, 'out'));
}

async function runIn(
  f: Fixture,
  mode: Mode | 'cli-head',
  key: string,
  o: RunOptions,
  runDir: string,
  outputs: string,
): Promise<Run> {
  mkdirSync(outputs, { recursive: true });
  const rssFile = join(runDir, 'max-rss');
  const streamFile = join(runDir, 'stream');
  const target = join(outputs, 'target');
  const node = [`--max-old-space-size=${CHILD_HEAP_MIB}`, '-r', join(HERE, 'max-rss.cjs')];
  const killAfterMs = o.killAfterMs ?? 90_000;
  let r: Awaited<ReturnType<typeof spawnChild>>;
  let verdict: { ok: boolean; name?: string; code?: string; message?: string } = { ok: false };
  if (mode === 'lib-stream' || mode === 'lib-file') {
    const child = {
      mode: mode === 'lib-stream' ? 'stream' : 'file',
      s3: s3Of(f.env, f.hostile.endpoint, [f.env.ca, f.hostile.ca]),
      kms: kmsOf(f.env),
      kmsKeyIds: [f.env.kmsKeys.primary.arn],
      bucket: f.bucket.name,
      key,
      out: mode === 'lib-stream' ? streamFile : target,
      requestTimeout: o.requestTimeout,
      options: {
        ...(o.range ? { range: o.range } : {}),
        ...(o.chunkSize ? { chunkSize: o.chunkSize } : {}),
        ...(o.concurrency ? { concurrency: o.concurrency } : {}),
      },
    };
    r = await spawnChild(
      [...node, join(HERE, 'lib-get-child.mjs')],
      {
        PATH: process.env.PATH ?? '',
        S3ENC_TEST_CHILD: JSON.stringify(child),
        S3ENC_TEST_MAX_RSS_FILE: rssFile,
      },
      killAfterMs,
    );
    const last = r.stdout.toString('utf8').trim().split('\n').pop() ?? '';
    try {
      verdict = JSON.parse(last) as typeof verdict;
    } catch {
      verdict = { ok: false };
    }
  } else {
    const url = `s3://${f.bucket.name}/${key}`;
    const args =
      mode === 'cli-head' ? ['head', url] : ['get', url, mode === 'cli-stdout' ? '-' : target];
    if (o.range && mode !== 'cli-head')
      args.push('--range', `bytes=${o.range.start}-${o.range.end - 1}`);
    if (o.chunkSize && mode !== 'cli-head') args.push('--part-size', String(o.chunkSize));
    if (o.concurrency && mode !== 'cli-head') args.push('--concurrency', String(o.concurrency));
    args.push('--json', ...(o.cliArgs ?? []));
    const env = cliEnv(f.env, {
      AWS_ENDPOINT_URL_S3: f.hostile.endpoint,
      AWS_CA_BUNDLE: f.caFile,
      S3ENC_TEST_MAX_RSS_FILE: rssFile,
    });
    r = await spawnChild([...node, BIN, ...args], env, killAfterMs);
    if (mode === 'cli-stdout') writeFileSync(streamFile, r.stdout);
    // With --json the error document is the last JSON line (stdout, or stderr when stdout carried data).
    const lines = `${r.stdout.toString('utf8')}\n${r.stderr}`
      .split('\n')
      .filter((l) => l.startsWith('{'));
    for (const l of lines) {
      try {
        const j = JSON.parse(l) as { ok?: boolean; error?: { code?: string; message?: string } };
        if (j.ok === false) verdict = { ok: false, code: j.error?.code, message: j.error?.message };
        if (j.ok === true) verdict = { ok: true };
      } catch {
        // a line of data, not our document
      }
    }
  }
  const delivered =
    mode === 'lib-stream' || mode === 'cli-stdout'
      ? existsSync(streamFile)
        ? readFileSync(streamFile)
        : Buffer.alloc(0)
      : existsSync(target)
        ? readFileSync(target)
        : Buffer.alloc(0);
  return {
    mode,
    exitCode: mode.startsWith('lib') ? (r.code === 0 && !verdict.ok ? 1 : r.code) : r.code,
    signal: r.signal,
    ok: verdict.ok,
    code: verdict.code,
    name: verdict.name,
    message: verdict.message ?? '',
    delivered,
    leftFiles: readdirSync(outputs),
    maxRss: existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) : undefined,
    stdout: mode === 'cli-stdout' ? '' : r.stdout.toString('utf8'),
    stderr: r.stderr,
  };
}

/** Runs the download in every mode at once (rules must not depend on request order). */
export async function runAllModes(
  f: Fixture,
  key: string,
  o: RunOptions = {},
  modes: readonly (Mode | 'cli-head')[] = GET_MODES,
): Promise<Run[]> {
  return Promise.all(modes.map((m) => runGet(f, m, key, o)));
}

/**
 * What every hostile run must show: it ended by itself (no hang, no crash), with a typed error
 * whose code is one of `codes` and the CLI exit code `exitCode`; it released no byte that is not
 * the object's authenticated plaintext (a prefix of it for a stream, nothing for a file); it
 * left no file; its peak memory stayed under the bound.
 */
export function expectTypedFailure(
  runs: Run[],
  o: { plain: Buffer; codes: readonly string[]; exitCode: number | readonly number[] },
): void {
  const exits = typeof o.exitCode === 'number' ? [o.exitCode] : o.exitCode;
  for (const r of runs) {
    const what = `${r.mode}: exit ${r.exitCode} signal ${r.signal} code ${r.code} ${r.message} ${r.stderr.slice(0, 600)}`;
    expect(r.signal, what).toBeNull();
    expect(r.ok, what).toBe(false);
    expect(o.codes, what).toContain(r.code);
    if (r.mode.startsWith('cli')) expect(exits, what).toContain(r.exitCode);
    else expect(r.exitCode, what).toBe(1);
    expectOnlyAuthenticated(r, o.plain);
    expect(r.leftFiles, what).toEqual([]);
    expect(r.maxRss, `${what}: peak RSS`).toBeDefined();
    expect(r.maxRss!, `${what}: peak RSS`).toBeLessThan(RSS_BOUND);
  }
}

/** The bytes a run released are a prefix of the plaintext (a file target: none at all on failure). */
export function expectOnlyAuthenticated(r: Run, plain: Buffer): void {
  if (r.mode === 'lib-file' || r.mode === 'cli-file') {
    if (!r.ok) expect(r.delivered.length, `${r.mode} left a file`).toBe(0);
  }
  expect(r.delivered.length, r.mode).toBeLessThanOrEqual(plain.length);
  expect(
    r.delivered.equals(plain.subarray(0, r.delivered.length)),
    `${r.mode}: released bytes that are not the plaintext`,
  ).toBe(true);
}

export async function openUploads(s3: S3Client, bucket: string): Promise<number> {
  const r = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  return r.Uploads?.length ?? 0;
}

/**
 * A library client with the fixture's KMS key, its S3 requests sent to MinIO directly or
 * (`viaHostile`) through the hostile endpoint, with `maxAttempts` SDK attempts there.
 */
export function fixtureClient(
  f: Fixture,
  o: { viaHostile?: boolean; maxAttempts?: number } & Partial<EncryptedS3ClientOptions> = {},
): EncryptedS3Client {
  const { viaHostile = false, maxAttempts, ...rest } = o;
  return new EncryptedS3Client({
    s3: {
      endpoint: viaHostile ? f.hostile.endpoint : f.env.s3.endpoint,
      region: f.env.s3.region,
      credentials: f.env.s3.credentials,
      forcePathStyle: f.env.s3.forcePathStyle,
      ca: viaHostile ? [f.env.ca, f.hostile.ca] : [f.env.ca],
      ...(maxAttempts !== undefined ? { maxAttempts } : {}),
    },
    kmsKeyIds: [f.env.kmsKeys.primary.arn],
    kms: {
      endpoint: f.env.kms.endpoint,
      region: f.env.kms.region,
      credentials: f.env.kms.credentials,
      ca: f.env.ca,
    },
    ...rest,
  });
}

/** The CLI as a child process (killed after 60 s), its stderr collected. */
export function startCli(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [BIN, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  child.stdout.resume();
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal });
    }),
  );
  return { child, done, stderr: () => stderr };
}

/** Polls `ok` every 50 ms until it holds; fails after `ms`. */
export async function until(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
