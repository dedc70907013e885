/**
 * Encrypt on ingest: an S3 `ObjectCreated` event on a staging bucket → the object is encrypted
 * client-side with a fresh KMS data key and stored in an Object-Locked vault bucket (with
 * retention) → the plaintext is deleted from staging.
 *
 * The plaintext is streamed (never held whole in memory) and is deleted only after the vault
 * copy is stored; a failure throws, so Lambda retries the event and the plaintext stays put.
 * A redelivered event whose plaintext is already gone is skipped.
 *
 * Configuration (environment): VAULT_BUCKET, KMS_KEY_ARN, RETENTION_MODE (GOVERNANCE |
 * COMPLIANCE, default GOVERNANCE), RETENTION_DAYS (default 30, 0 = none), VAULT_PREFIX
 * (optional). On premises / in tests also AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_KMS and
 * AWS_CA_BUNDLE. Credentials: the function's execution role (the default provider chain).
 */
import { DeleteObjectCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { KMSClient } from '@aws-sdk/client-kms';
import { kmsKeyring } from '@s3enc/core';
import { EncryptedS3Client, buildKmsClientConfig, buildS3ClientConfig } from '@s3enc/node';
import type { Readable } from 'node:stream';

/** The parts of an S3 event notification record this handler reads. */
export interface S3EventRecord {
  eventName: string;
  eventSource?: string;
  s3: {
    bucket: { name: string };
    object: { key: string; size?: number; eTag?: string; versionId?: string; sequencer?: string };
  };
}
export interface S3Event {
  Records: S3EventRecord[];
}

export interface IngestConfig {
  vaultBucket: string;
  kmsKeyArn: string;
  retentionMode: 'GOVERNANCE' | 'COMPLIANCE';
  /** 0 = no per-object retention (the vault's default retention, if any, still applies). */
  retentionDays: number;
  vaultPrefix: string;
  s3: S3Client;
  kms: KMSClient;
}

export interface IngestOutcome {
  source: string;
  status: 'ingested' | 'skipped';
  reason?: string;
  vault?: {
    bucket: string;
    key: string;
    versionId: string | undefined;
    plaintextSize: number;
    retainUntil?: string;
  };
}

/** Reads the configuration from environment variables (see the file comment). */
export function configFromEnv(env: Record<string, string | undefined> = process.env): IngestConfig {
  const need = (k: string) => {
    const v = env[k];
    if (v === undefined || v === '') throw new Error(`environment variable ${k} is required`);
    return v;
  };
  const mode = (env.RETENTION_MODE ?? 'GOVERNANCE').toUpperCase();
  if (mode !== 'GOVERNANCE' && mode !== 'COMPLIANCE')
    throw new Error('RETENTION_MODE must be GOVERNANCE or COMPLIANCE');
  const days = Number(env.RETENTION_DAYS ?? '30');
  if (!Number.isInteger(days) || days < 0)
    throw new Error('RETENTION_DAYS must be a whole number of days');
  const ca = env.AWS_CA_BUNDLE || undefined;
  const region = env.AWS_REGION;
  const s3Endpoint = env.AWS_ENDPOINT_URL_S3 || undefined;
  return {
    vaultBucket: need('VAULT_BUCKET'),
    kmsKeyArn: need('KMS_KEY_ARN'),
    retentionMode: mode,
    retentionDays: days,
    vaultPrefix: env.VAULT_PREFIX ?? '',
    s3: new S3Client(
      buildS3ClientConfig({
        region,
        endpoint: s3Endpoint,
        forcePathStyle: s3Endpoint !== undefined,
        ca,
      }),
    ),
    kms: new KMSClient(
      buildKmsClientConfig({ region, endpoint: env.AWS_ENDPOINT_URL_KMS || undefined, ca }),
    ),
  };
}

/** S3 event keys are URL-encoded, with '+' for spaces. */
export function decodeEventKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

function isPreconditionFailed(e: unknown): boolean {
  return (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 412;
}

function isNoSuchKey(e: unknown): boolean {
  const n = (e as { name?: string }).name;
  return (
    n === 'NoSuchKey' ||
    n === 'NoSuchVersion' ||
    (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404
  );
}

/** Builds the handler around a configuration (tests inject clients for the local servers). */
export function createHandler(cfg: IngestConfig): (event: S3Event) => Promise<IngestOutcome[]> {
  const client = new EncryptedS3Client({
    s3: cfg.s3,
    keyring: kmsKeyring({ generatorKeyId: cfg.kmsKeyArn, clientProvider: () => cfg.kms }),
  });
  return async (event) => {
    const outcomes: IngestOutcome[] = [];
    // One record at a time: a Lambda has little memory, and each object is already uploaded in parallel parts.
    for (const record of event.Records ?? []) {
      const bucket = record.s3.bucket.name;
      const key = decodeEventKey(record.s3.object.key);
      const versionId = record.s3.object.versionId || undefined;
      const source = `s3://${bucket}/${key}`;
      if (!record.eventName.startsWith('ObjectCreated:')) {
        outcomes.push({ source, status: 'skipped', reason: `event ${record.eventName}` });
        continue;
      }
      if (bucket === cfg.vaultBucket)
        throw new Error('the staging bucket must not be the vault bucket');
      let got;
      try {
        got = await cfg.s3.send(
          new GetObjectCommand({
            Bucket: bucket,
            Key: key,
            ...(versionId ? { VersionId: versionId } : {}),
            ...(record.s3.object.eTag && !versionId
              ? { IfMatch: `"${record.s3.object.eTag}"` }
              : {}),
          }),
        );
      } catch (e) {
        // Redelivered event: the plaintext was already ingested and deleted.
        if (isNoSuchKey(e)) {
          outcomes.push({
            source,
            status: 'skipped',
            reason: 'no longer in staging (already ingested?)',
          });
          continue;
        }
        // Unversioned staging: the key now holds a newer upload than this event's; that upload
        // has its own event, so this one has nothing left to ingest (and must delete nothing).
        if (isPreconditionFailed(e)) {
          outcomes.push({
            source,
            status: 'skipped',
            reason: 'superseded by a newer upload under the same key',
          });
          continue;
        }
        throw e;
      }
      const retainUntil =
        cfg.retentionDays > 0 ? new Date(Date.now() + cfg.retentionDays * 86_400_000) : undefined;
      const put = await client.put(
        cfg.vaultBucket,
        `${cfg.vaultPrefix}${key}`,
        got.Body as Readable,
        {
          ...(got.ContentLength !== undefined ? { size: got.ContentLength } : {}),
          // Not secret, bound to the object and logged by KMS: where it came from, not what it is.
          encryptionContext: { 'ingest-source-bucket': bucket },
          ...(retainUntil
            ? {
                objectLock: {
                  mode: cfg.retentionMode,
                  retainUntil,
                  // Setting RETENTION_MODE=COMPLIANCE (a deploy-time parameter documented as
                  // irreversible) is the deployer's explicit acknowledgement.
                  acknowledgeComplianceIsIrreversible: cfg.retentionMode === 'COMPLIANCE',
                },
              }
            : {}),
        },
      );
      // Only now that the vault holds the object: remove the plaintext — that exact version,
      // or (unversioned staging) only if it is still the object we read: a newer upload under
      // the same key must survive until its own event ingests it.
      try {
        await cfg.s3.send(
          new DeleteObjectCommand({
            Bucket: bucket,
            Key: key,
            ...(got.VersionId
              ? { VersionId: got.VersionId }
              : got.ETag
                ? { IfMatch: got.ETag }
                : {}),
          }),
        );
      } catch (e) {
        if (!isPreconditionFailed(e)) throw e;
        console.log(
          JSON.stringify({ msg: 'newer plaintext left in staging for its own event', source }),
        );
      }
      outcomes.push({
        source,
        status: 'ingested',
        vault: {
          bucket: put.bucket,
          key: put.key,
          versionId: put.versionId,
          plaintextSize: put.plaintextSize,
          ...(retainUntil ? { retainUntil: retainUntil.toISOString() } : {}),
        },
      });
      console.log(
        JSON.stringify({
          msg: 'ingested',
          source,
          vault: `s3://${put.bucket}/${put.key}`,
          versionId: put.versionId,
          bytes: put.plaintextSize,
        }),
      );
    }
    return outcomes;
  };
}

// Configured, with its SDK clients, at module scope: once per execution environment, during
// Lambda's init phase, and reused by every invocation (a bad configuration fails the init).
const ingest = createHandler(configFromEnv());

/** The Lambda entry point. */
export const handler = (event: S3Event): Promise<IngestOutcome[]> => ingest(event);
