// `s3enc rewrap`: one object and a prefix (--recursive, --dryrun), from a key file to a KMS key.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, useCliFixture, type CliFixture } from '../cli/cli-helpers.js';
import { getTestEnv } from '../harness/env.js';

const env = getTestEnv();
let f: CliFixture;
useCliFixture({ prefix: 'cli-rewrap', versioning: true }, (x) => (f = x));

describe('s3enc rewrap', () => {
  it('a prefix: dry run, then rewrap, then nothing left to do; the new key alone reads', async () => {
    const keyFile = join(f.dir, 'old.key');
    expect((await runCli(['keygen', keyFile], { env: f.cli })).code).toBe(0);
    const url = `s3://${f.bucket.name}/pre/`;
    const plains = [randomBytes(1000), randomBytes(70_000)];
    for (const [i, p] of plains.entries()) {
      const put = await runCli(['put', '-', `${url}o${i}`, '--key-file', keyFile], {
        env: f.cli,
        input: p,
      });
      expect(put.code, put.stderr).toBe(0);
    }
    const base = ['rewrap', url, '--recursive', '--key-file', keyFile];
    const to = ['--add-kms-key-id', env.kmsKeys.secondary.arn, '--remove-all-keys'];

    const dry = await runCli([...base, ...to, '--dryrun', '--json'], { env: f.cli });
    expect(dry.code, dry.stderr).toBe(0);
    const d = JSON.parse(dry.out) as { objects: number; wouldRewrap: number; rewrapped: number };
    expect(d).toMatchObject({ objects: 2, wouldRewrap: 2, rewrapped: 0 });

    const real = await runCli([...base, ...to], { env: f.cli });
    expect(real.code, real.stderr).toBe(0);
    expect(real.out).toMatch(/rewrapped +s3:\/\/.*\/pre\/o0/);
    expect(real.stderr).toContain('2 objects: 2 rewrapped, 0 unchanged, 0 failed');

    // The old key file no longer opens them; the KMS key alone does.
    const old = await runCli(['get', `${url}o1`, '-', '--key-file', keyFile], { env: f.cli });
    expect(old.code).toBe(4);
    for (const [i, p] of plains.entries()) {
      const got = await runCli(
        ['get', `${url}o${i}`, '-', '--kms-key-id', env.kmsKeys.secondary.arn],
        {
          env: f.cli,
        },
      );
      expect(got.code, got.stderr).toBe(0);
      expect(got.stdout.equals(p)).toBe(true);
    }

    // Idempotent: run again with the new key as the one that opens them.
    const again = await runCli(
      ['rewrap', url, '--recursive', '--kms-key-id', env.kmsKeys.secondary.arn, ...to, '--json'],
      { env: f.cli },
    );
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.out)).toMatchObject({ objects: 2, unchanged: 2, rewrapped: 0 });
  });

  it('one object: a usage error without a change, exit 4 when the keys cannot open it', async () => {
    const url = `s3://${f.bucket.name}/single`;
    const put = await runCli(['put', '-', url], { env: f.cli, input: randomBytes(10) });
    expect(put.code, put.stderr).toBe(0);
    const none = await runCli(['rewrap', url], { env: f.cli });
    expect(none.code).toBe(2);
    const wrong = await runCli(
      [
        'rewrap',
        url,
        '--kms-key-id',
        env.kmsKeys.secondary.arn,
        '--add-kms-key-id',
        env.kmsKeys.secondary.arn,
      ],
      { env: f.cli },
    );
    expect(wrong.code, wrong.stderr).toBe(4);
    const ok = await runCli(
      ['rewrap', url, '--add-kms-key-id', env.kmsKeys.secondary.arn, '--json'],
      {
        env: f.cli,
      },
    );
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({
      status: 'rewrapped',
      keyIdsAfter: [env.kmsKeys.primary.arn, env.kmsKeys.secondary.arn],
    });
    // A key named by its alias is resolved to the ARN the header lists.
    const drop = await runCli(
      [
        'rewrap',
        url,
        '--kms-key-id',
        env.kmsKeys.secondary.arn,
        '--remove-key-id',
        env.kmsKeys.primary.alias,
        '--json',
      ],
      { env: f.cli },
    );
    expect(drop.code, drop.stderr).toBe(0);
    expect(JSON.parse(drop.out)).toMatchObject({
      status: 'rewrapped',
      keyIdsAfter: [env.kmsKeys.secondary.arn],
    });
  });

  it('--delete-source-version: the dry run says so; the source version is deleted after verifying', async () => {
    const url = `s3://${f.bucket.name}/delete-source`;
    const put = await runCli(['put', '-', url], { env: f.cli, input: randomBytes(5000) });
    expect(put.code, put.stderr).toBe(0);
    const args = ['rewrap', url, '--add-kms-key-id', env.kmsKeys.secondary.arn];
    const dry = await runCli([...args, '--delete-source-version', '--dryrun'], { env: f.cli });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.out).toMatch(/\(dryrun\) rewrap .*; would delete source version \S+/);
    const real = await runCli([...args, '--delete-source-version', '--json'], { env: f.cli });
    expect(real.code, real.stderr).toBe(0);
    const r = JSON.parse(real.out) as { sourceVersionId: string; sourceVersionAction: string };
    expect(r.sourceVersionAction).toBe('deleted');
    const old = await runCli(['get', url, '-', '--version-id', r.sourceVersionId], { env: f.cli });
    expect(old.code).not.toBe(0);
    const now = await runCli(['get', url, '-'], { env: f.cli });
    expect(now.code, now.stderr).toBe(0);
  });

  it('batch-job: writes the manifest of a prefix and prints the CreateJob request', async () => {
    const url = `s3://${f.bucket.name}/batch/`;
    for (const k of ['a', 'b c']) {
      const put = await runCli(['put', '-', `${url}${k}`], { env: f.cli, input: randomBytes(10) });
      expect(put.code, put.stderr).toBe(0);
    }
    const args = [
      'batch-job',
      url,
      '--manifest',
      `s3://${f.bucket.name}/manifests/batch.csv`,
      '--task',
      'rewrap',
      '--add-kms-key-id',
      env.kmsKeys.secondary.arn,
      '--account-id',
      '111122223333',
      '--function-arn',
      'arn:aws:lambda:us-east-1:111122223333:function:s3enc-batch',
      '--role-arn',
      'arn:aws:iam::111122223333:role/s3enc-batch',
      '--report-bucket-arn',
      'arn:aws:s3:::s3enc-reports',
    ];
    const r = await runCli([...args, '--json'], { env: f.cli });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.out) as {
      manifest: { objects: number };
      request: { Operation: { LambdaInvoke: { UserArguments: Record<string, string> } } };
      jobId: string | null;
    };
    expect(out.manifest.objects).toBe(2);
    expect(out.jobId).toBeNull();
    expect(out.request.Operation.LambdaInvoke.UserArguments).toEqual({
      task: 'rewrap',
      addKmsKeyIds: env.kmsKeys.secondary.arn,
    });
    const noTask = await runCli(
      args.filter((a) => a !== 'rewrap' && a !== '--task'),
      { env: f.cli },
    );
    expect(noTask.code).toBe(2);
  });
});
