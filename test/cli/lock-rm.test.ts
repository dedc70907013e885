// `s3enc lock …` and `s3enc rm …` against MinIO, spawned as a user would run them.
import { PutObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { getTestEnv, makeS3Client, type TestBucket } from '../harness/env.js';
import { runCli, useCliFixture } from './cli-helpers.js';

const env = getTestEnv();
let bucket: TestBucket;
let cli: Record<string, string>;
useCliFixture({ objectLock: true, prefix: 's3enc-cli-lock' }, (f) => {
  ({ bucket, cli } = f);
});

async function putPlain(key: string): Promise<string> {
  const s3 = makeS3Client(env);
  try {
    const r = await s3.send(new PutObjectCommand({ Bucket: bucket.name, Key: key, Body: 'x' }));
    return r.VersionId!;
  } finally {
    s3.destroy();
  }
}

describe('s3enc lock', () => {
  it('shows, sets, extends retention and toggles a legal hold', async () => {
    const v = await putPlain('locked.txt');
    const url = `s3://${bucket.name}/locked.txt`;
    let r = await runCli(['lock', 'show', url, '--version-id', v, '--json'], { env: cli });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ ok: true, retention: null, legalHold: false });

    r = await runCli(
      ['lock', 'retain', url, '--version-id', v, '--mode', 'GOVERNANCE', '--days', '1'],
      { env: cli },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.out).toMatch(/GOVERNANCE retention until \d{4}-/);

    const until = new Date(Date.now() + 3 * 86_400_000).toISOString();
    r = await runCli(['lock', 'extend', url, '--version-id', v, '--until', until, '--json'], {
      env: cli,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.out).retention.mode).toBe('GOVERNANCE');

    // Shortening is refused by the library before any request, with a hint naming the option.
    r = await runCli(['lock', 'extend', url, '--version-id', v, '--days', '1'], { env: cli });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ERR_S3ENC_LOCK_EXTEND_WOULD_SHORTEN/);

    r = await runCli(['lock', 'legal-hold', url, 'on', '--version-id', v], { env: cli });
    expect(r.code, r.stderr).toBe(0);
    r = await runCli(['lock', 'show', url, '--version-id', v], { env: cli });
    expect(r.out).toMatch(/legal hold: ON/);
    expect(r.out).toMatch(/retention: {2}GOVERNANCE until/);

    // Deleting the version is refused while the legal hold is on.
    r = await runCli(['rm', url, '--version-id', v, '--bypass-governance-retention'], { env: cli });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/LEGAL_HOLD/);
    expect(r.stderr).toMatch(/lock legal-hold/);

    r = await runCli(['lock', 'legal-hold', url, 'off', '--version-id', v], { env: cli });
    expect(r.code, r.stderr).toBe(0);
    // GOVERNANCE retention still protects it without the bypass option…
    r = await runCli(['rm', url, '--version-id', v], { env: cli });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--bypass-governance-retention/);
    // …and the bypass deletes it.
    r = await runCli(['rm', url, '--version-id', v, '--bypass-governance-retention', '--json'], {
      env: cli,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ ok: true, deleted: 'version', versionId: v });
  });

  it('asks for --yes-irreversible before COMPLIANCE retention, without sending anything', async () => {
    const v = await putPlain('compliance.txt');
    const url = `s3://${bucket.name}/compliance.txt`;
    const r = await runCli(
      ['lock', 'retain', url, '--version-id', v, '--mode', 'COMPLIANCE', '--days', '1'],
      { env: cli },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--yes-irreversible/);
    const show = await runCli(['lock', 'show', url, '--version-id', v, '--json'], { env: cli });
    expect(JSON.parse(show.out).retention).toBeNull();
  });

  it('rejects bad usage with exit code 2', async () => {
    const url = `s3://${bucket.name}/x`;
    for (const args of [
      ['lock', 'frobnicate', url],
      ['lock', 'retain', url, '--mode', 'GOVERNANCE'],
      ['lock', 'retain', url, '--mode', 'SOMETIMES', '--days', '1'],
      ['lock', 'legal-hold', url, 'maybe'],
      ['rm', url, '--mfa', 'onlyonepart', '--version-id', 'v'],
      ['rm', url, '--bypass-governance-retention'],
    ]) {
      const r = await runCli(args, { env: cli });
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(2);
    }
  });
});

describe('s3enc rm', () => {
  it('deletes the current version with a delete marker in a versioned bucket', async () => {
    const v = await putPlain('marker.txt');
    const r = await runCli(['rm', `s3://${bucket.name}/marker.txt`], { env: cli });
    expect(r.code, r.stderr).toBe(0);
    expect(r.out).toMatch(/delete marker/);
    const s3 = makeS3Client(env);
    try {
      // The old version is still there.
      const h = await s3.send(
        new HeadObjectCommand({ Bucket: bucket.name, Key: 'marker.txt', VersionId: v }),
      );
      expect(h.VersionId).toBe(v);
    } finally {
      s3.destroy();
    }
  });

  it('fails with exit code 4 and a credentials hint when the secret is wrong', async () => {
    const r = await runCli(['rm', `s3://${bucket.name}/whatever`], {
      env: { ...cli, AWS_SECRET_ACCESS_KEY: 'wrong-secret-wrong-secret' },
    });
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toMatch(/credentials|AWS_ACCESS_KEY_ID/i);
  });
});
