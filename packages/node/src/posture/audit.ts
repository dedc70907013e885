/**
 * `auditBucket`: reads a bucket's settings and checks them against the practices of
 * SECURITY-PRACTICES.md, one or more findings per practice row. Every setting is read on its
 * own; a setting the endpoint does not implement is `unsupported`, one the caller may not
 * read is `access-denied`, and neither stops the other checks.
 */
import {
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLoggingCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketReplicationCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
  type GetBucketEncryptionCommandOutput,
  type GetBucketReplicationCommandOutput,
  type PublicAccessBlockConfiguration,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand,
  S3ControlClient,
} from '@aws-sdk/client-s3-control';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { InvalidArgumentError } from '@s3enc/core';
import { validateConditionValues } from './policy/conditions.js';
import {
  analysePolicy,
  lintPolicy,
  type PolicyAnalysis,
  type PolicyCheckResult,
} from './policy/analyse.js';
import { parsePolicy } from './policy/parse.js';
import type { ParsedPolicy } from './policy/types.js';
import {
  summarise,
  toJson,
  type AuditCheckId,
  type AuditReport,
  type Finding,
  type FindingFix,
  type FindingStatus,
} from './report.js';
import { assertReachable, readSetting, type ReadOutcome } from './s3-read.js';

/** What the bucket is expected to look like. Every field is optional. */
export interface AuditExpectations {
  /**
   * The KMS key (ARN, key id or alias ARN) that default encryption and uploads must use.
   * Implies `requireSse: 'aws:kms'`.
   */
  readonly kmsKeyId?: string;
  /**
   * Uploads without this SSE must be denied by the policy. Without it (and without
   * `kmsKeyId`) a policy that does not deny them is a warning, not a failure.
   */
  readonly requireSse?: 'aws:kms' | 'AES256';
  /** Default encryption with SSE-KMS must use an S3 Bucket Key. Default true. */
  readonly bucketKey?: boolean;
  /** Requests must come through these VPC endpoints (or `sourceIpRanges`). */
  readonly vpceIds?: readonly string[];
  /** Requests must come from these CIDR ranges (or `vpceIds`). */
  readonly sourceIpRanges?: readonly string[];
  /** Every principal except these must be denied. */
  readonly allowedPrincipalArns?: readonly string[];
  /** Principals deliberately exempt from network restrictions. */
  readonly exemptPrincipalArns?: readonly string[];
  /** TLS below this version must be denied (`s3:TlsVersion`). */
  readonly minimumTlsVersion?: number;
  /** Fail (not warn) when these are off. */
  readonly requireMfaDelete?: boolean;
  readonly requireObjectLock?: boolean;
  readonly requireAccessLogging?: boolean;
  readonly requireReplication?: boolean;
}

/** Options of {@link auditBucket}: the expectations, and how to reach account-level settings. */
export interface AuditOptions extends AuditExpectations {
  /** The bucket owner's account id (for account-level Block Public Access); else asked of STS. */
  readonly accountId?: string;
  /** `aws` unless another partition. */
  readonly partition?: string;
  /**
   * Client for the account-level Block Public Access check. By default one is made from the
   * S3 client's region and credentials — only when the S3 client uses AWS's own endpoints;
   * with a custom endpoint (MinIO, …) the account check is `unsupported` unless given here.
   */
  readonly s3ControlClient?: S3ControlClient;
  /** Client used to learn the account id when `accountId` is not given. */
  readonly stsClient?: STSClient;
  /** Skip the account-level check. */
  readonly skipAccountChecks?: boolean;
}

interface Ctx {
  readonly bucket: string;
  readonly exp: AuditExpectations;
  readonly findings: Finding[];
}

const TITLES: Record<AuditCheckId, [number, string]> = {
  'policy.public-access': [1, 'Policy grants nothing to everyone'],
  'policy.statements': [1, 'Policy statements are written as meant'],
  'policy.principals': [1, 'Policy allows only the given principals'],
  'policy.source-ip': [1, 'Policy restricts source IP ranges'],
  'iam.roles': [2, 'Policy names roles, not IAM users'],
  'policy.insecure-transport': [3, 'Policy denies non-TLS requests'],
  'policy.minimum-tls': [3, 'Policy denies old TLS versions'],
  'policy.unencrypted-uploads': [3, 'Policy denies uploads without required SSE'],
  'encryption.default': [3, 'Default encryption'],
  'public-access-block.bucket': [4, 'Block Public Access (bucket)'],
  'public-access-block.account': [4, 'Block Public Access (account)'],
  'ownership-controls': [4, 'Object ownership: ACLs disabled'],
  'versioning.mfa-delete': [5, 'MFA Delete'],
  'object-lock': [6, 'Object Lock and default retention'],
  'policy.vpc-endpoint': [7, 'Policy restricts to VPC endpoints'],
  logging: [8, 'Server access logging'],
  versioning: [9, 'Versioning'],
  'lifecycle.noncurrent-versions': [9, 'Lifecycle for noncurrent versions'],
  replication: [10, 'Replication of SSE-KMS objects'],
  monitoring: [11, 'Monitoring (Macie, AWS Config)'],
};

function add(
  ctx: Ctx,
  id: AuditCheckId,
  status: FindingStatus,
  evidence: string | readonly string[],
  o: { details?: unknown; fix?: FindingFix } = {},
): void {
  const [practice, title] = TITLES[id];
  ctx.findings.push({
    id,
    practice,
    title,
    status,
    evidence: typeof evidence === 'string' ? [evidence] : evidence,
    ...(o.details !== undefined ? { details: toJson(o.details) } : {}),
    ...(status !== 'pass' && o.fix !== undefined ? { fix: o.fix } : {}),
  });
}

/** A finding for a read that failed in a way that is not "not configured". */
function addUnreadable(
  ctx: Ctx,
  id: AuditCheckId,
  what: string,
  r: Exclude<ReadOutcome<unknown>, { kind: 'ok' | 'not-configured' }>,
): void {
  if (r.kind === 'unsupported')
    add(ctx, id, 'unsupported', `${what}: not supported by this endpoint (${r.code})`);
  else if (r.kind === 'access-denied')
    add(ctx, id, 'access-denied', `${what}: access denied (${r.code})`);
  else add(ctx, id, 'warn', `${what}: could not be read (${r.code}: ${r.message})`);
}

const harden = (b: string): FindingFix => ({
  library: `hardenBucket(s3, '${b}', { apply: true })`,
  cli: `s3enc harden s3://${b} --apply`,
});
const policyFix = (b: string, flags = ''): FindingFix => ({
  library: `buildBucketPolicy({ bucket: '${b}', existingPolicy${flags === '' ? '' : ', …'} }) then PutBucketPolicy`,
  cli: `s3enc policy s3://${b}${flags} --apply`,
});

function keyMatches(configured: string | undefined, expected: string): boolean {
  if (configured === undefined) return false;
  if (configured === expected) return true;
  const tail = (k: string): string => k.replace(/^arn:[^:]+:kms:[^:]*:[^:]*:/, '');
  return (
    tail(configured) === tail(expected) ||
    tail(configured) === `key/${expected}` ||
    `key/${tail(configured)}` === tail(expected)
  );
}

function checkResultFinding(
  ctx: Ctx,
  id: AuditCheckId,
  r: PolicyCheckResult,
  failStatus: FindingStatus,
  fix: FindingFix,
  warningsFail = false,
): void {
  const evidence = [r.summary, ...r.warnings];
  const status: FindingStatus = !r.ok
    ? failStatus
    : r.warnings.length > 0
      ? warningsFail
        ? failStatus
        : 'warn'
      : 'pass';
  add(ctx, id, status, evidence, {
    details: {
      statements: r.statements,
      ...(r.counterexample ? { counterexample: r.counterexample } : {}),
    },
    fix,
  });
}

function policyFindings(ctx: Ctx, read: ReadOutcome<string | undefined>, o: AuditOptions): void {
  const b = ctx.bucket;
  const exp = ctx.exp;
  const sse = exp.requireSse ?? (exp.kmsKeyId !== undefined ? 'aws:kms' : undefined);
  const policyIds: AuditCheckId[] = [
    'policy.public-access',
    'iam.roles',
    'policy.insecure-transport',
    'policy.unencrypted-uploads',
    'policy.vpc-endpoint',
  ];
  if (read.kind !== 'ok' && read.kind !== 'not-configured') {
    for (const id of policyIds) addUnreadable(ctx, id, 'Bucket policy', read);
    return;
  }
  const text = read.kind === 'ok' ? read.value : undefined;
  let policy: ParsedPolicy;
  try {
    policy =
      text === undefined || text === ''
        ? { version: undefined, id: undefined, statements: [] }
        : parsePolicy(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    for (const id of policyIds)
      add(ctx, id, 'fail', `The bucket policy cannot be parsed: ${message}`, { fix: policyFix(b) });
    return;
  }
  const none = policy.statements.length === 0;
  const flags = [
    exp.kmsKeyId !== undefined ? ` --kms-key ${exp.kmsKeyId}` : '',
    ...(exp.vpceIds ?? []).map((v) => ` --vpce ${v}`),
    ...(exp.sourceIpRanges ?? []).map((r) => ` --source-ip ${r}`),
  ].join('');
  const analysis: PolicyAnalysis = analysePolicy(
    policy,
    {
      bucket: b,
      partition: o.partition,
      accountId: o.accountId,
      exemptPrincipalArns: exp.exemptPrincipalArns,
    },
    {
      requireSse: true,
      algorithm: sse ?? 'AES256',
      kmsKeyIds: exp.kmsKeyId !== undefined ? [exp.kmsKeyId] : undefined,
      vpceIds: exp.vpceIds,
      sourceIpRanges: exp.sourceIpRanges,
      minimumTlsVersion: exp.minimumTlsVersion,
      allowedPrincipalArns: exp.allowedPrincipalArns,
    },
  );
  const prefix = none ? ['No bucket policy'] : [];
  // 1: public grants and statement lints
  add(
    ctx,
    'policy.public-access',
    analysis.publicAccess.ok ? 'pass' : 'fail',
    [...prefix, analysis.publicAccess.summary],
    {
      details: {
        statements: analysis.publicAccess.statements,
        ...(analysis.publicAccess.counterexample
          ? { counterexample: analysis.publicAccess.counterexample }
          : {}),
      },
      fix: {
        note: `Remove or limit the listed Allow statements (a condition on aws:SourceIp, aws:SourceVpce or aws:PrincipalOrgID), and turn on Block Public Access: s3enc harden s3://${b} --apply`,
      },
    },
  );
  const lints = lintPolicy(policy);
  const notIam = lints.filter((l) => l.code !== 'iam-user-principal');
  if (!none) {
    add(
      ctx,
      'policy.statements',
      notIam.length > 0 ? 'warn' : 'pass',
      notIam.length > 0
        ? notIam.map((l) => l.message)
        : [`${policy.statements.length} statements, none written in a known-misleading way`],
      {
        details: notIam.map((l) => ({ code: l.code, statement: l.statement })),
        fix: {
          note: 'Rewrite the listed statements; s3enc policy writes the s3enc statements correctly',
        },
      },
    );
  }
  if (analysis.principals !== undefined)
    checkResultFinding(
      ctx,
      'policy.principals',
      analysis.principals,
      'fail',
      policyFix(b, (exp.allowedPrincipalArns ?? []).map((p) => ` --principal ${p}`).join('')),
    );
  // 2: IAM users named in the policy
  const users = lints.filter((l) => l.code === 'iam-user-principal');
  add(
    ctx,
    'iam.roles',
    users.length > 0 ? 'warn' : 'pass',
    users.length > 0
      ? users.map((l) => l.message)
      : ['The bucket policy names no IAM users; s3enc itself uses the default credential chain'],
    {
      fix: {
        note: 'Grant to IAM roles assumed by the workloads instead of IAM users with access keys',
      },
    },
  );
  // 3: TLS, TLS version, SSE
  checkResultFinding(
    ctx,
    'policy.insecure-transport',
    withPrefix(prefix, analysis.insecureTransport),
    'fail',
    policyFix(b),
  );
  if (analysis.minimumTls !== undefined)
    checkResultFinding(
      ctx,
      'policy.minimum-tls',
      withPrefix(prefix, analysis.minimumTls),
      'fail',
      policyFix(b, ` --min-tls ${exp.minimumTlsVersion?.toFixed(1) ?? '1.2'}`),
    );
  if (analysis.unencryptedUploads !== undefined) {
    checkResultFinding(
      ctx,
      'policy.unencrypted-uploads',
      withPrefix(prefix, analysis.unencryptedUploads),
      sse === undefined ? 'warn' : 'fail',
      policyFix(b, sse === undefined ? ' --require-sse AES256' : flags),
      true,
    );
  }
  // 1 / 7: network
  if (analysis.network !== undefined) {
    const id: AuditCheckId =
      (exp.vpceIds?.length ?? 0) > 0 ? 'policy.vpc-endpoint' : 'policy.source-ip';
    checkResultFinding(ctx, id, withPrefix(prefix, analysis.network), 'fail', policyFix(b, flags));
  }
  if ((exp.vpceIds?.length ?? 0) === 0) {
    const keys = new Set<string>();
    for (const s of policy.statements) {
      if (s.effect !== 'Deny') continue;
      for (const c of s.conditions) {
        if (['aws:sourcevpce', 'aws:sourcevpc', 'aws:sourceip'].includes(c.key.toLowerCase()))
          keys.add(`${c.key} ${c.values.join(',')}`);
      }
    }
    add(
      ctx,
      'policy.vpc-endpoint',
      keys.size > 0 ? 'pass' : 'warn',
      keys.size > 0
        ? [`Deny statements test ${[...keys].join('; ')} (no endpoint expected, so not verified)`]
        : [
            'No network restriction in the bucket policy; pass expected VPC endpoints (--expect-vpce) or IP ranges to require one',
          ],
      {
        fix: policyFix(b, ' --vpce vpce-…'),
      },
    );
  }
}

function withPrefix(prefix: string[], r: PolicyCheckResult): PolicyCheckResult {
  return prefix.length === 0 ? r : { ...r, summary: `${prefix.join('; ')}: ${r.summary}` };
}

function encryptionFinding(
  ctx: Ctx,
  read: ReadOutcome<GetBucketEncryptionCommandOutput>,
): { kms: boolean } {
  const b = ctx.bucket;
  const exp = ctx.exp;
  const fix: FindingFix =
    exp.kmsKeyId !== undefined
      ? {
          library: `hardenBucket(s3, '${b}', { kmsKeyId: '${exp.kmsKeyId}', apply: true })`,
          cli: `s3enc harden s3://${b} --kms-key ${exp.kmsKeyId} --apply`,
        }
      : harden(b);
  if (read.kind === 'not-configured') {
    add(ctx, 'encryption.default', 'fail', 'No default encryption configured', { fix });
    return { kms: false };
  }
  if (read.kind !== 'ok') {
    addUnreadable(ctx, 'encryption.default', 'Default encryption', read);
    return { kms: exp.kmsKeyId !== undefined };
  }
  const rule = read.value.ServerSideEncryptionConfiguration?.Rules?.[0];
  const algo = rule?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm;
  const key = rule?.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID;
  const bucketKey = rule?.BucketKeyEnabled === true;
  const details = read.value.ServerSideEncryptionConfiguration;
  const kms = algo === 'aws:kms' || algo === 'aws:kms:dsse';
  const evidence = [
    `SSEAlgorithm=${algo ?? 'none'}${key !== undefined ? `, KMSMasterKeyID=${key}` : ''}${kms ? `, BucketKeyEnabled=${bucketKey}` : ''}`,
  ];
  let status: FindingStatus = 'pass';
  if (algo === undefined) status = 'fail';
  else if (exp.kmsKeyId !== undefined || exp.requireSse === 'aws:kms') {
    if (!kms) {
      status = 'fail';
      evidence.push('SSE-KMS expected');
    } else if (exp.kmsKeyId !== undefined && !keyMatches(key, exp.kmsKeyId)) {
      status = 'fail';
      evidence.push(`Expected KMS key ${exp.kmsKeyId}`);
    }
  }
  if (status === 'pass' && kms && !bucketKey && (exp.bucketKey ?? true)) {
    status = 'warn';
    evidence.push('S3 Bucket Key is off (every object costs a KMS call)');
  }
  add(ctx, 'encryption.default', status, evidence, { details, fix });
  return { kms };
}

function bucketPabFinding(
  ctx: Ctx,
  id: AuditCheckId,
  what: string,
  read: ReadOutcome<PublicAccessBlockConfiguration | undefined>,
  fix: FindingFix,
): void {
  if (read.kind === 'not-configured') {
    add(ctx, id, 'fail', `${what}: not configured (nothing blocked)`, { fix });
    return;
  }
  if (read.kind !== 'ok') {
    addUnreadable(ctx, id, what, read);
    return;
  }
  const c = read.value ?? {};
  const flags = [
    'BlockPublicAcls',
    'IgnorePublicAcls',
    'BlockPublicPolicy',
    'RestrictPublicBuckets',
  ] as const;
  const off = flags.filter((f) => c[f] !== true);
  add(
    ctx,
    id,
    off.length === 0 ? 'pass' : 'fail',
    off.length === 0 ? `${what}: all four settings on` : `${what}: off: ${off.join(', ')}`,
    { details: c, fix },
  );
}

async function accountPab(ctx: Ctx, s3: S3Client, o: AuditOptions): Promise<void> {
  const id: AuditCheckId = 'public-access-block.account';
  const fix: FindingFix = {
    note: 'aws s3control put-public-access-block --account-id <id> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true',
  };
  if (o.skipAccountChecks === true) {
    add(ctx, id, 'warn', 'Account-level check skipped');
    return;
  }
  const custom = (s3.config as { endpoint?: unknown }).endpoint !== undefined;
  let control = o.s3ControlClient;
  if (control === undefined) {
    if (custom) {
      add(
        ctx,
        id,
        'unsupported',
        'Account-level Block Public Access: not supported by this endpoint (a custom S3 endpoint has no S3 Control API; pass an S3 Control client to check)',
      );
      return;
    }
    control = new S3ControlClient({
      region: await s3.config.region(),
      credentials: s3.config.credentials,
    });
  }
  let accountId = o.accountId;
  if (accountId === undefined) {
    const sts =
      o.stsClient ??
      new STSClient({ region: await s3.config.region(), credentials: s3.config.credentials });
    const who = await readSetting(() => sts.send(new GetCallerIdentityCommand({})));
    if (who.kind !== 'ok' || who.value.Account === undefined) {
      const r =
        who.kind === 'ok'
          ? { kind: 'error' as const, code: 'NoAccount', message: 'STS returned no account' }
          : who;
      if (r.kind === 'not-configured') add(ctx, id, 'warn', 'Account id unknown');
      else addUnreadable(ctx, id, 'Account id (STS GetCallerIdentity)', r);
      return;
    }
    accountId = who.value.Account;
  }
  const acct = accountId;
  const read = await readSetting(
    async () =>
      (await control.send(new GetAccountPublicAccessBlockCommand({ AccountId: acct })))
        .PublicAccessBlockConfiguration,
  );
  bucketPabFinding(ctx, id, `Account ${acct} Block Public Access`, read, fix);
}

function replicationFinding(
  ctx: Ctx,
  read: ReadOutcome<GetBucketReplicationCommandOutput>,
  kms: boolean,
): void {
  const fix: FindingFix = {
    note: 'Replication rules need SourceSelectionCriteria.SseKmsEncryptedObjects=Enabled and Destination.EncryptionConfiguration.ReplicaKmsKeyID; s3enc wraps data keys under KMS keys of every Region (multi-Region keys) so replicas decrypt where they land',
  };
  if (read.kind === 'not-configured') {
    add(
      ctx,
      'replication',
      ctx.exp.requireReplication === true ? 'fail' : 'warn',
      'No replication configured',
      { fix },
    );
    return;
  }
  if (read.kind !== 'ok') {
    addUnreadable(ctx, 'replication', 'Replication', read);
    return;
  }
  const rules = read.value.ReplicationConfiguration?.Rules ?? [];
  const enabled = rules.filter((r) => r.Status === 'Enabled');
  const evidence: string[] = [];
  let status: FindingStatus =
    enabled.length > 0 ? 'pass' : ctx.exp.requireReplication === true ? 'fail' : 'warn';
  if (enabled.length === 0) evidence.push(`${rules.length} rules, none enabled`);
  for (const r of enabled) {
    const sseKms = r.SourceSelectionCriteria?.SseKmsEncryptedObjects?.Status === 'Enabled';
    const replicaKey = r.Destination?.EncryptionConfiguration?.ReplicaKmsKeyID;
    evidence.push(
      `Rule ${r.ID ?? '(no id)'} → ${r.Destination?.Bucket ?? '?'}: SSE-KMS objects ${sseKms ? 'replicated' : 'NOT replicated'}${replicaKey !== undefined ? ` with ReplicaKmsKeyID ${replicaKey}` : ''}`,
    );
    if (kms && (!sseKms || replicaKey === undefined)) status = 'fail';
    else if (!sseKms && status === 'pass') status = 'warn';
  }
  add(ctx, 'replication', status, evidence, { details: read.value.ReplicationConfiguration, fix });
}

function validateExpectations(exp: AuditExpectations): void {
  const bad = (what: string): never => {
    throw new InvalidArgumentError(`auditBucket: ${what}`, {
      code: 'ERR_S3ENC_AUDIT_EXPECTATIONS',
    });
  };
  for (const [name, list] of [
    ['vpceIds', exp.vpceIds],
    ['sourceIpRanges', exp.sourceIpRanges],
    ['allowedPrincipalArns', exp.allowedPrincipalArns],
    ['exemptPrincipalArns', exp.exemptPrincipalArns],
  ] as const) {
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.some((v) => typeof v !== 'string' || v === ''))
      bad(`${name} must be an array of non-empty strings`);
  }
  for (const r of exp.sourceIpRanges ?? []) {
    try {
      validateConditionValues('IpAddress', [r], 'sourceIpRanges');
    } catch {
      bad(`sourceIpRanges: ${JSON.stringify(r)} is not an IP address or CIDR block`);
    }
  }
  if (
    exp.minimumTlsVersion !== undefined &&
    (typeof exp.minimumTlsVersion !== 'number' ||
      !(exp.minimumTlsVersion >= 1 && exp.minimumTlsVersion <= 1.3))
  ) {
    bad('minimumTlsVersion must be a number from 1.0 to 1.3');
  }
  if (exp.requireSse !== undefined && exp.requireSse !== 'aws:kms' && exp.requireSse !== 'AES256')
    bad('requireSse must be "aws:kms" or "AES256"');
  if (exp.kmsKeyId !== undefined && (typeof exp.kmsKeyId !== 'string' || exp.kmsKeyId === ''))
    bad('kmsKeyId must be a non-empty string');
}

/**
 * Audits `bucket`. Never throws for a single unreadable setting; throws
 * `InvalidArgumentError` for unusable arguments (`ERR_S3ENC_INVALID_ARGUMENT` for the
 * bucket, `ERR_S3ENC_AUDIT_EXPECTATIONS` for the expectations), and `S3RequestError` when
 * there is nothing to audit: `ERR_S3ENC_NO_SUCH_BUCKET`, or `ERR_S3ENC_S3_REQUEST` when every
 * read fails with the same error (endpoint down, credentials rejected).
 */
export async function auditBucket(
  s3: S3Client,
  bucket: string,
  options: AuditOptions = {},
): Promise<AuditReport> {
  if (typeof bucket !== 'string' || bucket === '')
    throw new InvalidArgumentError('auditBucket: bucket must be a non-empty string');
  const exp: AuditExpectations = options;
  validateExpectations(exp);
  const ctx: Ctx = { bucket, exp, findings: [] };
  const B = { Bucket: bucket };
  const [policy, enc, pab, own, ver, lock, log, life, repl] = await Promise.all([
    readSetting(async () => (await s3.send(new GetBucketPolicyCommand(B))).Policy),
    readSetting(() => s3.send(new GetBucketEncryptionCommand(B))),
    readSetting(
      async () =>
        (await s3.send(new GetPublicAccessBlockCommand(B))).PublicAccessBlockConfiguration,
    ),
    readSetting(() => s3.send(new GetBucketOwnershipControlsCommand(B))),
    readSetting(() => s3.send(new GetBucketVersioningCommand(B))),
    readSetting(() => s3.send(new GetObjectLockConfigurationCommand(B))),
    readSetting(() => s3.send(new GetBucketLoggingCommand(B))),
    readSetting(() => s3.send(new GetBucketLifecycleConfigurationCommand(B))),
    readSetting(() => s3.send(new GetBucketReplicationCommand(B))),
  ]);

  assertReachable(bucket, [policy, enc, pab, own, ver, lock, log, life, repl]);

  policyFindings(ctx, policy, options);
  const { kms } = encryptionFinding(ctx, enc);
  bucketPabFinding(
    ctx,
    'public-access-block.bucket',
    'Bucket Block Public Access',
    pab,
    harden(bucket),
  );
  await accountPab(ctx, s3, options);

  if (own.kind === 'ok') {
    const rule = own.value.OwnershipControls?.Rules?.[0]?.ObjectOwnership;
    add(
      ctx,
      'ownership-controls',
      rule === 'BucketOwnerEnforced' ? 'pass' : 'fail',
      `ObjectOwnership=${rule ?? 'none'}`,
      { details: own.value.OwnershipControls, fix: harden(bucket) },
    );
  } else if (own.kind === 'not-configured')
    add(ctx, 'ownership-controls', 'fail', 'No ownership controls (ACLs enabled)', {
      fix: harden(bucket),
    });
  else addUnreadable(ctx, 'ownership-controls', 'Ownership controls', own);

  // 9 and 5: versioning and MFA Delete
  if (ver.kind === 'ok') {
    const status = ver.value.Status;
    const versioned = status === 'Enabled';
    add(ctx, 'versioning', versioned ? 'pass' : 'fail', `Versioning ${status ?? 'never enabled'}`, {
      details: { Status: status ?? null, MFADelete: ver.value.MFADelete ?? null },
      fix: harden(bucket),
    });
    const mfa = ver.value.MFADelete === 'Enabled';
    const mfaFix: FindingFix = {
      library: `enableVersioning(s3, { bucket: '${bucket}', mfaDelete: true, mfa })`,
      note: 'MFA Delete can only be turned on by the root user with an MFA device',
    };
    add(
      ctx,
      'versioning.mfa-delete',
      mfa ? 'pass' : exp.requireMfaDelete === true ? 'fail' : 'warn',
      mfa
        ? 'MFA Delete enabled'
        : `MFA Delete ${ver.value.MFADelete ?? 'not enabled'}${versioned ? '' : ' (it needs versioning)'}`,
      { fix: mfaFix },
    );
  } else if (ver.kind === 'not-configured') {
    add(ctx, 'versioning', 'fail', 'Versioning never enabled', { fix: harden(bucket) });
    add(
      ctx,
      'versioning.mfa-delete',
      exp.requireMfaDelete === true ? 'fail' : 'warn',
      'MFA Delete not enabled (it needs versioning)',
    );
  } else {
    addUnreadable(ctx, 'versioning', 'Versioning', ver);
    addUnreadable(ctx, 'versioning.mfa-delete', 'MFA Delete', ver);
  }

  // 6: Object Lock
  const lockFix: FindingFix = {
    library: `putBucketDefaultRetention(s3, { bucket: '${bucket}', … })`,
    note: 'Object Lock is enabled when the bucket is created (with Object Lock on) or later with PutObjectLockConfiguration on a versioned bucket',
  };
  if (lock.kind === 'ok') {
    const cfg = lock.value.ObjectLockConfiguration;
    const enabled = cfg?.ObjectLockEnabled === 'Enabled';
    const dr = cfg?.Rule?.DefaultRetention;
    const retention =
      dr === undefined
        ? undefined
        : `${dr.Mode ?? '?'} ${dr.Days !== undefined ? `${dr.Days} days` : `${dr.Years ?? '?'} years`}`;
    const status: FindingStatus =
      enabled && retention !== undefined
        ? 'pass'
        : enabled
          ? 'warn'
          : exp.requireObjectLock === true
            ? 'fail'
            : 'warn';
    add(
      ctx,
      'object-lock',
      status,
      enabled
        ? `Object Lock enabled; default retention ${retention ?? 'none'}`
        : 'Object Lock not enabled',
      { details: cfg, fix: lockFix },
    );
  } else if (lock.kind === 'not-configured') {
    add(
      ctx,
      'object-lock',
      exp.requireObjectLock === true ? 'fail' : 'warn',
      'Object Lock not enabled',
      { fix: lockFix },
    );
  } else addUnreadable(ctx, 'object-lock', 'Object Lock', lock);

  // 8: logging
  const logFix: FindingFix = {
    note: `aws s3api put-bucket-logging --bucket ${bucket} --bucket-logging-status '{"LoggingEnabled":{"TargetBucket":"<log-bucket>","TargetPrefix":"${bucket}/"}}' (or CloudTrail data events)`,
  };
  if (log.kind === 'ok') {
    const le = log.value.LoggingEnabled;
    add(
      ctx,
      'logging',
      le !== undefined ? 'pass' : exp.requireAccessLogging === true ? 'fail' : 'warn',
      le !== undefined
        ? `Access logs to s3://${le.TargetBucket ?? '?'}/${le.TargetPrefix ?? ''}`
        : 'Server access logging not enabled',
      { details: log.value, fix: logFix },
    );
  } else if (log.kind === 'not-configured')
    add(
      ctx,
      'logging',
      exp.requireAccessLogging === true ? 'fail' : 'warn',
      'Server access logging not enabled',
      { fix: logFix },
    );
  else addUnreadable(ctx, 'logging', 'Server access logging', log);

  // 9: lifecycle for noncurrent versions
  const lifeFix: FindingFix = {
    note: 'Add a lifecycle rule with NoncurrentVersionExpiration (and AbortIncompleteMultipartUpload) so old versions do not pile up',
  };
  if (life.kind === 'ok') {
    const rules = (life.value.Rules ?? []).filter(
      (r) =>
        r.Status === 'Enabled' &&
        (r.NoncurrentVersionExpiration !== undefined ||
          (r.NoncurrentVersionTransitions?.length ?? 0) > 0),
    );
    add(
      ctx,
      'lifecycle.noncurrent-versions',
      rules.length > 0 ? 'pass' : 'warn',
      rules.length > 0
        ? `Rules for noncurrent versions: ${rules.map((r) => r.ID ?? '(no id)').join(', ')}`
        : 'No enabled rule expires or transitions noncurrent versions',
      { details: life.value.Rules, fix: lifeFix },
    );
  } else if (life.kind === 'not-configured')
    add(ctx, 'lifecycle.noncurrent-versions', 'warn', 'No lifecycle configuration', {
      fix: lifeFix,
    });
  else addUnreadable(ctx, 'lifecycle.noncurrent-versions', 'Lifecycle', life);

  replicationFinding(ctx, repl, kms || exp.kmsKeyId !== undefined);

  add(
    ctx,
    'monitoring',
    'unsupported',
    'Macie and AWS Config are account services the S3 API does not expose; run this audit on a schedule (s3enc audit --json, non-zero exit on failures)',
  );

  ctx.findings.sort((a, b) => a.practice - b.practice);
  return {
    schemaVersion: 1,
    bucket,
    generatedAt: new Date().toISOString(),
    findings: ctx.findings,
    summary: summarise(ctx.findings),
  };
}
