// `s3enc audit | policy | harden` against MinIO, spawned as a pipeline would run them.
import { describe, expect, it } from 'vitest';
import type { TestBucket } from '../harness/env.js';
import { runCli, useCliFixture } from './cli-helpers.js';

let bucket: TestBucket;
let cli: Record<string, string>;
useCliFixture({ prefix: 's3enc-cli-posture' }, (f) => {
  ({ bucket, cli } = f);
});

interface Report {
  ok: boolean;
  bucket: string;
  findings: Array<{ id: string; status: string; fix?: { cli?: string } }>;
  summary: Record<string, number>;
}

const finding = (r: Report, id: string) => r.findings.find((f) => f.id === id);

describe('audit, policy, harden', () => {
  it('audits a fresh bucket: JSON in a pipe, exit 5 on failures, fixes name CLI commands', async () => {
    const r = await runCli(['audit', `s3://${bucket.name}`], { env: cli });
    expect(r.code, r.stderr).toBe(5);
    const report = JSON.parse(r.out) as Report;
    expect(report).toMatchObject({ ok: false, bucket: bucket.name });
    expect(finding(report, 'policy.insecure-transport')?.status).toBe('fail');
    expect(finding(report, 'policy.insecure-transport')?.fix?.cli).toMatch(
      /^s3enc (policy|harden) s3:\/\//,
    );
    expect(report.summary.fail).toBeGreaterThan(0);
  });

  it('policy prints the merged policy (dry run) without writing it', async () => {
    const r = await runCli(['policy', `s3://${bucket.name}`, '--no-service-carve-outs'], {
      env: cli,
    });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.out) as {
      Statement: Array<{ Sid: string; Effect: string; Condition?: unknown }>;
    };
    const tls = doc.Statement.find(
      (s) => s.Effect === 'Deny' && JSON.stringify(s.Condition).includes('aws:SecureTransport'),
    );
    expect(tls?.Sid).toMatch(/^S3Enc/);
    expect(r.stderr).toMatch(/dry run: add --apply/);
    // Nothing was written: the audit still fails the TLS check.
    const a = await runCli(['audit', `s3://${bucket.name}`, '--json'], { env: cli });
    expect(finding(JSON.parse(a.out) as Report, 'policy.insecure-transport')?.status).toBe('fail');
  });

  it('harden plans, then applies; the audit then passes the TLS check', async () => {
    const dry = await runCli(['harden', `s3://${bucket.name}`, '--no-service-carve-outs'], {
      env: cli,
    });
    expect([0, 5], dry.stderr).toContain(dry.code);
    expect(dry.out).toMatch(/bucket-policy \[planned\]/);
    expect(dry.stderr).toMatch(/dry run/);

    const apply = await runCli(
      ['harden', `s3://${bucket.name}`, '--no-service-carve-outs', '--apply', '--json'],
      { env: cli },
    );
    const res = JSON.parse(apply.out) as {
      applied: boolean;
      changes: Array<{ setting: string; status: string }>;
    };
    expect(res.applied).toBe(true);
    expect(res.changes.find((c) => c.setting === 'bucket-policy')?.status).toBe('applied');
    expect(apply.code).toBe(res.changes.some((c) => c.status === 'failed') ? 5 : 0);

    const a = await runCli(['audit', `s3://${bucket.name}`], { env: cli });
    const report = JSON.parse(a.out) as Report;
    expect(finding(report, 'policy.insecure-transport')?.status).toBe('pass');
    expect(finding(report, 'versioning')?.status).toBe('pass');

    // Applying the same policy again changes nothing.
    const again = await runCli(
      ['policy', `s3://${bucket.name}`, '--no-service-carve-outs', '--apply'],
      { env: cli },
    );
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/no change/);
  });

  it('rejects a key where a bucket is expected, and bad option values', async () => {
    for (const args of [
      ['audit', `s3://${bucket.name}/key`],
      ['policy', `s3://${bucket.name}`, '--require-sse', 'rot13'],
      ['audit', `s3://${bucket.name}`, '--expect-min-tls', '2'],
    ]) {
      const r = await runCli(args, { env: cli });
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(2);
    }
  });
});
