/**
 * `hardenBucket`: turns on what the audit checks and s3enc can safely set — versioning,
 * default encryption, Block Public Access, object ownership (ACLs disabled) and the TLS-only
 * bucket policy (merged). Dry run by default: every change is planned with its before and
 * after state, and only `apply: true` writes.
 *
 * It never weakens a setting: versioning is never suspended, SSE-KMS is kept when SSE-S3 is
 * asked for, a Block Public Access flag is never turned off, and no policy statement is
 * removed (statements that are not ours are kept untouched).
 */
import {
  GetBucketEncryptionCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  PutBucketEncryptionCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  type S3Client,
  type ServerSideEncryptionRule,
} from '@aws-sdk/client-s3';
import { InvalidArgumentError, S3RequestError } from '@s3enc/core';
import { buildBucketPolicy, type BucketPolicyOptions } from './policy/build.js';
import type { JsonValue } from './policy/types.js';
import { toJson } from './report.js';
import { assertBucketExists, classifyError, readSetting, type ReadOutcome } from './s3-read.js';

/** The settings hardenBucket manages. */
export type HardenSetting =
  | 'versioning'
  | 'default-encryption'
  | 'public-access-block'
  | 'ownership-controls'
  | 'bucket-policy';

/**
 * - `planned`: would change (dry run);
 * - `applied`: changed;
 * - `unchanged`: already as wanted (or stronger);
 * - `unsupported`: the endpoint does not implement the setting;
 * - `access-denied`: the caller may not read or write it;
 * - `failed`: the read or the write failed otherwise (see `error`).
 */
export type ChangeStatus =
  'planned' | 'applied' | 'unchanged' | 'unsupported' | 'access-denied' | 'failed';

/** One setting's planned (or applied) change. */
export interface PlannedChange {
  readonly setting: HardenSetting;
  readonly status: ChangeStatus;
  /** The setting as read, as JSON (null when not configured or unreadable). */
  readonly before: JsonValue;
  /** The setting hardenBucket wants (equal to `before` when unchanged). */
  readonly after: JsonValue;
  /** Why: what changes, or why nothing does. */
  readonly reason: string;
  readonly error?: { readonly code: string; readonly message: string };
}

/** Options of {@link hardenBucket}. */
export interface HardenOptions {
  /** Perform the changes. Default false: a dry run that only reads. */
  readonly apply?: boolean;
  /** Default encryption with SSE-KMS under this key; without it SSE-S3 (unless SSE-KMS is already set). */
  readonly kmsKeyId?: string;
  /** Turn on S3 Bucket Keys with SSE-KMS. Default true. */
  readonly bucketKey?: boolean;
  /** Which settings to manage. Default: all. */
  readonly settings?: readonly HardenSetting[];
  /**
   * Extra options for the merged bucket policy (TLS-only is always included). `bucket`,
   * `existingPolicy` and `dropStaleStatements` are set by hardenBucket.
   */
  readonly policy?: Omit<BucketPolicyOptions, 'bucket' | 'existingPolicy' | 'dropStaleStatements'>;
  /** Called with each change as it is planned or applied (for printing). */
  readonly onChange?: (change: PlannedChange) => void;
}

/** What {@link hardenBucket} returns. */
export interface HardenResult {
  readonly bucket: string;
  readonly applied: boolean;
  readonly changes: readonly PlannedChange[];
}

const ALL: readonly HardenSetting[] = [
  'versioning',
  'default-encryption',
  'public-access-block',
  'ownership-controls',
  'bucket-policy',
];

/** "before → after" in one line, for printing a change. */
export function formatPlannedChange(c: PlannedChange): string {
  const show = (v: JsonValue): string =>
    v === null ? 'not configured' : typeof v === 'string' ? v : JSON.stringify(v);
  const arrow =
    c.status === 'planned' || c.status === 'applied'
      ? `: ${show(c.before)} → ${show(c.after)}`
      : '';
  return `${c.setting} [${c.status}]${arrow} — ${c.reason}`;
}

type Plan =
  | { readonly change: false; readonly before: JsonValue; readonly reason: string }
  | {
      readonly change: true;
      readonly before: JsonValue;
      readonly after: JsonValue;
      readonly reason: string;
      readonly write: () => Promise<unknown>;
    };

/** How a failed read or write of a setting is reported. */
function changeStatusOf(kind: string): ChangeStatus {
  return kind === 'unsupported' || kind === 'access-denied' ? kind : 'failed';
}

function unreadable(
  setting: HardenSetting,
  r: Exclude<ReadOutcome<unknown>, { kind: 'ok' | 'not-configured' }>,
  bucket: string,
): PlannedChange {
  assertBucketExists(bucket, [r]);
  const status = changeStatusOf(r.kind);
  const reason =
    r.kind === 'unsupported'
      ? 'not supported by this endpoint'
      : r.kind === 'access-denied'
        ? 'access denied reading the setting'
        : 'the setting could not be read';
  return {
    setting,
    status,
    before: null,
    after: null,
    reason,
    error: { code: r.code, message: r.kind === 'error' ? r.message : reason },
  };
}

/**
 * Plans (and with `apply: true` performs) the hardening of `bucket`. Settings are handled one
 * by one; a failure of one (including an existing bucket policy that does not parse, or
 * unusable `policy` options) is reported as a `failed` change with the error code, and does
 * not stop the others. Throws for an empty bucket name or an unknown setting
 * (`InvalidArgumentError`), and `S3RequestError` `ERR_S3ENC_NO_SUCH_BUCKET` when the bucket
 * does not exist.
 */
export async function hardenBucket(
  s3: S3Client,
  bucket: string,
  options: HardenOptions = {},
): Promise<HardenResult> {
  if (typeof bucket !== 'string' || bucket === '')
    throw new InvalidArgumentError('hardenBucket: bucket must be a non-empty string');
  const apply = options.apply === true;
  const settings = options.settings ?? ALL;
  for (const s of settings)
    if (!ALL.includes(s))
      throw new InvalidArgumentError(`hardenBucket: unknown setting ${JSON.stringify(s)}`);
  const B = { Bucket: bucket };
  const changes: PlannedChange[] = [];

  const planners: Record<HardenSetting, () => Promise<Plan | PlannedChange>> = {
    versioning: async () => {
      const r = await readSetting(() => s3.send(new GetBucketVersioningCommand(B)));
      if (r.kind !== 'ok' && r.kind !== 'not-configured')
        return unreadable('versioning', r, bucket);
      const status = r.kind === 'ok' ? r.value.Status : undefined;
      if (status === 'Enabled')
        return { change: false, before: 'Enabled', reason: 'versioning is enabled' };
      return {
        change: true,
        before: status ?? null,
        after: 'Enabled',
        reason: 'enable versioning (never suspended by s3enc)',
        // MFADelete is left out, which keeps its current state.
        write: () =>
          s3.send(
            new PutBucketVersioningCommand({
              ...B,
              VersioningConfiguration: { Status: 'Enabled' },
            }),
          ),
      };
    },
    'default-encryption': async () => {
      const r = await readSetting(() => s3.send(new GetBucketEncryptionCommand(B)));
      if (r.kind !== 'ok' && r.kind !== 'not-configured')
        return unreadable('default-encryption', r, bucket);
      const rule =
        r.kind === 'ok' ? r.value.ServerSideEncryptionConfiguration?.Rules?.[0] : undefined;
      const before = rule === undefined ? null : toJson(rule);
      const algo = rule?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm;
      const key = rule?.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID;
      const bucketKey = options.bucketKey ?? true;
      let want: ServerSideEncryptionRule | undefined;
      let reason: string;
      if (options.kmsKeyId !== undefined) {
        if (algo === 'aws:kms:dsse')
          return {
            change: false,
            before,
            reason: 'dual-layer SSE-KMS is kept (stronger than SSE-KMS)',
          };
        if (algo === 'aws:kms' && key === options.kmsKeyId)
          return { change: false, before, reason: 'SSE-KMS with the requested key' };
        want = {
          ApplyServerSideEncryptionByDefault: {
            SSEAlgorithm: 'aws:kms',
            KMSMasterKeyID: options.kmsKeyId,
          },
          BucketKeyEnabled: bucketKey,
        };
        reason =
          algo === 'aws:kms'
            ? `switch the default KMS key from ${key ?? 'the AWS managed key'} to ${options.kmsKeyId}`
            : 'SSE-KMS with the requested key';
      } else {
        if (algo !== undefined)
          return {
            change: false,
            before,
            reason: `${algo} is kept${algo === 'AES256' ? '' : ' (stronger than SSE-S3)'}`,
          };
        want = { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } };
        reason = 'SSE-S3 by default (pass a KMS key for SSE-KMS)';
      }
      const rules = [want];
      return {
        change: true,
        before,
        after: toJson(want),
        reason,
        write: () =>
          s3.send(
            new PutBucketEncryptionCommand({
              ...B,
              ServerSideEncryptionConfiguration: { Rules: rules },
            }),
          ),
      };
    },
    'public-access-block': async () => {
      const r = await readSetting(
        async () =>
          (await s3.send(new GetPublicAccessBlockCommand(B))).PublicAccessBlockConfiguration,
      );
      if (r.kind !== 'ok' && r.kind !== 'not-configured')
        return unreadable('public-access-block', r, bucket);
      const cur = r.kind === 'ok' ? (r.value ?? {}) : {};
      const want = {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      };
      const before = r.kind === 'ok' ? toJson(cur) : null;
      if (Object.keys(want).every((k) => cur[k as keyof typeof want] === true))
        return { change: false, before, reason: 'all four settings are on' };
      return {
        change: true,
        before,
        after: want,
        reason: 'turn on all four Block Public Access settings',
        write: () =>
          s3.send(new PutPublicAccessBlockCommand({ ...B, PublicAccessBlockConfiguration: want })),
      };
    },
    'ownership-controls': async () => {
      const r = await readSetting(() => s3.send(new GetBucketOwnershipControlsCommand(B)));
      if (r.kind !== 'ok' && r.kind !== 'not-configured')
        return unreadable('ownership-controls', r, bucket);
      const cur =
        r.kind === 'ok' ? r.value.OwnershipControls?.Rules?.[0]?.ObjectOwnership : undefined;
      if (cur === 'BucketOwnerEnforced')
        return { change: false, before: cur, reason: 'ACLs are disabled' };
      return {
        change: true,
        before: cur ?? null,
        after: 'BucketOwnerEnforced',
        reason: 'disable ACLs (the bucket owner owns every object)',
        write: () =>
          s3.send(
            new PutBucketOwnershipControlsCommand({
              ...B,
              OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
            }),
          ),
      };
    },
    'bucket-policy': async () => {
      const r = await readSetting(
        async () => (await s3.send(new GetBucketPolicyCommand(B))).Policy,
      );
      if (r.kind !== 'ok' && r.kind !== 'not-configured')
        return unreadable('bucket-policy', r, bucket);
      const existing = r.kind === 'ok' ? r.value : undefined;
      const built = buildBucketPolicy({
        ...options.policy,
        bucket,
        existingPolicy: existing,
        dropStaleStatements: false,
      });
      const before =
        existing === undefined || existing === '' ? null : (JSON.parse(existing) as JsonValue);
      if (!built.changed)
        return {
          change: false,
          before,
          reason: `the s3enc statements are present (${built.changes.unchanged.join(', ')})`,
        };
      const parts = [
        built.changes.added.length > 0 ? `add ${built.changes.added.join(', ')}` : '',
        built.changes.updated.length > 0 ? `update ${built.changes.updated.join(', ')}` : '',
        built.changes.foreignKept > 0 ? `keep ${built.changes.foreignKept} other statement(s)` : '',
      ].filter((p) => p !== '');
      return {
        change: true,
        before,
        after: toJson(built.document),
        reason: parts.join('; '),
        write: () => s3.send(new PutBucketPolicyCommand({ ...B, Policy: built.json })),
      };
    },
  };

  for (const setting of ALL) {
    if (!settings.includes(setting)) continue;
    let plan: Plan | PlannedChange;
    try {
      plan = await planners[setting]();
    } catch (err) {
      if (err instanceof S3RequestError) throw err; // no bucket / no endpoint: nothing to harden
      // e.g. an existing bucket policy that does not parse: report it, keep going.
      const code =
        typeof (err as { code?: unknown }).code === 'string'
          ? (err as { code: string }).code
          : 'ERR_S3ENC_HARDEN';
      const message = err instanceof Error ? err.message : String(err);
      plan = {
        setting,
        status: 'failed',
        before: null,
        after: null,
        reason: 'could not plan the change',
        error: { code, message },
      };
    }
    let change: PlannedChange;
    if ('setting' in plan) change = plan;
    else if (!plan.change)
      change = {
        setting,
        status: 'unchanged',
        before: plan.before,
        after: plan.before,
        reason: plan.reason,
      };
    else if (!apply)
      change = {
        setting,
        status: 'planned',
        before: plan.before,
        after: plan.after,
        reason: plan.reason,
      };
    else {
      try {
        await plan.write();
        change = {
          setting,
          status: 'applied',
          before: plan.before,
          after: plan.after,
          reason: plan.reason,
        };
      } catch (err) {
        const c = classifyError(err);
        const status = changeStatusOf(c.kind);
        const message =
          c.kind === 'error'
            ? c.message
            : c.kind === 'unsupported'
              ? 'not supported by this endpoint'
              : c.kind;
        change = {
          setting,
          status,
          before: plan.before,
          after: plan.after,
          reason: plan.reason,
          error: { code: c.code, message },
        };
      }
    }
    changes.push(change);
    options.onChange?.(change);
  }
  return { bucket, applied: apply, changes };
}
