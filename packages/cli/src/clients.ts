/**
 * S3 and KMS clients for a command, over the hardened transport of @s3enc/node (https only,
 * TLS 1.2+, certificate checks always on, --ca-bundle for private CAs). Credentials come from
 * the AWS default provider chain, honouring --profile.
 */
import { DescribeKeyCommand, KMSClient, type KMSClientConfig } from '@aws-sdk/client-kms';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { partition } from '@aws-sdk/util-endpoints';
import {
  kmsDiscoveryKeyring,
  kmsKeyring,
  multiKeyring,
  type ChecksumAlgorithm,
  type DataKeyCacheOptions,
  type Keyring,
} from '@s3enc/core';
import {
  EncryptedS3Client,
  buildKmsClientConfig,
  buildS3ClientConfig,
  type S3ecOptions,
  type WorkersOption,
} from '@s3enc/node';
import { ServiceCallError } from './cause/service-call.js';
import { UsageError } from './cli-errors.js';
import type { ClientSettings } from './config.js';
import { keyringFromKeyFile, readAesKeyFile } from './key-file.js';
import { assertPrivateKeyFile } from './key-file-permissions.js';
import { requireRegion } from './region-required.js';
import { keyMaterialPath } from './key-material-path.js';
import { recordFacts } from './run-facts.js';

export function s3ClientConfig(s: ClientSettings, concurrency?: number): S3ClientConfig {
  const cfg = buildS3ClientConfig({
    endpoint: s.s3Endpoint,
    region: s.region,
    forcePathStyle: s.forcePathStyle,
    ca: s.caBundle,
    concurrency,
    requestTimeout: s.requestTimeoutMs,
  });
  return withRetrySettings(cfg, s);
}

export function kmsClientConfig(s: ClientSettings): KMSClientConfig {
  const cfg = buildKmsClientConfig({
    endpoint: s.kmsEndpoint,
    region: s.region,
    ca: s.caBundle,
    requestTimeout: s.requestTimeoutMs,
  });
  return withRetrySettings(cfg, s);
}

/**
 * The profile and the retry settings as the AWS CLI reads them: AWS_MAX_ATTEMPTS /
 * max_attempts and AWS_RETRY_MODE / retry_mode (aws-config.ts); when neither is set, the
 * SDK's own default applies (no attempt count of our own).
 */
function withRetrySettings<C extends S3ClientConfig | KMSClientConfig>(
  cfg: C,
  s: ClientSettings,
): C {
  if (s.profile !== undefined) cfg.profile = s.profile;
  if (s.maxAttempts !== undefined) cfg.maxAttempts = s.maxAttempts;
  else delete cfg.maxAttempts;
  if (s.retryMode !== undefined) cfg.retryMode = s.retryMode;
  return cfg;
}

export function makeS3Client(s: ClientSettings, concurrency?: number): S3Client {
  return requireRegion(new S3Client(s3ClientConfig(s, concurrency)));
}

const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/.+$/;

/**
 * Strict KMS keyrings match an object's data keys by key ARN, so an alias or bare key id is
 * resolved to its ARN first (kms:DescribeKey). ARNs are used as given.
 */
export async function resolveKeyArns(kms: KMSClient, ids: string[]): Promise<string[]> {
  return Promise.all(
    ids.map(async (id) => {
      if (KEY_ARN.test(id)) return id;
      const r = await kms.send(new DescribeKeyCommand({ KeyId: id })).catch((e: unknown) => {
        throw new ServiceCallError('KMS', 'DescribeKey', e, id);
      });
      const arn = r.KeyMetadata?.Arn;
      if (arn === undefined) throw new UsageError(`KMS did not return an ARN for ${id}`);
      return arn;
    }),
  );
}

/**
 * Key ids given to drop from a header (`--remove-key-id`): headers name KMS keys by ARN, so an
 * alias or a bare key id is resolved to its ARN (kms:DescribeKey); ARNs and raw-key names
 * (`namespace/name`) are kept as given.
 */
export async function resolveRemovedKeyIds(s: ClientSettings, ids: string[]): Promise<string[]> {
  const needsKms = (id: string) =>
    id.startsWith('alias/') || /^(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f-]{27})$/i.test(id);
  if (!ids.some(needsKms)) return ids;
  const kms = requireRegion(new KMSClient(kmsClientConfig(s)));
  try {
    return await Promise.all(
      ids.map(async (id) => (needsKms(id) ? (await resolveKeyArns(kms, [id]))[0]! : id)),
    );
  } finally {
    kms.destroy();
  }
}

export interface KeySelection {
  kmsKeyIds: string[];
  keyFile: string | undefined;
  /** Use a key file other users can access (--allow-insecure-key-file-permissions). */
  allowSharedKeyFile?: boolean | undefined;
  /** Accounts whose KMS keys may decrypt without being named (get's --kms-discovery-account). */
  discoveryAccounts?: string[] | undefined;
}

/**
 * What keys the user chose: --kms-key-id (repeatable), else S3ENC_KMS_KEY_ID; --key-file;
 * --kms-discovery-account (get only, repeatable).
 */
export function selectKeys(
  kmsKeyIds: string[],
  keyFileSpec: string | undefined,
  envDefault: string | undefined,
  discoveryAccounts: string[] = [],
): KeySelection {
  // fileb://FILE and file://FILE as the AWS CLI writes them, or a plain path.
  const keyFile =
    keyFileSpec === undefined ? undefined : keyMaterialPath('--key-file', keyFileSpec, true).path;
  for (const a of discoveryAccounts) {
    if (!/^\d{12}$/.test(a))
      throw new UsageError(`--kms-discovery-account takes a 12-digit AWS account id, not ${a}`);
  }
  const ids =
    kmsKeyIds.length > 0
      ? kmsKeyIds
      : keyFile === undefined && discoveryAccounts.length === 0 && envDefault !== undefined
        ? [envDefault]
        : [];
  if (ids.length > 0)
    recordFacts({
      kmsKeys: { ids, source: kmsKeyIds.length > 0 ? '--kms-key-id' : 'S3ENC_KMS_KEY_ID' },
    });
  if (discoveryAccounts.length > 0) return { kmsKeyIds: ids, keyFile, discoveryAccounts };
  if (ids.length === 0 && keyFile === undefined) {
    throw new UsageError(
      'no key: pass --kms-key-id KEY (or set S3ENC_KMS_KEY_ID), or --key-file FILE (create one with `s3enc keygen FILE`)',
    );
  }
  return { kmsKeyIds: ids, keyFile };
}

/**
 * The AWS partition a Region belongs to (`aws`, `aws-cn`, `aws-eusc`, `aws-iso-f`, ...), from the
 * SDK's partition table, which tracks new partitions; unknown Regions fall back to `aws`.
 */
export function partitionOf(region: string): string {
  return partition(region).name;
}

/**
 * Builds the keyring: KMS keys (the first generates the data key, the others wrap it too) and/or
 * a raw AES key file. Returns the keyring and a destroy function for the KMS client.
 */
export async function buildKeyring(
  s: ClientSettings,
  sel: KeySelection,
): Promise<{ keyring: Keyring; close: () => void }> {
  // Before any request: a key file others can read is refused whatever else happens.
  if (sel.keyFile !== undefined)
    await assertPrivateKeyFile(sel.keyFile, '--key-file', sel.allowSharedKeyFile === true);
  const keyrings: Keyring[] = [];
  let kms: KMSClient | undefined;
  const byRegion = new Map<string, KMSClient>();
  if (sel.kmsKeyIds.length > 0) {
    const cfg = kmsClientConfig(s);
    kms = requireRegion(new KMSClient(cfg));
    const arns = await resolveKeyArns(kms, sel.kmsKeyIds);
    // One client per Region of the keys (multi-Region keys, replicas); the default Region's is reused.
    const home = kms;
    const homeRegion = await home.config.region();
    byRegion.set(homeRegion, home);
    keyrings.push(
      kmsKeyring({
        generatorKeyId: arns[0]!,
        keyIds: arns.slice(1),
        clientProvider: (region) => {
          let c = byRegion.get(region);
          if (c === undefined) {
            c = requireRegion(new KMSClient({ ...cfg, region }));
            byRegion.set(region, c);
          }
          return c;
        },
      }),
    );
  }
  if ((sel.discoveryAccounts ?? []).length > 0) {
    const home = kms ?? requireRegion(new KMSClient(kmsClientConfig(s))); // the home-Region client, if made above
    const region = await home.config.region();
    byRegion.set(region, home);
    keyrings.push(
      kmsDiscoveryKeyring({
        regions: [region],
        discoveryFilter: { accountIDs: sel.discoveryAccounts!, partition: partitionOf(region) },
        clientProvider: () => home,
      }),
    );
  }
  if (sel.keyFile !== undefined) keyrings.push((await keyringFromKeyFile(sel.keyFile)).keyring);
  const keyring =
    keyrings.length === 1
      ? keyrings[0]!
      : multiKeyring({ generator: keyrings[0]!, children: keyrings.slice(1) });
  return {
    keyring,
    close: () => {
      kms?.destroy();
      for (const c of byRegion.values()) c.destroy();
    },
  };
}

/** Options of {@link openClient}. */
export interface OpenClientOptions {
  /** The keys to use. */
  keys: KeySelection;
  concurrency?: number | undefined;
  /** Worker threads for file transfers (`--workers`). */
  workers?: WorkersOption | undefined;
  partSize?: number | undefined;
  frameLength?: number | undefined;
  checksumAlgorithm?: ChecksumAlgorithm | undefined;
  /** Sign upload bodies (--sign-payload). */
  signPayload?: boolean | undefined;
  /** S3 Encryption Client options (the --key-file key is added as its AES key). */
  s3ec?: Omit<S3ecOptions, 'aesKey'> | undefined;
  /** The data-key cache (--data-key-cache-*); off when undefined. */
  dataKeyCache?: DataKeyCacheOptions | undefined;
}

/**
 * An EncryptedS3Client over our S3 client (profile, endpoint, CA). The caller must call
 * `close()`.
 */
export async function openClient(
  s: ClientSettings,
  o: OpenClientOptions,
): Promise<{ client: EncryptedS3Client; close: () => void }> {
  const s3 = makeS3Client(s, o.concurrency);
  let closeKeys = () => {};
  try {
    const k = await buildKeyring(s, o.keys);
    const keyring = k.keyring;
    closeKeys = k.close;
    // The key file also unwraps S3 Encryption Client objects wrapped with an AES key (and wraps
    // --format s3ec-v3 writes when no KMS key is given). The client keeps its own copy.
    const aesKey = o.keys.keyFile !== undefined ? await readAesKeyFile(o.keys.keyFile) : undefined;
    let client: EncryptedS3Client;
    try {
      client = new EncryptedS3Client({
        s3,
        // Worker threads (large files, 'auto') build their own S3 clients from these settings;
        // credentials come from this client's provider (the profile chain) through the main thread.
        workerS3: {
          endpoint: s.s3Endpoint,
          region: s.region,
          forcePathStyle: s.forcePathStyle,
          ca: s.caBundle,
          requestTimeout: s.requestTimeoutMs,
        },
        keyring,
        s3ec: { ...o.s3ec, ...(aesKey !== undefined ? { aesKey } : {}) },
        ...(o.concurrency !== undefined ? { concurrency: o.concurrency } : {}),
        ...(o.workers !== undefined ? { workers: o.workers } : {}),
        ...(o.partSize !== undefined ? { partSize: o.partSize } : {}),
        ...(o.frameLength !== undefined ? { frameLength: o.frameLength } : {}),
        ...(o.checksumAlgorithm !== undefined ? { checksumAlgorithm: o.checksumAlgorithm } : {}),
        ...(o.signPayload === true ? { signPayload: true } : {}),
        ...(o.dataKeyCache !== undefined ? { dataKeyCache: o.dataKeyCache } : {}),
      });
    } finally {
      aesKey?.fill(0);
    }
    return {
      client,
      close: () => {
        client.destroy();
        s3.destroy();
        closeKeys();
      },
    };
  } catch (e) {
    s3.destroy();
    closeKeys();
    throw e;
  }
}
