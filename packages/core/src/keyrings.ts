/**
 * Keyring helpers over `@aws-crypto`: AWS KMS (multi-Region-key aware, several keys and
 * Regions) and multi-keyrings; the raw AES keyring is in raw-aes-keyring.ts. The caller controls the KMS client
 * (endpoint, TLS, CA) through `clientProvider` or `client`.
 */
import { Agent, type AgentOptions } from 'node:https';
import { MultiKeyringNode } from '@aws-crypto/material-management-node';
import {
  KMS,
  buildAwsKmsMrkAwareDiscoveryMultiKeyringNode,
  buildAwsKmsMrkAwareStrictMultiKeyringNode,
  cacheClients,
  getClient,
  type KmsNodeClientSupplier,
} from '@aws-crypto/kms-keyring-node';
import { InsecureTransportError, InvalidArgumentError } from './errors.js';
import { enforceHttpsOnly, hasMiddlewareStack } from './https-only.js';
import { rememberS3ecKmsKeys, s3ecKmsKeysOf } from './s3ec/keyring-kms-keys.js';
import { assertNoWeakening, verifyingHttpsAgent } from './tls-options.js';
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

/** The https agent options a `requestHandler` option names: its agent's, or the options given. */
function agentOptionsOf(agent: unknown): AgentOptions {
  if (agent === undefined || agent === null) return {};
  if (agent instanceof Agent) return { ...agent.options };
  if (typeof agent === 'object') return { ...(agent as AgentOptions) };
  throw new InvalidArgumentError(
    'kmsClientConfig.requestHandler.httpsAgent must be an https.Agent',
  );
}

/**
 * Refuses KMS client settings that could send a data key in clear text or to an unverified
 * server, and returns the config with a request handler whose agent verifies certificates
 * whatever NODE_TLS_REJECT_UNAUTHORIZED says (an agent the caller gave is rebuilt from its
 * options, `ca` included, with `rejectUnauthorized: true`). A fully custom transport belongs
 * in a client passed through `clientProvider` (e.g. one built with @s3enc/node's
 * `buildKmsClientConfig`), which is then held to https as well.
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
  assertNoWeakening(config, 'kmsClientConfig');
  const handler = config.requestHandler ?? {};
  // The options form ({ httpsAgent, … }) can be checked; a handler instance is opaque.
  if (handler === null || Object.getPrototypeOf(handler) !== Object.prototype) {
    throw new InvalidArgumentError(
      'kmsClientConfig.requestHandler must be an options object ({ httpsAgent, … }); pass a client with your own handler through clientProvider',
    );
  }
  const h = handler as Record<string, unknown>;
  assertNoWeakening(h, 'kmsClientConfig.requestHandler');
  const httpsAgent = verifyingHttpsAgent(
    agentOptionsOf(h.httpsAgent),
    'kmsClientConfig.requestHandler.httpsAgent',
  );
  return { ...config, requestHandler: { ...h, httpsAgent } };
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
