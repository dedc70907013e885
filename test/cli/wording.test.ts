// The CLI speaks in commands and flags, never in library calls (#17): every help text and the
// messages of the failures a user meets (Object Lock refusals, audit fixes, local files) are
// searched for the names the library exports and the option names of its calls. Also: `lock
// show` reports a bucket without Object Lock, a download into a missing directory names the
// file asked for (not the temporary name), and downloaded file modes (0600, or the umask).
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import * as core from '@s3enc/core';
import * as node from '@s3enc/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestBucket, getTestEnv, makeS3Client, type TestBucket } from '../harness/env.js';
import { BIN, runCli, useCliFixture, type CliResult } from './cli-helpers.js';

const env = getTestEnv();
let locked: TestBucket;
let plain: TestBucket;
let cli: Record<string, string>;
let dir: string;
useCliFixture({ objectLock: true, prefix: 's3enc-cli-wording' }, (f) => {
  ({ bucket: locked, cli, dir } = f);
});
beforeAll(async () => {
  plain = await createTestBucket(env, { prefix: 's3enc-cli-wording-plain' });
});
afterAll(async () => {
  await plain.cleanup();
});

/** Names a CLI user must never be shown: the libraries' exported functions and call options. */
const FORBIDDEN = [
  ...Object.entries({ ...core, ...node })
    .filter(([name, v]) => typeof v === 'function' && /^[a-z]+[A-Z]/.test(name))
    .map(([name]) => name),
  'bypassGovernanceRetention',
  'acknowledgeComplianceIsIrreversible',
  'legalHold:',
  'retainUntil',
  'retainFor',
  'trustAnyKmsKeyForDecryption',
  'maxSignedPlaintextInMemory',
  'noOverwrite',
  'sseCustomerKey',
];

const seen: { what: string; text: string }[] = [];
function record(what: string, r: CliResult): CliResult {
  seen.push({ what, text: `${r.out}\n${r.stderr}` });
  return r;
}
async function run(args: string[], extra: Record<string, string> = {}): Promise<CliResult> {
  return record(args.join(' '), await runCli(args, { env: { ...cli, ...extra } }));
}

async function putPlain(bucket: string, key: string): Promise<string> {
  const s3 = makeS3Client(env);
  try {
    return (
      (await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x' }))).VersionId ?? ''
    );
  } finally {
    s3.destroy();
  }
}

describe('help texts', () => {
  it('every command and the main help name no library call', async () => {
    const main = await run(['--help']);
    expect(main.code).toBe(0);
    const names = [
      ...main.out
        .split('Commands:')[1]!
        .split('Global options:')[0]!
        .matchAll(/^ {2}(\S+)/gm),
    ].map((m) => m[1]!);
    expect(names).toEqual(
      expect.arrayContaining([
        'put',
        'get',
        'head',
        'rm',
        'lock',
        'audit',
        'policy',
        'harden',
        'keygen',
      ]),
    );
    for (const n of names) {
      const r = await run(['help', n]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.out).toContain(`s3enc ${n}`);
    }
  });
});

describe('messages', () => {
  it('Object Lock refusals name the command and flag that would do it', async () => {
    const v = await putPlain(locked.name, 'held.txt');
    const url = `s3://${locked.name}/held.txt`;
    expect(
      (await run(['lock', 'retain', url, '--version-id', v, '--mode', 'GOVERNANCE', '--days', '2']))
        .code,
    ).toBe(0);
    let r = await run([
      'lock',
      'retain',
      url,
      '--version-id',
      v,
      '--mode',
      'GOVERNANCE',
      '--days',
      '1',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('(ERR_S3ENC_LOCK_SHORTEN_NEEDS_BYPASS)');
    expect(r.stderr).toMatch(/--bypass-governance-retention/);
    r = await run(['lock', 'extend', url, '--version-id', v, '--days', '1']);
    expect(r.stderr).toContain('(ERR_S3ENC_LOCK_EXTEND_WOULD_SHORTEN)');
    expect(r.stderr).toMatch(/s3enc lock retain .*--bypass-governance-retention/);
    r = await run(['rm', url, '--version-id', v]);
    expect(r.stderr).toContain('(ERR_S3ENC_LOCK_GOVERNED_VERSION)');
    expect(r.stderr).toMatch(/--bypass-governance-retention/);
    expect((await run(['lock', 'legal-hold', url, 'on', '--version-id', v])).code).toBe(0);
    r = await run(['rm', url, '--version-id', v, '--bypass-governance-retention']);
    expect(r.stderr).toContain('(ERR_S3ENC_LOCK_LEGAL_HOLD_ACTIVE)');
    expect(r.stderr).toMatch(/s3enc lock legal-hold s3:\/\/\S+ off/);
    r = await run([
      'lock',
      'retain',
      url,
      '--version-id',
      v,
      '--mode',
      'COMPLIANCE',
      '--days',
      '1',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--yes-irreversible/);
    expect((await run(['lock', 'legal-hold', url, 'off', '--version-id', v])).code).toBe(0);
  });

  it('lock show on a bucket without Object Lock reports it', async () => {
    await putPlain(plain.name, 'p.txt');
    let r = await run(['lock', 'show', `s3://${plain.name}/p.txt`, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({
      ok: true,
      objectLock: false,
      retention: null,
      legalHold: false,
    });
    r = await run(['lock', 'show', `s3://${plain.name}/p.txt`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.out).toMatch(/Object Lock is not enabled on bucket/);
  });

  it('audit fixes are commands or notes', async () => {
    const r = await run(['audit', `s3://${plain.name}`, '--json']);
    expect(r.code).toBe(5);
    const report = JSON.parse(r.out) as { findings: { fix?: Record<string, string> }[] };
    const fixes = report.findings.flatMap((f) => (f.fix ? [f.fix] : []));
    expect(fixes.length).toBeGreaterThan(0);
    for (const f of fixes)
      expect(Object.keys(f).every((k) => k === 'cli' || k === 'note')).toBe(true);
  });

  it('a download into a missing directory names the file asked for', async () => {
    await runCli(['put', '-', `s3://${plain.name}/e.txt`], { env: cli, input: 'e' });
    const target = join(dir, 'no-such-dir', 'e.txt');
    const r = await run(['get', `s3://${plain.name}/e.txt`, target]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('(ERR_S3ENC_CLI_FILE)');
    expect(r.stderr).toContain(`cannot write ${target}`);
    expect(r.stderr).not.toMatch(/\.s3enc-[0-9a-f]+\.tmp/);
  });

  it('no message or help text seen above names a library call', () => {
    expect(seen.length).toBeGreaterThan(15);
    const hits = seen.flatMap(({ what, text }) =>
      FORBIDDEN.filter((n) => text.includes(n)).map((n) => `${what}: ${n}`),
    );
    expect(hits).toEqual([]);
  });
});

describe('downloaded file modes', () => {
  /** Runs the CLI under a given umask (through sh, as a shell user would). */
  function runWithUmask(umask: string, args: string[]): Promise<number | null> {
    return new Promise((resolve, reject) => {
      const c = spawn(
        'sh',
        ['-c', `umask ${umask} && exec "$0" "$@"`, process.execPath, BIN, ...args],
        {
          env: cli,
          stdio: 'ignore',
        },
      );
      c.on('error', reject);
      c.on('close', resolve);
    });
  }

  it('0600 by default; the umask with --follow-umask', async () => {
    await runCli(['put', '-', `s3://${plain.name}/m.txt`], { env: cli, input: 'mode' });
    const a = join(dir, 'private.txt');
    const b = join(dir, 'umask.txt');
    expect(await runWithUmask('022', ['get', `s3://${plain.name}/m.txt`, a])).toBe(0);
    expect(statSync(a).mode & 0o777).toBe(0o600);
    expect(
      await runWithUmask('022', ['get', `s3://${plain.name}/m.txt`, b, '--follow-umask']),
    ).toBe(0);
    expect(statSync(b).mode & 0o777).toBe(0o644);
    const c = join(dir, 'umask027.txt');
    expect(
      await runWithUmask('027', ['get', `s3://${plain.name}/m.txt`, c, '--follow-umask']),
    ).toBe(0);
    expect(statSync(c).mode & 0o777).toBe(0o640);
  });
});
