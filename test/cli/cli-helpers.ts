// Runs the BUILT CLI as a user would: `node packages/cli/bin/s3enc.js …` in a child process,
// configured only through the standard environment variables.
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import {
  createTestBucket,
  getTestEnv,
  type TestBucket,
  type TestBucketOptions,
  type TestEnv,
} from '../harness/env.js';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const BIN = join(ROOT, 'packages/cli/bin/s3enc.js');

function newestMtime(dir: string): number {
  let max = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) max = Math.max(max, newestMtime(p));
    else if (!e.name.endsWith('.test.ts')) max = Math.max(max, statSync(p).mtimeMs);
  }
  return max;
}

function distIsFresh(): boolean {
  for (const pkg of ['core', 'node', 'cli']) {
    const dist = join(ROOT, 'packages', pkg, 'dist/index.js');
    if (!existsSync(dist)) return false;
    if (statSync(dist).mtimeMs < newestMtime(join(ROOT, 'packages', pkg, 'src'))) return false;
  }
  return true;
}

/**
 * Builds core, node and cli (tsdown, on this Node) unless dist/ is newer than every source. Test files run in
 * parallel workers, so the build is serialised with flock.
 */
export function ensureCliBuilt(): void {
  if (distIsFresh()) return;
  const lock = '/tmp/s3enc-cli-build.lock';
  closeSync(openSync(lock, 'a'));
  // Checked again under the lock: another test file may have built while this one waited.
  const tsdown = `${JSON.stringify(process.execPath)} ${JSON.stringify(join(ROOT, 'node_modules/tsdown/dist/run.mjs'))}`;
  const script = [
    `cd ${JSON.stringify(ROOT)}`,
    'stale() { for p in core node cli; do d=packages/$p/dist/index.js; [ -f "$d" ] || return 0; ' +
      '[ -n "$(find packages/$p/src -type f -newer "$d" ! -name "*.test.ts" | head -1)" ] && return 0; done; return 1; }',
    `if stale; then for p in core node cli; do (cd packages/$p && ${tsdown} --logLevel error) || exit 1; done; fi`,
  ].join('\n');
  const r = spawnSync('flock', [lock, 'sh', '-c', script], { encoding: 'utf8', stdio: 'pipe' });
  if (r.status !== 0) throw new Error(`building the CLI failed:\n${r.stdout}\n${r.stderr}`);
}

/** What a CLI test file shares. */
export interface CliFixture {
  bucket: TestBucket;
  /** The environment `runCli` gets: the test servers through the standard AWS variables. */
  cli: Record<string, string>;
  /** A private directory, removed afterwards. */
  dir: string;
}

/**
 * Registers the hooks every CLI test file needs: before all, build the CLI if stale, create
 * the bucket and a private directory, and hand them to `set`; after all, remove both.
 */
export function useCliFixture(
  o: TestBucketOptions & { prefix: string },
  set: (f: CliFixture) => void,
): void {
  let f: CliFixture | undefined;
  beforeAll(async () => {
    ensureCliBuilt();
    const env = getTestEnv();
    f = {
      bucket: await createTestBucket(env, o),
      cli: cliEnv(env),
      dir: mkdtempSync(join(tmpdir(), `${o.prefix}-`)),
    };
    set(f);
  });
  afterAll(async () => {
    await f?.bucket.cleanup();
    if (f !== undefined) rmSync(f.dir, { recursive: true, force: true });
  });
}

/** Environment for the CLI: the test servers through standard AWS variables, nothing from $HOME. */
export function cliEnv(
  env: TestEnv,
  extra: Record<string, string | undefined> = {},
): Record<string, string> {
  const base: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_CONFIG_FILE: '/nonexistent/s3enc-test-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/s3enc-test-credentials',
    AWS_ACCESS_KEY_ID: env.s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: env.s3.credentials.secretAccessKey,
    AWS_SESSION_TOKEN: env.s3.credentials.sessionToken,
    AWS_REGION: env.s3.region,
    AWS_ENDPOINT_URL_S3: env.s3.endpoint,
    AWS_ENDPOINT_URL_KMS: env.kms.endpoint,
    AWS_CA_BUNDLE: env.caPath || undefined,
    S3ENC_KMS_KEY_ID: env.kmsKeys.primary.arn,
    NO_COLOR: '1',
    ...extra,
  };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) out[k] = v;
  return out;
}

export interface CliResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
  /** stdout as UTF-8. */
  out: string;
}

/** Spawns the built CLI; resolves when it exits. `input` is written to its stdin. */
export function runCli(
  args: string[],
  o: { env: Record<string, string>; input?: Buffer | string; cwd?: string; timeoutMs?: number },
): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: o.env,
      cwd: o.cwd ?? ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out);
      resolvePromise({
        code,
        stdout,
        stderr: Buffer.concat(err).toString('utf8'),
        out: stdout.toString('utf8'),
      });
    });
    child.stdin.on('error', () => {}); // the CLI may exit before reading all input
    if (o.input !== undefined) child.stdin.end(o.input);
    else child.stdin.end();
  });
}
