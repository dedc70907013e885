/**
 * What the replication-readability check looks at: the destinations of the bucket's enabled
 * replication rules (bucket, Region and the prefixes that replicate there) and a bounded
 * sample of objects, each described from its first bytes (a ranged GET, `describeObject`: no
 * key unwrapped, no KMS call). Reading is done here; the check itself is a pure function.
 */
import {
  GetBucketLocationCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type GetBucketReplicationCommandOutput,
  type ReplicationRule,
  type S3Client,
} from '@aws-sdk/client-s3';
import { S3EncError } from '@s3enc/core';
import { describeObject } from '../../transfer/head.js';
import { classifyError, readSetting, type ReadOutcome } from '../s3-read.js';
import type { Unreadable } from './finding.js';
import type { AuditOptions } from './options.js';
import { probeDestinationKeys, type KeyProbe } from './replication-key-probe.js';

/** Objects sampled when `replicationSampleSize` is not given. */
export const DEFAULT_REPLICATION_SAMPLE_SIZE = 20;
/** The most `replicationSampleSize` may ask for (one ListObjectsV2 page). */
export const MAX_REPLICATION_SAMPLE_SIZE = 1000;
/** Distinct rule prefixes listed at most (the rest are named as not sampled). */
const MAX_LISTED_PREFIXES = 10;
/** Objects described at once. */
const DESCRIBE_CONCURRENCY = 4;
/** S3 Encryption Client instruction files are metadata of another object, not objects. */
const INSTRUCTION_SUFFIX = '.instruction';

/** One destination of the enabled rules. */
export interface ReplicationDestination {
  /** `Destination.Bucket` as configured (an `arn:aws:s3:::` ARN, or MinIO's target ARN). */
  readonly bucket: string;
  /** The bucket's name. */
  readonly name: string;
  /** Its Region, when known, and how it was learnt. */
  readonly region: string | undefined;
  readonly regionSource: 'option' | 'arn' | 'location' | undefined;
  /** Key prefixes that replicate there ('' = every key). */
  readonly prefixes: readonly string[];
  /** True when a rule to it filters on tags too (not checked: the sample ignores tags). */
  readonly tagFilters: boolean;
}

/** What HeadObject says of a sampled object's replication (absent when HEAD failed). */
export interface SourceReplicationFacts {
  /** `x-amz-replication-status` on the source: PENDING, COMPLETED, FAILED, … */
  readonly status: string | undefined;
  /** `CRC32C` or `CRC32` when the object is multipart with a FULL_OBJECT checksum of it
   * (MinIO does not replicate those: docs/cross-region.md). */
  readonly multipartFullObjectCrc: 'CRC32C' | 'CRC32' | undefined;
}

/** One sampled object, as its first bytes describe it (and HeadObject its replication). */
export type SampledObject = { readonly replication?: SourceReplicationFacts } & (
  | {
      readonly key: string;
      readonly kind: 's3enc';
      /** Key ids in the envelope: KMS key ARNs, or raw key names. */
      readonly keyIds: readonly string[];
    }
  | {
      readonly key: string;
      readonly kind: 's3ec';
      readonly format: string;
      readonly keyIds: readonly string[];
    }
  | { readonly key: string; readonly kind: 'plaintext' }
  /** Its header could not be read (the error's code, never its message). */
  | { readonly key: string; readonly kind: 'error'; readonly code: string }
);

/** The sample, or why there is none. */
export type ReplicationSampleRead =
  /** No replication configured, unreadable, no enabled rule, or sampling turned off (size 0). */
  | { readonly kind: 'skipped'; readonly reason: 'no-rules' | 'disabled' }
  /** The listing failed. */
  | {
      readonly kind: 'unlisted';
      readonly destinations: readonly ReplicationDestination[];
      readonly read: Unreadable;
    }
  | {
      readonly kind: 'sampled';
      readonly destinations: readonly ReplicationDestination[];
      readonly objects: readonly SampledObject[];
      /** The sample size asked for. */
      readonly limit: number;
      /** Rule prefixes over the listing bound, not sampled. */
      readonly unlistedPrefixes: readonly string[];
      /** DescribeKey answers in the destination Regions (only with `replicationKmsClients`). */
      readonly keyProbes: readonly KeyProbe[];
    };

/** A rule's key prefix ('' = every key), from Filter.Prefix, Filter.And.Prefix or Prefix. */
function rulePrefix(r: ReplicationRule): string {
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- V1 configurations still use it
  return r.Filter?.Prefix ?? r.Filter?.And?.Prefix ?? r.Prefix ?? '';
}

const hasTagFilter = (r: ReplicationRule): boolean =>
  r.Filter?.Tag !== undefined || (r.Filter?.And?.Tags?.length ?? 0) > 0;

/** The bucket name a destination ARN names (AWS `arn:aws:s3:::name`, MinIO `…:name`). */
export function destinationBucketName(arn: string): string {
  const s3 = /^arn:[^:]+:s3:::(.+)$/.exec(arn);
  if (s3) return s3[1]!;
  const parts = arn.split(':');
  return parts[parts.length - 1] ?? arn;
}

/** The Region a MinIO target ARN carries (`arn:minio:replication:<region>:<id>:<bucket>`). */
function regionInArn(arn: string): string | undefined {
  const m = /^arn:minio:replication:([^:]*):[^:]+:[^:]+$/.exec(arn);
  return m && m[1] !== '' ? m[1] : undefined;
}

/** The destinations of the enabled rules, with their prefixes, Regions not yet looked up. */
export function replicationDestinations(
  config: GetBucketReplicationCommandOutput['ReplicationConfiguration'],
): { bucket: string; prefixes: string[]; tagFilters: boolean }[] {
  const out = new Map<string, { bucket: string; prefixes: string[]; tagFilters: boolean }>();
  for (const r of config?.Rules ?? []) {
    const bucket = r.Destination?.Bucket;
    if (r.Status !== 'Enabled' || bucket === undefined || bucket === '') continue;
    const d = out.get(bucket) ?? { bucket, prefixes: [], tagFilters: false };
    const p = rulePrefix(r);
    if (!d.prefixes.includes(p)) d.prefixes.push(p);
    d.tagFilters ||= hasTagFilter(r);
    out.set(bucket, d);
  }
  return [...out.values()];
}

/** The prefixes to list: '' alone when any rule covers every key; else each distinct one. */
export function prefixesToList(prefixes: readonly string[]): string[] {
  if (prefixes.includes('')) return [''];
  const sorted = [...new Set(prefixes)].sort();
  // A prefix under another listed one adds nothing.
  return sorted.filter((p, i) => !sorted.slice(0, i).some((q) => p.startsWith(q)));
}

async function destinationRegion(
  s3: S3Client,
  bucket: string,
  name: string,
  o: AuditOptions,
): Promise<Pick<ReplicationDestination, 'region' | 'regionSource'>> {
  const given =
    o.replicationDestinationRegions?.[bucket] ?? o.replicationDestinationRegions?.[name];
  if (given !== undefined) return { region: given, regionSource: 'option' };
  if (bucket.startsWith('arn:minio:')) {
    // A MinIO target is another server: asking this one about the name could answer for a
    // same-named local bucket.
    const r = regionInArn(bucket);
    return r === undefined
      ? { region: undefined, regionSource: undefined }
      : { region: r, regionSource: 'arn' };
  }
  const loc = await readSetting(() => s3.send(new GetBucketLocationCommand({ Bucket: name })));
  if (loc.kind !== 'ok') return { region: undefined, regionSource: undefined };
  // An empty LocationConstraint is us-east-1; EU is eu-west-1's legacy name.
  const c = loc.value.LocationConstraint as string | undefined;
  const region = c === undefined || c === '' ? 'us-east-1' : c === 'EU' ? 'eu-west-1' : c;
  return { region, regionSource: 'location' };
}

async function replicationFacts(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<SourceReplicationFacts | undefined> {
  const h = await readSetting(() =>
    s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' })),
  );
  if (h.kind !== 'ok') return undefined;
  const v = h.value;
  // A multipart ETag ends in -<parts>.
  const multipart = /-\d+"?$/.test(v.ETag ?? '');
  const crc =
    v.ChecksumCRC32C !== undefined ? 'CRC32C' : v.ChecksumCRC32 !== undefined ? 'CRC32' : undefined;
  return {
    status: v.ReplicationStatus,
    multipartFullObjectCrc: multipart && v.ChecksumType === 'FULL_OBJECT' ? crc : undefined,
  };
}

async function describeEnvelope(s3: S3Client, bucket: string, key: string): Promise<SampledObject> {
  try {
    const h = await describeObject(s3, bucket, key);
    if (!h.encrypted) return { key, kind: 'plaintext' };
    if (h.format === 's3enc') return { key, kind: 's3enc', keyIds: h.envelope.keyIds };
    return { key, kind: 's3ec', format: h.format, keyIds: h.envelope.keyIds };
  } catch (err) {
    return {
      key,
      kind: 'error',
      code: err instanceof S3EncError ? err.code : classifyError(err).code,
    };
  }
}

/** One ranged GET of the object's first bytes and one HEAD of its replication facts. */
async function describeOne(s3: S3Client, bucket: string, key: string): Promise<SampledObject> {
  const [envelope, replication] = await Promise.all([
    describeEnvelope(s3, bucket, key),
    replicationFacts(s3, bucket, key),
  ]);
  return replication === undefined ? envelope : { ...envelope, replication };
}

/** Lists up to `limit` keys under the prefixes (first pages), objects only. */
async function listSample(
  s3: S3Client,
  bucket: string,
  prefixes: readonly string[],
  limit: number,
): Promise<ReadOutcome<string[]>> {
  const keys = new Set<string>();
  for (const prefix of prefixes) {
    if (keys.size >= limit) break;
    const page = await readSetting(() =>
      s3.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          MaxKeys: limit,
          ...(prefix === '' ? {} : { Prefix: prefix }),
        }),
      ),
    );
    if (page.kind !== 'ok') return page;
    // At most `limit` entries are taken, whatever the server sent.
    for (const o of (page.value.Contents ?? []).slice(0, limit)) {
      const k = o.Key;
      if (k === undefined || k.endsWith(INSTRUCTION_SUFFIX) || (k.endsWith('/') && o.Size === 0))
        continue;
      if (keys.size >= limit) break;
      keys.add(k);
    }
  }
  return { kind: 'ok', value: [...keys] };
}

/** Reads what the replication-readability check needs (bounded: one page per prefix). */
export async function readReplicationSample(
  s3: S3Client,
  bucket: string,
  replication: ReadOutcome<GetBucketReplicationCommandOutput>,
  o: AuditOptions,
): Promise<ReplicationSampleRead> {
  if (replication.kind !== 'ok') return { kind: 'skipped', reason: 'no-rules' };
  const found = replicationDestinations(replication.value.ReplicationConfiguration);
  if (found.length === 0) return { kind: 'skipped', reason: 'no-rules' };
  const limit = o.replicationSampleSize ?? DEFAULT_REPLICATION_SAMPLE_SIZE;
  if (limit === 0) return { kind: 'skipped', reason: 'disabled' };
  const destinations: ReplicationDestination[] = [];
  for (const d of found) {
    const name = destinationBucketName(d.bucket);
    destinations.push({ ...d, name, ...(await destinationRegion(s3, d.bucket, name, o)) });
  }
  const all = prefixesToList(found.flatMap((d) => d.prefixes));
  const listed = all.slice(0, MAX_LISTED_PREFIXES);
  const keys = await listSample(s3, bucket, listed, limit);
  if (keys.kind === 'not-configured')
    return { kind: 'unlisted', destinations, read: { ...keys, kind: 'error', message: keys.code } };
  if (keys.kind !== 'ok') return { kind: 'unlisted', destinations, read: keys };
  const objects: SampledObject[] = [];
  const queue = [...keys.value];
  await Promise.all(
    Array.from({ length: Math.min(DESCRIBE_CONCURRENCY, queue.length) }, async () => {
      for (let k = queue.shift(); k !== undefined; k = queue.shift())
        objects.push(await describeOne(s3, bucket, k));
    }),
  );
  objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const clients = o.replicationKmsClients;
  return {
    kind: 'sampled',
    destinations,
    objects,
    limit,
    unlistedPrefixes: all.slice(MAX_LISTED_PREFIXES),
    keyProbes:
      clients === undefined ? [] : await probeDestinationKeys(destinations, objects, clients),
  };
}
