/**
 * Keyring helpers over `@aws-crypto`: AWS KMS (multi-Region-key aware, several keys and
 * Regions), raw AES-256 (no KMS), and multi-keyrings. The caller controls the KMS client
 * (endpoint, TLS, CA) through `clientProvider` or `client`.
 */
import { readFileSync } from 'node:fs';
import { MultiKeyringNode } from '@aws-crypto/material-management-node';
import {
  KMS,
  buildAwsKmsMrkAwareDiscoveryMultiKeyringNode,
  buildAwsKmsMrkAwareStrictMultiKeyringNode,
  cacheClients,
  getClient,
  type KmsNodeClientSupplier,
} from '@aws-crypto/kms-keyring-node';
import { RawAesKeyringNode, RawAesWrappingSuiteIdentifier } from '@aws-crypto/raw-aes-keyring-node';
import { InsecureTransportError, InvalidArgumentError } from './errors.js';
import { enforceHttpsOnly, hasMiddlewareStack } from './https-only.js';
import { rememberS3ecKmsKeys, s3ecKmsKeysOf } from './s3ec/keyring-kms-keys.js';
import type { Keyring } from './types.js';

/** A KMS client: an AWS SDK v3 `KMSClient` (anything with `send`) or an aggregated `KMS`. */
export type KmsClientLike =
  | { send(command: never, ...rest: never[]): Promise<unknown> }
  | { generateDataKey: unknown; decrypt: unknown; encrypt: unknown };

/** Returns the KMS client for a Region, or false to skip keys in that Region. */
export type KmsClientProvider = (region: string) => KmsClientLike | false;

/** Options of {@link kmsKeyring}. */
export interface KmsKeyringOptions {
  /** KMS key ARN that generates the data key (one GenerateDataKey per message). */
  readonly generatorKeyId: string;
  /** Further key ARNs that also wrap the data key (one Encrypt each), e.g. in other Regions. */
  readonly keyIds?: readonly string[];
  /** Client per Region; wins over `kmsClientConfig`. */
  readonly clientProvider?: KmsClientProvider;
  /** Config for the KMS clients the keyring creates (one per Region, cached), when no provider is given. */
  readonly kmsClientConfig?: Record<string, unknown>;
  readonly grantTokens?: readonly string[];
}

type AwsKmsClient = ReturnType<KmsNodeClientSupplier>;

const aggregated = KMS.prototype as unknown as Record<
  'encrypt' | 'decrypt' | 'generateDataKey',
  (this: unknown, a: unknown) => Promise<unknown>
>;

/** Gives a bare `KMSClient` the three methods the keyring calls, without copying its state. */
function adaptClient(c: KmsClientLike): AwsKmsClient {
  // The data key travels in KMS answers: every client the keyring uses is https-only.
  if (hasMiddlewareStack(c)) enforceHttpsOnly(c);
  const rec = c as Record<string, unknown>;
  if (
    typeof rec.generateDataKey === 'function' &&
    typeof rec.decrypt === 'function' &&
    typeof rec.encrypt === 'function'
  ) {
    return c as unknown as AwsKmsClient;
  }
  if (typeof rec.send !== 'function') {
    throw new InvalidArgumentError(
      'clientProvider must return a KMS client (a KMSClient or KMS) or false',
    );
  }
  const w = Object.create(c) as Record<string, unknown>;
  w.encrypt = (a: unknown) => aggregated.encrypt.call(c, a);
  w.decrypt = (a: unknown) => aggregated.decrypt.call(c, a);
  w.generateDataKey = (a: unknown) => aggregated.generateDataKey.call(c, a);
  return w as unknown as AwsKmsClient;
}

function checkArn(name: string, v: unknown): string {
  if (typeof v !== 'string' || v.length === 0)
    throw new InvalidArgumentError(`${name} must be a non-empty KMS key id`);
  return v;
}

const WEAKENING_KEYS = ['rejectUnauthorized', 'checkServerIdentity', 'tls', 'insecure'];

function assertNotWeakened(o: Record<string, unknown>, where: string): void {
  for (const k of WEAKENING_KEYS) {
    const v = o[k];
    const weakens =
      k === 'rejectUnauthorized' || k === 'tls' ? v === false : v !== undefined && v !== false;
    if (weakens) {
      throw new InsecureTransportError(
        `${where}: certificate verification cannot be disabled ('${k}'); trust a private CA with the agent's 'ca' option instead`,
        { code: 'ERR_S3ENC_TLS_VERIFICATION_REQUIRED' },
      );
    }
  }
}

/**
 * Refuses KMS client settings that could send a data key in clear text or to an unverified
 * server. A custom transport belongs in a client passed through `clientProvider` (e.g. one
 * built with @s3enc/node's `buildKmsClientConfig`), which is then held to https as well.
 */
function checkKmsClientConfig(config: Record<string, unknown>): Record<string, unknown> {
  if (config === null || typeof config !== 'object') {
    throw new InvalidArgumentError('kmsClientConfig must be an object');
  }
  const endpoint = config.endpoint;
  if (endpoint !== undefined) {
    const protocol =
      typeof endpoint === 'string' || endpoint instanceof URL
        ? new URL(String(endpoint)).protocol
        : (endpoint as { protocol?: unknown }).protocol;
    if (protocol !== 'https:' && protocol !== 'https') {
      throw new InsecureTransportError('kmsClientConfig.endpoint must be an https:// URL');
    }
  }
  assertNotWeakened(config, 'kmsClientConfig');
  const handler = config.requestHandler;
  if (handler !== undefined) {
    // The options form ({ httpsAgent, … }) can be checked; a handler instance is opaque.
    if (handler === null || Object.getPrototypeOf(handler) !== Object.prototype) {
      throw new InvalidArgumentError(
        'kmsClientConfig.requestHandler must be an options object ({ httpsAgent, … }); pass a client with your own handler through clientProvider',
      );
    }
    const h = handler as Record<string, unknown>;
    assertNotWeakened(h, 'kmsClientConfig.requestHandler');
    const agentOptions = (h.httpsAgent as { options?: unknown } | undefined)?.options;
    if (agentOptions !== null && typeof agentOptions === 'object') {
      assertNotWeakened(
        agentOptions as Record<string, unknown>,
        'kmsClientConfig.requestHandler.httpsAgent',
      );
    }
  }
  return config;
}

/** The keyring's KMS clients: the caller's provider, or cached https-only clients per Region. */
function kmsClientsFor(o: {
  clientProvider?: KmsClientProvider | undefined;
  kmsClientConfig?: Record<string, unknown> | undefined;
}): KmsNodeClientSupplier {
  let clientProvider: KmsNodeClientSupplier;
  if (o.clientProvider !== undefined) {
    const p = o.clientProvider;
    if (typeof p !== 'function')
      throw new InvalidArgumentError('clientProvider must be a function');
    const cache = new Map<string, AwsKmsClient | false>();
    clientProvider = (region: string) => {
      let c = cache.get(region);
      if (c === undefined) {
        const got = p(region);
        c = got === false ? false : adaptClient(got);
        cache.set(region, c);
      }
      return c;
    };
  } else {
    const config = checkKmsClientConfig(o.kmsClientConfig ?? {});
    const make = getClient(KMS, config);
    clientProvider = cacheClients((region: string) => {
      const c = make(region);
      if (c !== false && hasMiddlewareStack(c)) enforceHttpsOnly(c);
      return c;
    });
  }
  return clientProvider;
}

/**
 * An AWS KMS keyring: the generator key makes the data key, every key in `keyIds` wraps it
 * too, so any one of them can decrypt. Multi-Region keys are matched across Regions. On
 * decrypt only the listed keys are tried (strict). Returns the keyring; throws
 * InvalidArgumentError on bad options. KMS errors surface later, from beginEncryption /
 * beginDecryption, as KeyUnwrapError.
 */
export function kmsKeyring(o: KmsKeyringOptions): Keyring {
  if (o === null || typeof o !== 'object') throw new InvalidArgumentError('options are required');
  const generatorKeyId = checkArn('generatorKeyId', o.generatorKeyId);
  const keyIds = (o.keyIds ?? []).map((k, i) => checkArn(`keyIds[${i}]`, k));
  const clientProvider = kmsClientsFor(o);
  // The builder returns a MultiKeyringNode (a KeyringNode) made by @aws-crypto's own factory.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  const keyring: Keyring = buildAwsKmsMrkAwareStrictMultiKeyringNode({
    generatorKeyId,
    keyIds,
    clientProvider,
    ...(o.grantTokens ? { grantTokens: [...o.grantTokens] } : {}),
  });
  // S3 Encryption Client objects are unwrapped with the same keys and clients (s3ec/).
  rememberS3ecKmsKeys(keyring, [
    { clientProvider, keyIds: [generatorKeyId, ...keyIds], grantTokens: o.grantTokens },
  ]);
  return keyring;
}

/** Options of {@link kmsDiscoveryKeyring}. */
export interface KmsDiscoveryKeyringOptions {
  /** Regions whose KMS is asked to decrypt (one discovery keyring per Region, in this order). */
  readonly regions: readonly string[];
  /**
   * Only data keys wrapped by KMS keys of these accounts, in this partition, are tried.
   * Required unless `trustAnyKmsKeyForDecryption` is true.
   */
  readonly discoveryFilter?: { readonly accountIDs: readonly string[]; readonly partition: string };
  /**
   * Without a filter, a message decrypts under any KMS key its header names that this
   * principal may use: whoever wrote the object chose the key. Set this to accept that.
   */
  readonly trustAnyKmsKeyForDecryption?: boolean;
  /** Client per Region; wins over `kmsClientConfig`. */
  readonly clientProvider?: KmsClientProvider;
  /** Config for the KMS clients the keyring creates (one per Region, cached). */
  readonly kmsClientConfig?: Record<string, unknown>;
  readonly grantTokens?: readonly string[];
}

/**
 * A decrypt-only AWS KMS keyring that needs no key ids: it asks KMS in each of `regions` to
 * decrypt the data keys the message header names (multi-Region keys match their replica in
 * that Region), limited to the accounts of `discoveryFilter`. For readers that should open
 * what several writers encrypted under keys of a known account. Encrypting with it fails
 * (KeyUnwrapError from beginEncryption). Throws InvalidArgumentError on bad options,
 * including a missing filter without `trustAnyKmsKeyForDecryption: true`.
 */
export function kmsDiscoveryKeyring(o: KmsDiscoveryKeyringOptions): Keyring {
  if (o === null || typeof o !== 'object') throw new InvalidArgumentError('options are required');
  const regions: unknown = o.regions;
  if (
    !Array.isArray(regions) ||
    regions.length === 0 ||
    !regions.every((r): r is string => typeof r === 'string' && r.length > 0)
  ) {
    throw new InvalidArgumentError('regions must be a non-empty array of Region names');
  }
  const f = o.discoveryFilter;
  if (f === undefined) {
    if (o.trustAnyKmsKeyForDecryption !== true) {
      throw new InvalidArgumentError(
        'a discoveryFilter ({ accountIDs, partition }) is required; pass trustAnyKmsKeyForDecryption: true to decrypt under any KMS key a message names',
        { code: 'ERR_S3ENC_DISCOVERY_FILTER_REQUIRED' },
      );
    }
  } else if (
    f === null ||
    typeof f !== 'object' ||
    !Array.isArray(f.accountIDs) ||
    f.accountIDs.length === 0 ||
    !f.accountIDs.every((a) => typeof a === 'string' && /^\d{12}$/.test(a)) ||
    typeof f.partition !== 'string' ||
    f.partition.length === 0
  ) {
    throw new InvalidArgumentError(
      'discoveryFilter must be { accountIDs: [12-digit account ids], partition: "aws" | … }',
    );
  }
  const clientProvider = kmsClientsFor(o);
  const discoveryFilter =
    f !== undefined ? { accountIDs: [...f.accountIDs], partition: f.partition } : undefined;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  const keyring: Keyring = buildAwsKmsMrkAwareDiscoveryMultiKeyringNode({
    regions: [...regions],
    clientProvider,
    ...(discoveryFilter !== undefined ? { discoveryFilter } : {}),
    ...(o.grantTokens ? { grantTokens: [...o.grantTokens] } : {}),
  });
  // S3 Encryption Client objects are unwrapped with the same Regions, filter and clients.
  rememberS3ecKmsKeys(keyring, [
    {
      clientProvider,
      discovery: {
        regions: [...regions],
        discoveryFilter,
        trustAnyKmsKeyForDecryption: o.trustAnyKmsKeyForDecryption,
      },
      grantTokens: o.grantTokens,
    },
  ]);
  return keyring;
}

/** Options of {@link rawAesKeyring}. Give exactly one of `key` and `keyFile`. */
export interface RawAesKeyringOptions {
  /** 32 key bytes. Copied; the caller keeps ownership of (and should zero) its buffer. */
  readonly key?: Uint8Array;
  /** A file holding the key: 32 raw bytes, or 64 hex / 44 base64 characters. */
  readonly keyFile?: string;
  /** Name of the key, recorded in the header; must match on decrypt. */
  readonly keyName: string;
  /** Namespace of the key (the provider id), recorded in the header; must match on decrypt. */
  readonly keyNamespace: string;
}

function keyFromFile(path: string): Buffer {
  const bytes = readFileSync(path);
  if (bytes.length === 32) return bytes;
  const text = bytes.toString('utf8').trim();
  bytes.fill(0);
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(text)) key = Buffer.from(text, 'hex');
  else if (/^[A-Za-z0-9+/]{43}=$/.test(text)) key = Buffer.from(text, 'base64');
  if (key === undefined || key.length !== 32) {
    throw new InvalidArgumentError('keyFile must hold a 256-bit key (32 bytes, hex or base64)', {
      code: 'ERR_S3ENC_INVALID_KEY',
    });
  }
  return key;
}

/**
 * A raw AES-256-GCM keyring for users without KMS. Returns the keyring; throws
 * InvalidArgumentError (ERR_S3ENC_INVALID_KEY) when the key is not 32 bytes or both or neither
 * of `key` and `keyFile` are given. Our copy of the key is zeroed once the keyring holds it.
 */
export function rawAesKeyring(o: RawAesKeyringOptions): Keyring {
  if (o === null || typeof o !== 'object') throw new InvalidArgumentError('options are required');
  if ((o.key === undefined) === (o.keyFile === undefined)) {
    throw new InvalidArgumentError('give exactly one of key and keyFile', {
      code: 'ERR_S3ENC_INVALID_KEY',
    });
  }
  if (
    typeof o.keyName !== 'string' ||
    o.keyName.length === 0 ||
    typeof o.keyNamespace !== 'string' ||
    o.keyNamespace.length === 0
  ) {
    throw new InvalidArgumentError('keyName and keyNamespace must be non-empty strings');
  }
  if (o.keyNamespace.startsWith('aws-kms')) {
    throw new InvalidArgumentError('keyNamespace must not start with "aws-kms"');
  }
  // The keyring wants a buffer that owns its whole ArrayBuffer.
  let key: Uint8Array;
  if (o.key !== undefined) {
    if (!(o.key instanceof Uint8Array) || o.key.byteLength !== 32) {
      throw new InvalidArgumentError('key must be 32 bytes (AES-256)', {
        code: 'ERR_S3ENC_INVALID_KEY',
      });
    }
    key = new Uint8Array(o.key);
  } else {
    const fromFile = keyFromFile(o.keyFile!);
    key = new Uint8Array(fromFile);
    fromFile.fill(0);
  }
  try {
    return new RawAesKeyringNode({
      keyName: o.keyName,
      keyNamespace: o.keyNamespace,
      unencryptedMasterKey: key,
      wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
    });
  } finally {
    key.fill(0);
  }
}

/**
 * Combines keyrings: on encrypt the generator makes the data key and every child wraps it; on
 * decrypt each keyring is tried in turn. Returns the keyring; throws InvalidArgumentError.
 */
export function multiKeyring(o: { generator?: Keyring; children?: readonly Keyring[] }): Keyring {
  if (o === null || typeof o !== 'object') throw new InvalidArgumentError('options are required');
  if (o.generator === undefined && (o.children ?? []).length === 0) {
    throw new InvalidArgumentError('multiKeyring needs a generator or children');
  }
  const keyring = new MultiKeyringNode({
    ...(o.generator ? { generator: o.generator } : {}),
    children: [...(o.children ?? [])],
  });
  rememberS3ecKmsKeys(
    keyring,
    [o.generator, ...(o.children ?? [])].flatMap((k) => s3ecKmsKeysOf(k)),
  );
  return keyring;
}
