/**
 * Practice 10: will replicas be readable where they land? For each destination of the enabled
 * replication rules, the sampled objects' envelopes must name a key usable in the destination
 * Region: a KMS key of that Region, a multi-Region key (`mrk-…`, read there through its
 * replica, as the MRK-aware keyrings do), or a raw key (not tied to a Region). An object
 * wrapped only under single-Region keys of other Regions is a failure, named with its keys.
 * S3 Encryption Client objects and plaintext objects are reported as such (a warning).
 */
import type { Finding, FindingFix, FindingStatus } from '../../report.js';
import { finding, unreadable } from '../finding.js';
import type { AuditInput } from '../input.js';
import { keyArnIn, probeKey, type KeyProbe } from '../replication-key-probe.js';
import type { ReplicationDestination, SampledObject } from '../replication-sample.js';

/** Object keys named per kind in the evidence (the details list every sampled object). */
const EXAMPLES = 5;

const FIX: FindingFix = {
  note: 'Wrap data keys under a multi-Region key (mrk-…) or add a key of the destination Region: s3enc rewrap s3://bucket/prefix --add-kms-key-id <key in the destination Region> (docs/cross-region.md)',
};

/** How a key id named in an envelope serves Region `region`. */
export type KeyUse = 'region-key' | 'multi-region-key' | 'raw-key' | 'other-region';

/** The Region and key id of a KMS key ARN (`arn:<partition>:kms:<region>:<acct>:key/<id>`). */
function kmsArn(id: string): { region: string; resource: string } | undefined {
  const m = /^arn:[^:]+:kms:([^:]*):[^:]*:(.+)$/.exec(id);
  return m ? { region: m[1]!, resource: m[2]! } : undefined;
}

/** Whether key id `id` (as an envelope names it) can unwrap in `region`. */
export function keyUseIn(id: string, region: string): KeyUse {
  const arn = kmsArn(id);
  // Not a KMS ARN: a bare multi-Region key id, or a raw key's name.
  if (arn === undefined) return id.startsWith('mrk-') ? 'multi-region-key' : 'raw-key';
  if (arn.resource.startsWith('key/mrk-')) return 'multi-region-key';
  return arn.region === region ? 'region-key' : 'other-region';
}

/** DescribeKey answers by {@link probeKey}. */
type Probes = ReadonlyMap<string, KeyProbe>;

/** What DescribeKey said of key id `k` in `region`, if it was asked. */
function probeOf(k: string, region: string, probes: Probes): KeyProbe | undefined {
  const arn = keyArnIn(k, region);
  return arn === undefined ? undefined : probes.get(probeKey(region, arn));
}

/**
 * The envelope's keys usable in `region` (empty = the replica cannot be read there). A key
 * DescribeKey found missing or not enabled there is not usable; one not asked, or whose answer
 * was an error, is taken as usable.
 */
export function usableKeys(
  keyIds: readonly string[],
  region: string,
  probes: Probes = new Map(),
): string[] {
  return keyIds.filter((k) => {
    if (keyUseIn(k, region) === 'other-region') return false;
    const p = probeOf(k, region, probes);
    return p === undefined || p.state === 'Enabled' || p.state === 'unknown';
  });
}

/** The evidence line on the keys DescribeKey was asked about in `region`. */
function probeEvidence(where: string, region: string, probes: readonly KeyProbe[]): string {
  const mine = probes.filter((p) => p.region === region);
  const enabled = mine.filter((p) => p.state === 'Enabled');
  const bad = mine.filter((p) => p.state !== 'Enabled' && p.state !== 'unknown');
  const unknown = mine.filter((p) => p.state === 'unknown');
  return (
    `${where}: kms:DescribeKey in ${region}: ${enabled.length} of ${mine.length} keys enabled` +
    (bad.length > 0 ? `; NOT usable: ${list(bad.map((p) => `${p.arn} (${p.state})`))}` : '') +
    (unknown.length > 0
      ? `; not verified: ${list(unknown.map((p) => `${p.arn} (${p.code ?? 'error'})`))}`
      : '')
  );
}

const list = (keys: readonly string[]): string =>
  keys.length <= EXAMPLES
    ? keys.join(', ')
    : `${keys.slice(0, EXAMPLES).join(', ')} and ${keys.length - EXAMPLES} more`;

/** `1 object`, `2 objects`. */
const many = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

const under = (key: string, prefixes: readonly string[]): boolean =>
  prefixes.some((p) => key.startsWith(p));

/**
 * What the source says of the sampled objects' replication: FAILED ones have no replica (a
 * failure); PENDING ones are named; for a MinIO destination, multipart objects with a
 * FULL_OBJECT CRC32C/CRC32 checksum not yet replicated will not be (docs/cross-region.md).
 */
function replicationStatusEvidence(
  d: ReplicationDestination,
  where: string,
  objects: readonly SampledObject[],
): { status: FindingStatus; text: string }[] {
  const out: { status: FindingStatus; text: string }[] = [];
  const keys = (os: readonly SampledObject[]) => list(os.map((o) => o.key));
  const failed = objects.filter((o) => o.replication?.status === 'FAILED');
  if (failed.length > 0)
    out.push({
      status: 'fail',
      text: `${where}: ${many(failed.length, 'object')} whose replication FAILED (no replica): ${keys(failed)}`,
    });
  const pending = objects.filter((o) => o.replication?.status === 'PENDING');
  if (pending.length > 0)
    out.push({
      status: 'pass',
      text: `${where}: ${many(pending.length, 'object')} still PENDING replication: ${keys(pending)}`,
    });
  const crc = objects.filter(
    (o) =>
      o.replication?.multipartFullObjectCrc !== undefined && o.replication.status !== 'COMPLETED',
  );
  if (d.bucket.startsWith('arn:minio:') && crc.length > 0)
    out.push({
      status: 'warn',
      text: `${where}: ${many(crc.length, 'multipart object')} with a FULL_OBJECT CRC32C/CRC32 checksum, which MinIO does not replicate (write them with checksumAlgorithm CRC64NVME or a COMPOSITE checksum): ${keys(crc)}`,
    });
  return out;
}

function destinationFinding(
  d: ReplicationDestination,
  sampled: readonly SampledObject[],
  limit: number,
  keyProbes: readonly KeyProbe[],
): Finding {
  const probes: Probes = new Map(keyProbes.map((p) => [probeKey(p.region, p.arn), p]));
  const objects = sampled.filter((o) => under(o.key, d.prefixes));
  const where = `${d.name}${d.region === undefined ? ' (Region unknown)' : ` in ${d.region}`}`;
  const evidence: string[] = [];
  let status: FindingStatus = 'pass';
  const worse = (s: FindingStatus) => {
    if (s === 'fail' || (s === 'warn' && status === 'pass')) status = s;
  };
  const s3enc = objects.filter((o) => o.kind === 's3enc');
  if (d.region === undefined) {
    worse('warn');
    // Region '' matches no ARN: what is left usable is not tied to any Region.
    const bound = s3enc.filter((o) => usableKeys(o.keyIds, '').length === 0);
    evidence.push(
      `${where}: the destination Region is unknown (give replicationDestinationRegions / --destination-region ${d.name}=REGION)` +
        (bound.length > 0
          ? `; ${bound.length} of ${s3enc.length} s3enc objects are wrapped only under single-Region keys (readable only in their Regions): ${list(bound.map((o) => `${o.key} [${o.keyIds.join(' ')}]`))}`
          : ''),
    );
  } else {
    const region = d.region;
    const stuck = s3enc.filter((o) => usableKeys(o.keyIds, region, probes).length === 0);
    const probed = keyProbes.some((p) => p.region === region);
    const viaMrk = s3enc.filter(
      (o) =>
        !stuck.includes(o) &&
        o.keyIds.every((k) => keyUseIn(k, region) !== 'region-key') &&
        o.keyIds.some((k) => keyUseIn(k, region) === 'multi-region-key'),
    );
    if (stuck.length > 0) {
      worse('fail');
      evidence.push(
        `${where}: ${stuck.length} of ${s3enc.length} s3enc objects NOT readable there (${probed ? 'no key of theirs usable there' : 'only single-Region keys of other Regions'}): ${list(stuck.map((o) => `${o.key} [${o.keyIds.join(' ')}]`))}`,
      );
    }
    evidence.push(
      `${where}: ${s3enc.length - stuck.length} of ${s3enc.length} s3enc objects readable there` +
        (viaMrk.length > 0
          ? ` (${viaMrk.length} through a multi-Region key's replica in ${region}${probed ? '' : ', which must exist'})`
          : ''),
    );
    if (probed) evidence.push(probeEvidence(where, region, keyProbes));
    if (keyProbes.some((p) => p.region === region && p.state === 'unknown')) worse('warn');
  }
  const s3ec = objects.filter((o) => o.kind === 's3ec');
  if (s3ec.length > 0) {
    worse('warn');
    evidence.push(
      `${where}: ${many(s3ec.length, 'S3 Encryption Client object')} (${[...new Set(s3ec.map((o) => o.format))].join(', ')}): readable there only if a KMS key of that Region can decrypt their wrapped key; the envelope does not say which: ${list(s3ec.map((o) => o.key))}`,
    );
  }
  const plain = objects.filter((o) => o.kind === 'plaintext');
  if (plain.length > 0) {
    worse('warn');
    evidence.push(
      `${where}: ${many(plain.length, 'object')} not client-side encrypted: ${list(plain.map((o) => o.key))}`,
    );
  }
  const errors = objects.filter((o) => o.kind === 'error');
  if (errors.length > 0) {
    worse('warn');
    evidence.push(
      `${where}: ${many(errors.length, 'object')} whose header could not be read: ${list(errors.map((o) => `${o.key} (${o.code})`))}`,
    );
  }
  for (const line of replicationStatusEvidence(d, where, objects)) {
    worse(line.status);
    evidence.push(line.text);
  }
  if (d.tagFilters) evidence.push(`${where}: rules filter on tags too; the sample ignores tags`);
  if (objects.length === 0)
    evidence.push(
      `${where}: no objects under ${d.prefixes.map((p) => `'${p}'`).join(', ')} in the sample of up to ${limit}`,
    );
  return finding('replication.readable', status, evidence, {
    details: {
      destination: d.bucket,
      region: d.region ?? null,
      regionSource: d.regionSource ?? null,
      prefixes: d.prefixes,
      sampleLimit: limit,
      objects: objects.map((o) => ({
        key: o.key,
        kind: o.kind,
        ...('keyIds' in o ? { keyIds: o.keyIds } : {}),
        ...(o.kind === 'error' ? { code: o.code } : {}),
        ...(o.replication?.status !== undefined ? { replicationStatus: o.replication.status } : {}),
        ...(o.kind === 's3enc' && d.region !== undefined
          ? { readable: usableKeys(o.keyIds, d.region, probes).length > 0 }
          : {}),
      })),
    },
    fix: FIX,
  });
}

export function replicationReadabilityCheck(input: AuditInput): Finding[] {
  const s = input.replicationSample;
  if (s.kind === 'skipped') return [];
  if (s.kind === 'unlisted')
    return [unreadable('replication.readable', 'Listing objects to sample', s.read)];
  const findings = s.destinations.map((d) =>
    destinationFinding(d, s.objects, s.limit, s.keyProbes),
  );
  if (s.unlistedPrefixes.length > 0 && findings.length > 0) {
    const f = findings[0]!;
    findings[0] = {
      ...f,
      status: f.status === 'pass' ? 'warn' : f.status,
      evidence: [
        ...f.evidence,
        `Prefixes not sampled (over the bound): ${list(s.unlistedPrefixes)}`,
      ],
    };
  }
  return findings;
}
