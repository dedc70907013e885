/**
 * Optional proof that the keys a replica needs exist in its Region: for each destination with
 * a known Region, kms:DescribeKey (never Decrypt) on the keys the sampled envelopes name there
 * — a key of that Region as named, a multi-Region key as its replica's ARN in that Region.
 * Bounded per destination; a Region the provider has no client for is not probed.
 */
import { DescribeKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { classifyError } from '../s3-read.js';

/** What the probe needs of a destination and of a sampled object (replication-sample.ts). */
interface ProbedDestination {
  readonly region: string | undefined;
  readonly prefixes: readonly string[];
}
interface ProbedObject {
  readonly key: string;
  readonly kind: string;
  readonly keyIds?: readonly string[];
}

/** Keys described per destination at most. */
const MAX_PROBES_PER_DESTINATION = 25;

/** What DescribeKey said of a key in a destination Region. */
export interface KeyProbe {
  readonly region: string;
  /** The ARN asked (for a multi-Region key, its replica's ARN in `region`). */
  readonly arn: string;
  /** KMS KeyState (`Enabled`, `Disabled`, `PendingDeletion`, …), `not-found`, or `unknown`
   * when the answer was an error (access denied, throttling: `code`). */
  readonly state: string;
  readonly code?: string;
}

/** Returns the KMS client of a Region, or false when that Region is not to be asked. */
export type AuditKmsClients = (region: string) => KMSClient | false;

const ARN = /^(arn:[^:]+:kms:)([^:]*)(:[^:]*:key\/.+)$/;

/** The ARN to describe in `region` for an envelope key id, if any (raw keys: none). */
export function keyArnIn(id: string, region: string): string | undefined {
  const m = ARN.exec(id);
  if (!m) return undefined;
  if (m[3]!.includes(':key/mrk-')) return `${m[1]!}${region}${m[3]!}`;
  return m[2] === region ? id : undefined;
}

/** The probe key of `arn` in `region` in {@link probeDestinationKeys}' answers. */
export const probeKey = (region: string, arn: string): string => `${region} ${arn}`;

async function describe(kms: KMSClient, region: string, arn: string): Promise<KeyProbe> {
  try {
    const r = await kms.send(new DescribeKeyCommand({ KeyId: arn }));
    const m = r.KeyMetadata;
    const state = m?.KeyState ?? (m?.Enabled === true ? 'Enabled' : 'Disabled');
    return { region, arn, state };
  } catch (err) {
    const c = classifyError(err);
    if (c.code === 'NotFoundException') return { region, arn, state: 'not-found' };
    return { region, arn, state: 'unknown', code: c.code };
  }
}

/** Describes the keys each destination's replicas need (bounded, one Region's keys at a time). */
export async function probeDestinationKeys(
  destinations: readonly ProbedDestination[],
  objects: readonly ProbedObject[],
  clients: AuditKmsClients,
): Promise<KeyProbe[]> {
  const out = new Map<string, KeyProbe>();
  for (const d of destinations) {
    const region = d.region;
    if (region === undefined) continue;
    const kms = clients(region);
    if (kms === false) continue;
    const arns = new Set<string>();
    for (const o of objects) {
      if (o.kind !== 's3enc' || !d.prefixes.some((p) => o.key.startsWith(p))) continue;
      for (const id of o.keyIds ?? []) {
        const arn = keyArnIn(id, region);
        if (arn !== undefined && !out.has(probeKey(region, arn))) arns.add(arn);
      }
    }
    const asked = [...arns].slice(0, MAX_PROBES_PER_DESTINATION);
    for (const p of await Promise.all(asked.map((a) => describe(kms, region, a))))
      out.set(probeKey(region, p.arn), p);
  }
  return [...out.values()];
}
