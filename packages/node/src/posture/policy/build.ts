/**
 * Builds the bucket policy that enforces the practices, merged into an existing policy.
 *
 * Our statements carry a Sid starting with {@link S3ENC_SID_PREFIX}; every other statement of
 * the existing policy is kept untouched and in order. Building again from the result with the
 * same options returns the same document (no duplicates). A statement of ours that the new
 * options no longer produce is kept unless `dropStaleStatements` is set, so re-running with
 * fewer options never silently weakens the policy.
 */
import { InvalidArgumentError } from '@s3enc/core';
import { isIP } from 'node:net';
import { validateConditionValues } from './conditions.js';
import { parsePolicy } from './parse.js';
import type { PolicyDocument, PolicyPrincipal, PolicyStatementJson } from './types.js';

/** The Sid prefix that marks statements written by s3enc. */
export const S3ENC_SID_PREFIX = 'S3Enc';

/** Options of {@link buildBucketPolicy}. Every restriction is opt-in except TLS-only. */
export interface BucketPolicyOptions {
  readonly bucket: string;
  /** `aws` (default), `aws-cn`, `aws-us-gov`. */
  readonly partition?: string;
  /** The bucket's current policy (JSON text or object) to merge into. */
  readonly existingPolicy?: string | PolicyDocument | undefined;
  /** Deny every request with `aws:SecureTransport=false`. Default true. */
  readonly denyInsecureTransport?: boolean;
  /** Deny TLS versions below this one (`s3:TlsVersion`), e.g. 1.2. Not supported by MinIO. */
  readonly minimumTlsVersion?: number;
  /**
   * Deny PutObject unless it requests this server-side encryption. `aws:kms` also follows
   * from giving `kmsKeyIds`. `AES256` accepts SSE-S3 or SSE-KMS.
   */
  readonly requireSse?: 'aws:kms' | 'AES256';
  /**
   * Deny PutObject unless it names one of these KMS key ARNs in
   * `x-amz-server-side-encryption-aws-kms-key-id` (uploads must send the header; relying on
   * the bucket default key is denied, because a missing header could mean another key).
   */
  readonly kmsKeyIds?: readonly string[];
  /** Deny every principal except these ARNs (wildcards allowed). AWS service principals are exempt. */
  readonly allowedPrincipalArns?: readonly string[];
  /** Deny requests not arriving through one of these VPC endpoints (or from `sourceIpRanges`). */
  readonly vpceIds?: readonly string[];
  /** Deny requests not from these CIDR ranges (or through `vpceIds`). */
  readonly sourceIpRanges?: readonly string[];
  /** Principal ARNs exempt from the network restriction (a break-glass administrator role). */
  readonly exemptPrincipalArns?: readonly string[];
  /**
   * Exempt calls made by AWS services (`aws:PrincipalIsAWSService`) or through them
   * (`aws:ViaAWSService`) from the principal and network restrictions, with `BoolIfExists`.
   * Default true. Set false for servers that reject `…IfExists` operators (MinIO).
   */
  readonly serviceCarveOuts?: boolean;
  /** Remove statements with our Sid prefix that these options no longer produce. Default false. */
  readonly dropStaleStatements?: boolean;
}

/** What changed between the existing policy and the built one, by Sid. */
export interface PolicyChanges {
  readonly added: readonly string[];
  readonly updated: readonly string[];
  readonly unchanged: readonly string[];
  /** Our statements the options no longer produce, kept (or removed with `dropStaleStatements`). */
  readonly stale: readonly string[];
  /** Number of statements kept from the existing policy that are not ours. */
  readonly foreignKept: number;
}

/** The result of {@link buildBucketPolicy}. */
export interface BuiltBucketPolicy {
  readonly document: PolicyDocument;
  /** `JSON.stringify(document, null, 2)`. */
  readonly json: string;
  readonly changes: PolicyChanges;
  /** True when the built document differs from the existing one. */
  readonly changed: boolean;
}

function bad(message: string): InvalidArgumentError {
  return new InvalidArgumentError(message, { code: 'ERR_S3ENC_POLICY_OPTIONS' });
}

function list(
  name: string,
  v: readonly string[] | undefined,
  check?: (s: string) => boolean,
): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw bad(`${name} must be an array of strings`);
  for (const s of v) {
    if (typeof s !== 'string' || s === '' || (check !== undefined && !check(s))) {
      throw bad(`${name} has an invalid entry: ${JSON.stringify(s)}`);
    }
  }
  return [...new Set<string>(v)];
}

function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x !== null && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(
          Object.entries(x as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : x,
  );
}

/** The statements s3enc writes for these options (without merging). */
export function s3encStatements(o: BucketPolicyOptions): PolicyStatementJson[] {
  if (typeof o.bucket !== 'string' || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(o.bucket)) {
    throw bad(`Not a valid bucket name: ${JSON.stringify(o.bucket)}`);
  }
  const arn = `arn:${o.partition ?? 'aws'}:s3:::${o.bucket}`;
  const both = [arn, `${arn}/*`];
  const objects = `${arn}/*`;
  // Key ARNs on AWS (the condition key holds what the client sent); other servers name keys
  // freely (MinIO: the KMS key name), so only whitespace and quotes are refused.
  const kmsKeyIds = list('kmsKeyIds', o.kmsKeyIds, (s) => /^[^\s"'*?]+$/.test(s));
  const principals = list('allowedPrincipalArns', o.allowedPrincipalArns, (s) =>
    s.startsWith('arn:'),
  );
  const vpces = list('vpceIds', o.vpceIds, (s) => /^vpce-[0-9a-z]+$/.test(s));
  const ranges = list('sourceIpRanges', o.sourceIpRanges, (s) => isIP(s.split('/')[0] ?? '') !== 0);
  validateConditionValues('IpAddress', ranges, 'sourceIpRanges');
  const exempt = list('exemptPrincipalArns', o.exemptPrincipalArns, (s) => s.startsWith('arn:'));
  const carveOuts = o.serviceCarveOuts ?? true;
  if (o.requireSse === 'AES256' && kmsKeyIds.length > 0)
    throw bad('kmsKeyIds requires requireSse "aws:kms"');
  if (o.requireSse !== undefined && o.requireSse !== 'aws:kms' && o.requireSse !== 'AES256') {
    throw bad('requireSse must be "aws:kms" or "AES256"');
  }

  const out: PolicyStatementJson[] = [];
  const deny = (
    sid: string,
    action: string,
    resource: string | string[],
    condition: NonNullable<PolicyStatementJson['Condition']>,
  ): void => {
    out.push({
      Sid: `${S3ENC_SID_PREFIX}${sid}`,
      Effect: 'Deny',
      Principal: '*',
      Action: action,
      Resource: resource,
      Condition: condition,
    });
  };
  if (o.denyInsecureTransport ?? true) {
    deny('DenyInsecureTransport', 's3:*', both, { Bool: { 'aws:SecureTransport': 'false' } });
  }
  if (o.minimumTlsVersion !== undefined) {
    if (
      typeof o.minimumTlsVersion !== 'number' ||
      ![1.0, 1.1, 1.2, 1.3].includes(o.minimumTlsVersion)
    ) {
      throw bad('minimumTlsVersion must be 1.0, 1.1, 1.2 or 1.3');
    }
    deny('DenyOldTls', 's3:*', both, {
      NumericLessThan: { 's3:TlsVersion': o.minimumTlsVersion.toFixed(1) },
    });
  }
  const sse = o.requireSse ?? (kmsKeyIds.length > 0 ? 'aws:kms' : undefined);
  if (sse !== undefined) {
    // StringNotEquals is true when the header is missing, so one statement denies both a
    // missing header and a different algorithm.
    deny('DenyUploadsWithoutSse', 's3:PutObject', objects, {
      StringNotEquals: {
        's3:x-amz-server-side-encryption': sse === 'aws:kms' ? 'aws:kms' : ['AES256', 'aws:kms'],
      },
    });
  }
  if (kmsKeyIds.length > 0) {
    deny('DenyOtherKmsKeys', 's3:PutObject', objects, {
      StringNotEquals: {
        's3:x-amz-server-side-encryption-aws-kms-key-id':
          kmsKeyIds.length === 1 ? kmsKeyIds[0]! : kmsKeyIds,
      },
    });
  }
  if (principals.length > 0) {
    // aws:PrincipalArn is absent for anonymous callers, so StringNotLike denies them too.
    const condition: NonNullable<PolicyStatementJson['Condition']> = {
      StringNotLike: {
        'aws:PrincipalArn': [...principals, ...exempt.filter((e) => !principals.includes(e))],
      },
    };
    if (carveOuts) condition.BoolIfExists = { 'aws:PrincipalIsAWSService': 'false' };
    deny('DenyOtherPrincipals', 's3:*', both, condition);
  }
  if (vpces.length + ranges.length > 0) {
    // One statement: its conditions are ANDed, so a request is denied only when it comes
    // neither through an allowed endpoint nor from an allowed range. Through an endpoint,
    // aws:SourceIp is absent and NotIpAddress is true; from the internet, aws:SourceVpce is
    // absent and StringNotEquals is true.
    const condition: NonNullable<PolicyStatementJson['Condition']> = {};
    if (vpces.length > 0)
      condition.StringNotEquals = { 'aws:SourceVpce': vpces.length === 1 ? vpces[0]! : vpces };
    if (ranges.length > 0)
      condition.NotIpAddress = { 'aws:SourceIp': ranges.length === 1 ? ranges[0]! : ranges };
    if (exempt.length > 0) condition.StringNotLike = { 'aws:PrincipalArn': exempt };
    if (carveOuts)
      condition.BoolIfExists = {
        'aws:ViaAWSService': 'false',
        'aws:PrincipalIsAWSService': 'false',
      };
    deny('DenyOutsideNetwork', 's3:*', both, condition);
  }
  return out;
}

/** The statement as the evaluator sees it, in a canonical form (order-free lists). */
function meaning(s: unknown): string {
  const p = parsePolicy({ Version: '2012-10-17', Statement: [s] }).statements[0]!;
  const sorted = (l: readonly string[] | undefined): string[] | undefined =>
    l === undefined ? undefined : [...l].sort();
  const principal = (b: PolicyPrincipal | undefined): unknown =>
    b === undefined
      ? undefined
      : b.wildcard
        ? '*'
        : {
            AWS: sorted(b.AWS),
            Service: sorted(b.Service),
            Federated: sorted(b.Federated),
            CanonicalUser: sorted(b.CanonicalUser),
          };
  return canonical({
    sid: p.sid,
    effect: p.effect,
    principal: principal(p.principal),
    notPrincipal: principal(p.notPrincipal),
    action: sorted(p.action?.map((a) => a.toLowerCase())),
    notAction: sorted(p.notAction?.map((a) => a.toLowerCase())),
    resource: sorted(p.resource),
    notResource: sorted(p.notResource),
    conditions: p.conditions
      .map((c) => `${c.operator}|${c.key.toLowerCase()}|${[...c.values].sort().join(',')}`)
      .sort(),
  });
}

function sameMeaning(a: unknown, b: unknown): boolean {
  try {
    return meaning(a) === meaning(b);
  } catch {
    return false;
  }
}

function sidOf(s: unknown): string | undefined {
  return typeof s === 'object' && s !== null && typeof (s as { Sid?: unknown }).Sid === 'string'
    ? (s as { Sid: string }).Sid
    : undefined;
}

/**
 * Builds the policy for `options`, merged into `options.existingPolicy`. Throws
 * `InvalidArgumentError` `ERR_S3ENC_POLICY_OPTIONS` for unusable options and the
 * {@link parsePolicy} errors when the existing policy is malformed.
 */
export function buildBucketPolicy(options: BucketPolicyOptions): BuiltBucketPolicy {
  const ours = s3encStatements(options);
  let existing: { Version?: string; Id?: string; Statement?: unknown } = {};
  if (options.existingPolicy !== undefined && options.existingPolicy !== '') {
    parsePolicy(options.existingPolicy); // validates; throws on malformed input
    existing = (
      typeof options.existingPolicy === 'string'
        ? JSON.parse(options.existingPolicy)
        : options.existingPolicy
    ) as typeof existing;
  }
  const rawStatements: unknown[] =
    existing.Statement === undefined
      ? []
      : Array.isArray(existing.Statement)
        ? (existing.Statement as unknown[])
        : [existing.Statement];
  const oursBySid = new Map(ours.map((s) => [s.Sid!, s]));
  const added: string[] = [];
  const updated: string[] = [];
  const unchanged: string[] = [];
  const stale: string[] = [];
  let foreignKept = 0;
  const merged: PolicyStatementJson[] = [];
  const placed = new Set<string>();
  for (const s of rawStatements) {
    const sid = sidOf(s);
    if (sid === undefined || !sid.startsWith(S3ENC_SID_PREFIX)) {
      merged.push(s as PolicyStatementJson);
      foreignKept++;
      continue;
    }
    const replacement = oursBySid.get(sid);
    if (replacement === undefined) {
      stale.push(sid);
      if (options.dropStaleStatements !== true) merged.push(s as PolicyStatementJson);
      continue;
    }
    // Ours: replaced in place so the order stays stable across rebuilds. Servers rewrite
    // stored policies ("s3:*" → ["s3:*"], "*" → {"AWS": ["*"]}), so "unchanged" is decided
    // on the parsed meaning, and an unchanged statement keeps the server's spelling.
    if (sameMeaning(s, replacement)) {
      unchanged.push(sid);
      merged.push(s as PolicyStatementJson);
    } else {
      updated.push(sid);
      merged.push(replacement);
    }
    placed.add(sid);
  }
  for (const s of ours) {
    if (placed.has(s.Sid!)) continue;
    added.push(s.Sid!);
    merged.push(s);
  }
  const document: PolicyDocument = {
    Version: '2012-10-17',
    ...(existing.Id !== undefined ? { Id: existing.Id } : {}),
    Statement: merged,
  };
  const changed =
    added.length > 0 ||
    updated.length > 0 ||
    (options.dropStaleStatements === true && stale.length > 0) ||
    (existing.Version !== undefined && existing.Version !== '2012-10-17');
  return {
    document,
    json: JSON.stringify(document, null, 2),
    changes: { added, updated, unchanged, stale, foreignKept },
    changed,
  };
}
