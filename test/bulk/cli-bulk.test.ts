// cp --recursive, sync and ls through the built CLI against MinIO + local-kms over TLS:
// trees with nested folders, empty files, unicode and spaces, 1,000+ files, a killed run resumed.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestBucket, getTestEnv, makeS3Client, type TestBucket } from '../harness/env.js';
import { BIN, runCli, useCliFixture } from '../cli/cli-helpers.js';

const env = getTestEnv();
let bucket: TestBucket;
let other: TestBucket;
let cli: Record<string, string>;
let dir: string;
useCliFixture({ prefix: 's3enc-bulk' }, (f) => {
  ({ bucket, cli, dir } = f);
});
beforeAll(async () => {
  other = await createTestBucket(env, {});
});

const TREE: Record<string, string> = {
  'a.txt': 'alpha',
  'empty.bin': '',
  'nested/deeper/deepest/z.txt': 'zzz',
  'nested/with space.txt': 'spaces in the name',
  'nested/ünïcødé/日本語.txt': 'unicode',
  'logs/one.log': 'log one',
  'logs/keep.log': 'log keep',
};

function writeTree(root: string, tree: Record<string, string>): void {
  for (const [rel, body] of Object.entries(tree)) {
    const p = join(root, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, body);
  }
}

function readTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(root, p).split('\\').join('/')] = readFileSync(p, 'utf8');
    }
  };
  walk(root);
  return out;
}

async function keys(b: string, prefix: string): Promise<string[]> {
  const s3 = makeS3Client(env);
  const out: string[] = [];
  try {
    let token: string | undefined;
    do {
      const r = await s3.send(
        new ListObjectsV2Command({ Bucket: b, Prefix: prefix, ContinuationToken: token }),
      );
      for (const c of r.Contents ?? []) out.push(c.Key!);
      token = r.IsTruncated === true ? r.NextContinuationToken : undefined;
    } while (token !== undefined);
  } finally {
    s3.destroy();
  }
  return out.sort();
}

function jsonLines(out: string): Record<string, unknown>[] {
  return out
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('cp --recursive', () => {
  it('directory → prefix → directory, and prefix → prefix in another bucket without decrypting', async () => {
    const src = join(dir, 'tree');
    writeTree(src, TREE);
    const up = await runCli(['cp', '--recursive', src, `s3://${bucket.name}/t1`, '--json'], {
      env: cli,
    });
    expect(up.code, up.stderr).toBe(0);
    const records = jsonLines(up.out);
    expect(records.filter((r) => r.type === 'object' && r.status === 'done')).toHaveLength(7);
    expect(records.at(-1)).toMatchObject({ type: 'summary', ok: true, done: 7, failed: 0 });
    expect(await keys(bucket.name, 't1/')).toEqual(
      Object.keys(TREE)
        .map((k) => `t1/${k}`)
        .sort(),
    );

    const ls = await runCli(
      ['ls', '--recursive', '--summarize', `s3://${bucket.name}/t1/`, '--json'],
      { env: cli },
    );
    expect(ls.code, ls.stderr).toBe(0);
    const rows = jsonLines(ls.out);
    const row = rows.find((r) => r.key === 't1/nested/with space.txt');
    expect(row).toMatchObject({
      encrypted: true,
      format: 's3enc',
      plaintextSize: 18,
      keyIds: [env.kmsKeys.primary.arn],
    });
    expect((row!.storedSize as number) > 18).toBe(true);
    expect(rows.at(-1)).toMatchObject({
      type: 'summary',
      objects: 7,
      plaintextSize: 5 + 3 + 18 + 7 + 7 + 8,
    });

    const lsTop = await runCli(['ls', `s3://${bucket.name}/t1/`], { env: cli });
    expect(lsTop.code, lsTop.stderr).toBe(0);
    expect(lsTop.out).toMatch(/PRE nested\//);
    expect(lsTop.out).toMatch(/encrypted s3enc\s+a\.txt/);
    const lsRoot = await runCli(['ls', `s3://${bucket.name}`], { env: cli });
    expect(lsRoot.code, lsRoot.stderr).toBe(0);
    expect(lsRoot.out).toMatch(/PRE t1\//);

    const down = join(dir, 'down1');
    const get = await runCli(['cp', '--recursive', `s3://${bucket.name}/t1/`, down], { env: cli });
    expect(get.code, get.stderr).toBe(0);
    expect(readTree(down)).toEqual(TREE);
    // The recorded modification time is restored on download.
    expect(Math.round(statSync(join(down, 'a.txt')).mtimeMs)).toBe(
      Math.round(statSync(join(src, 'a.txt')).mtimeMs),
    );

    const copy = await runCli(
      ['cp', '--recursive', `s3://${bucket.name}/t1/`, `s3://${other.name}/copied/`],
      { env: cli },
    );
    expect(copy.code, copy.stderr).toBe(0);
    const down2 = join(dir, 'down2');
    const get2 = await runCli(['cp', '--recursive', `s3://${other.name}/copied`, down2], {
      env: cli,
    });
    expect(get2.code, get2.stderr).toBe(0);
    expect(readTree(down2)).toEqual(TREE);

    // A second run finds everything done.
    const again = await runCli(['cp', '--recursive', src, `s3://${bucket.name}/t1`, '--json'], {
      env: cli,
    });
    expect(jsonLines(again.out).at(-1)).toMatchObject({ done: 0, skipped: 7 });
  });
  // A key that would leave the target directory (`..`, `//`) is refused by MinIO itself, so
  // that case is covered by the unit test of localPathFor (packages/node/src/bulk/safe-path.test.ts).
});

describe('one object failing', () => {
  it('a tampered object fails alone: the others are written, it leaves no file, exit 1', async () => {
    const src = join(dir, 'tamper-src');
    writeTree(src, { 'good1.txt': 'one', 'bad.txt': 'tampered later', 'sub/good2.txt': 'two' });
    const up = await runCli(['cp', '--recursive', src, `s3://${bucket.name}/tam/`], { env: cli });
    expect(up.code, up.stderr).toBe(0);
    const s3 = makeS3Client(env);
    try {
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket.name, Key: 'tam/bad.txt' }));
      const body = Buffer.from(await got.Body!.transformToByteArray());
      body[body.length - 20]! ^= 1;
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket.name,
          Key: 'tam/bad.txt',
          Body: body,
          Metadata: got.Metadata,
        }),
      );
    } finally {
      s3.destroy();
    }
    const down = join(dir, 'tamper-down');
    const r = await runCli(['cp', '--recursive', `s3://${bucket.name}/tam/`, down, '--json'], {
      env: cli,
    });
    expect(r.code).toBe(1);
    const recs = jsonLines(r.out);
    expect(recs.find((x) => x.status === 'failed')).toMatchObject({
      operation: 'download',
      source: `s3://${bucket.name}/tam/bad.txt`,
    });
    expect(recs.at(-1)).toMatchObject({ type: 'summary', ok: false, done: 2, failed: 1 });
    expect(readTree(down)).toEqual({ 'good1.txt': 'one', 'sub/good2.txt': 'two' });
  });
});

describe('sync', () => {
  it('uploads what changed, honours --exclude/--include order, --dryrun, --delete, both directions', async () => {
    const src = join(dir, 'sync-src');
    writeTree(src, TREE);
    const target = `s3://${bucket.name}/s1/`;
    const first = await runCli(
      ['sync', src, target, '--exclude', 'logs/*', '--include', 'logs/keep*', '--json'],
      { env: cli },
    );
    expect(first.code, first.stderr).toBe(0);
    const uploaded = await keys(bucket.name, 's1/');
    expect(uploaded).toContain('s1/logs/keep.log');
    expect(uploaded).not.toContain('s1/logs/one.log');
    expect(uploaded).toHaveLength(6);

    // Same size, newer time → uploaded; an unchanged file → skipped.
    writeFileSync(join(src, 'a.txt'), 'ALPHA');
    utimesSync(join(src, 'a.txt'), new Date(), new Date(Date.now() + 10_000));
    const second = await runCli(['sync', src, target, '--exclude', 'logs/*', '--json'], {
      env: cli,
    });
    const recs = jsonLines(second.out);
    expect(recs.filter((r) => r.status === 'done').map((r) => r.destination)).toEqual([
      `s3://${bucket.name}/s1/a.txt`,
    ]);

    // --size-only: the same size is never transferred.
    utimesSync(join(src, 'empty.bin'), new Date(), new Date(Date.now() + 20_000));
    const sizeOnly = await runCli(
      ['sync', src, target, '--size-only', '--exclude', 'logs/*', '--json'],
      { env: cli },
    );
    expect(jsonLines(sizeOnly.out).at(-1)).toMatchObject({ done: 0 });

    // --delete with --dryrun changes nothing; without it removes the remote file.
    const { rmSync } = await import('node:fs');
    rmSync(join(src, 'nested/with space.txt'));
    const dry = await runCli(['sync', src, target, '--delete', '--dryrun', '--exclude', 'logs/*'], {
      env: cli,
    });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toMatch(/\(dryrun\) delete: s3:\/\/.*with space\.txt/);
    expect(await keys(bucket.name, 's1/')).toContain('s1/nested/with space.txt');
    const del = await runCli(['sync', src, target, '--delete', '--exclude', 'logs/*'], {
      env: cli,
    });
    expect(del.code, del.stderr).toBe(0);
    const after = await keys(bucket.name, 's1/');
    expect(after).not.toContain('s1/nested/with space.txt');
    // Excluded paths are not deleted (as the AWS CLI).
    expect(after).toContain('s1/logs/keep.log');

    // Download direction with --delete: a local extra file goes.
    const down = join(dir, 'sync-down');
    writeTree(down, { 'extra.txt': 'not in the bucket' });
    const back = await runCli(['sync', target, down, '--delete'], { env: cli });
    expect(back.code, back.stderr).toBe(0);
    const got = readTree(down);
    expect(got['extra.txt']).toBeUndefined();
    expect(got['a.txt']).toBe('ALPHA');
    expect(Object.keys(got)).toHaveLength(after.length);
    const noop = await runCli(['sync', target, down, '--json'], { env: cli });
    expect(jsonLines(noop.out).at(-1)).toMatchObject({ done: 0, skipped: after.length });
  });
});

describe('1,000+ files, a killed run resumed', () => {
  it('every file is present once after the rerun, and the rerun skips what the first run did', async () => {
    const src = join(dir, 'many');
    const N = 1050;
    const tree: Record<string, string> = {};
    for (let i = 0; i < N; i++) tree[`d${i % 7}/f${i}.txt`] = String(i);
    writeTree(src, tree);
    const target = `s3://${bucket.name}/many/`;
    const child = spawn(process.execPath, [BIN, 'cp', '--recursive', src, target], {
      env: cli,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let done = false;
    const exited = new Promise<void>((resolve) =>
      child.on('exit', () => {
        done = true;
        resolve();
      }),
    );
    // Kill it once some (not all) objects exist.
    while (!done) {
      const n = (await keys(bucket.name, 'many/')).length;
      if (n >= 50) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(done, `the first run ended before it could be killed: ${stderr}`).toBe(false);
    child.kill('SIGKILL');
    await exited;
    const partial = (await keys(bucket.name, 'many/')).length;
    expect(partial).toBeGreaterThanOrEqual(50);
    expect(partial).toBeLessThan(N);

    const rerun = await runCli(
      ['cp', '--recursive', src, target, '--concurrency', '16', '--json'],
      { env: cli, timeoutMs: 600_000 },
    );
    expect(rerun.code, rerun.stderr).toBe(0);
    const summary = jsonLines(rerun.out).at(-1)!;
    expect(summary).toMatchObject({ ok: true, failed: 0 });
    expect((summary.skipped as number) + (summary.done as number)).toBe(N);
    expect(summary.skipped as number).toBeGreaterThanOrEqual(partial - 16);
    const all = await keys(bucket.name, 'many/');
    expect(all).toEqual(
      Object.keys(tree)
        .map((k) => `many/${k}`)
        .sort(),
    );
  }, 900_000);
});

describe('Ctrl-C', () => {
  it('stops the run with exit 130; the rerun completes it', async () => {
    const src = join(dir, 'interrupt');
    const tree: Record<string, string> = {};
    for (let i = 0; i < 400; i++) tree[`f${i}.txt`] = String(i);
    writeTree(src, tree);
    const target = `s3://${bucket.name}/int/`;
    const child = spawn(process.execPath, [BIN, 'cp', '--recursive', src, target], {
      env: cli,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let exitCode: number | null | undefined;
    const exited = new Promise<void>((resolve) =>
      child.on('exit', (code) => {
        exitCode = code;
        resolve();
      }),
    );
    while (exitCode === undefined && (await keys(bucket.name, 'int/')).length < 20)
      await new Promise((r) => setTimeout(r, 50));
    expect(exitCode, `ended before the interrupt: ${stderr}`).toBeUndefined();
    child.kill('SIGINT');
    await exited;
    expect(exitCode, stderr).toBe(130);
    expect((await keys(bucket.name, 'int/')).length).toBeLessThan(400);
    const rerun = await runCli(['cp', '--recursive', src, target], { env: cli });
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(await keys(bucket.name, 'int/')).toHaveLength(400);
  }, 300_000);
});
