/** `s3enc audit s3://bucket`: the bucket against the security practices; exit 5 on failures. */
import { KMSClient } from '@aws-sdk/client-kms';
import {
  auditBucket,
  auditExitStatus,
  type AuditExpectations,
  type AuditOptions,
  type AuditReport,
  type FindingStatus,
} from '@s3enc/node';
import { boolOpt, stringOpt, stringsOpt } from '../args.js';
import { UsageError } from '../cli-errors.js';
import { kmsClientConfig, makeS3Client } from '../clients.js';
import type { CommandContext } from '../command.js';
import { settingsOf } from '../common.js';
import { ExitCode } from '../exit-codes.js';
import type { Style } from '../output.js';
import { parseS3Url } from '../s3-url.js';
import { terminalSafe } from '../terminal-text.js';

function statusText(s: FindingStatus, style: Style): string {
  const label = s.toUpperCase().padEnd(13);
  switch (s) {
    case 'pass':
      return style.green(label);
    case 'fail':
      return style.red(label);
    case 'warn':
      return style.yellow(label);
    default:
      return style.dim(label);
  }
}

/** Lines one piece of evidence may take (object keys and key ARNs make some long). */
const EVIDENCE_LINES = 6;

/** `s` in lines of at most `n` characters, broken at spaces where possible; clipped after `max`. */
export function wrap(s: string, n: number, max: number): string[] {
  const width = Math.max(20, n);
  const out: string[] = [];
  let rest = s;
  while (rest.length > width && out.length < max - 1) {
    const space = rest.lastIndexOf(' ', width);
    const cut = space > width / 2 ? space : width;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut).trimStart();
  }
  out.push(rest.length > width ? `${rest.slice(0, width - 1)}…` : rest);
  return out;
}

/** A table for people: one line per check, evidence and fix beneath the ones that are not passing. */
export function renderAuditTable(r: AuditReport, style: Style, width = 100): string {
  const lines = [style.bold(`Audit of s3://${r.bucket} (${r.generatedAt})`), ''];
  lines.push(style.bold(`${'#'.padStart(2)}  ${'STATUS'.padEnd(13)}  CHECK`));
  for (const f of r.findings) {
    lines.push(`${String(f.practice).padStart(2)}  ${statusText(f.status, style)}  ${f.title}`);
    if (f.status !== 'pass') {
      // Evidence quotes the bucket's own settings (policy Sids and values, rule ids, key ids):
      // escaped for the terminal like everything else that comes from a server.
      for (const e of f.evidence)
        for (const l of wrap(terminalSafe(e), width - 6, EVIDENCE_LINES))
          lines.push(style.dim(`      ${l}`));
      // The command to run, else a note; never the library call (this is the CLI).
      const fix = f.fix?.cli ?? f.fix?.note;
      if (fix !== undefined) lines.push(`      fix: ${terminalSafe(fix)}`);
    }
  }
  const s = r.summary;
  lines.push(
    '',
    `${s.pass} pass, ${s.fail} fail, ${s.warn} warn, ${s.unsupported} unsupported by this endpoint, ${s['access-denied']} access denied`,
  );
  return lines.join('\n');
}

/** The report with each fix as a command or a note only (the library's call is for its users). */
function withoutLibraryFixes(r: AuditReport): AuditReport {
  return {
    ...r,
    findings: r.findings.map((f) => {
      if (f.fix?.library === undefined) return f;
      const { fix: whole, ...finding } = f;
      const fix = {
        ...(whole?.cli !== undefined ? { cli: whole.cli } : {}),
        ...(whole?.note !== undefined ? { note: whole.note } : {}),
      };
      return Object.keys(fix).length === 0 ? finding : { ...finding, fix };
    }),
  };
}

/** `--replication-sample N` and `--destination-region BUCKET=REGION` as audit options. */
function replicationOptions(
  ctx: CommandContext,
): Pick<AuditOptions, 'replicationSampleSize' | 'replicationDestinationRegions'> {
  const sample = stringOpt(ctx.values, 'replication-sample');
  if (sample !== undefined && !(/^\d{1,4}$/.test(sample) && Number(sample) <= 1000))
    throw new UsageError('--replication-sample expects a number from 0 to 1000');
  const regions: Record<string, string> = {};
  for (const pair of stringsOpt(ctx.values, 'destination-region')) {
    const m = /^([^=]+)=([a-z0-9-]+)$/.exec(pair);
    if (!m) throw new UsageError(`--destination-region expects BUCKET=REGION, got ${pair}`);
    regions[m[1]!] = m[2]!;
  }
  return {
    ...(sample !== undefined ? { replicationSampleSize: Number(sample) } : {}),
    ...(Object.keys(regions).length > 0 ? { replicationDestinationRegions: regions } : {}),
  };
}

export async function run(ctx: CommandContext): Promise<number | undefined> {
  const { bucket, key } = parseS3Url(ctx.positionals[0]!, { requireKey: false });
  if (key !== '') throw new UsageError('audit takes a bucket: s3enc audit s3://bucket');
  const v = ctx.values;
  const minTls = stringOpt(v, 'expect-min-tls');
  if (minTls !== undefined && !/^1\.[0-3]$/.test(minTls))
    throw new UsageError('--expect-min-tls expects 1.0 … 1.3');
  const kmsKeyId = stringOpt(v, 'expect-kms-key');
  const vpceIds = stringsOpt(v, 'expect-vpce');
  const sourceIpRanges = stringsOpt(v, 'expect-source-ip');
  const allowedPrincipalArns = stringsOpt(v, 'expect-principal');
  const expectations: AuditExpectations = {
    ...(kmsKeyId !== undefined ? { kmsKeyId } : {}),
    ...(vpceIds.length > 0 ? { vpceIds } : {}),
    ...(sourceIpRanges.length > 0 ? { sourceIpRanges } : {}),
    ...(allowedPrincipalArns.length > 0 ? { allowedPrincipalArns } : {}),
    ...(minTls !== undefined ? { minimumTlsVersion: Number(minTls) } : {}),
    ...(boolOpt(v, 'require-mfa-delete') ? { requireMfaDelete: true } : {}),
    ...(boolOpt(v, 'require-object-lock') ? { requireObjectLock: true } : {}),
    ...(boolOpt(v, 'require-logging') ? { requireAccessLogging: true } : {}),
  };
  const settings = settingsOf(ctx);
  const s3 = makeS3Client(settings);
  // --verify-destination-keys: one KMS client per destination Region (kms:DescribeKey only).
  const kms = new Map<string, KMSClient>();
  const kmsIn = (region: string): KMSClient => {
    let c = kms.get(region);
    if (c === undefined)
      kms.set(region, (c = new KMSClient(kmsClientConfig({ ...settings, region }))));
    return c;
  };
  let report: AuditReport;
  try {
    report = await auditBucket(s3, bucket, {
      ...expectations,
      ...replicationOptions(ctx),
      ...(boolOpt(v, 'verify-destination-keys') ? { replicationKmsClients: kmsIn } : {}),
    });
  } finally {
    s3.destroy();
    for (const c of kms.values()) c.destroy();
  }
  const strict = boolOpt(v, 'strict');
  const failed = auditExitStatus(report, { failOnWarn: strict, failOnAccessDenied: strict }) !== 0;
  // A table for a person at a terminal, JSON for pipelines (or whenever --json is given).
  if (ctx.global.json || ctx.io.stdout.isTTY !== true) {
    ctx.io.stdout.write(`${JSON.stringify({ ok: !failed, ...withoutLibraryFixes(report) })}\n`);
  } else if (!ctx.global.quiet) {
    ctx.io.stdout.write(
      `${renderAuditTable(report, ctx.out.style, ctx.io.stderr.columns ?? 100)}\n`,
    );
  }
  return failed ? ExitCode.FINDINGS : undefined;
}
