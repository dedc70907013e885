/**
 * The KMS clients behind `kmsKeyIds`: one per Region of the key ARNs, so a key in another
 * Region is asked in its own Region. Tracks the clients it built so the EncryptedS3Client
 * can close them.
 * @internal — used by EncryptedS3Client.
 */
import { KMSClient } from '@aws-sdk/client-kms';
import type { KmsClientLike } from '@s3enc/core';
import { buildKmsClientConfig, type TransportOptions } from './transport/client-config.js';
import { enforceHttpsOnly } from './transport/https-only.js';

/** KMS connection settings, or a KMSClient the caller built. */
export type KmsInput = KMSClient | Omit<TransportOptions, 'concurrency' | 'forcePathStyle'>;

/**
 * Chooses the KMS client for a key's Region.
 *
 * - Settings without `endpoint`: one client per Region, the Region taken from the key ARN
 *   (the provider's `region` argument); `settings.region` is only the default for key ids
 *   and aliases that carry no Region.
 * - Settings with `endpoint`: that endpoint serves every key (one client).
 * - A KMSClient: used for keys in its own Region; keys in other Regions get a client built
 *   from defaults (an SDK client's transport settings cannot be copied — pass settings, not
 *   a client, to reach several Regions with a custom transport).
 */
export class KmsClientPool {
  readonly #input: KmsInput | undefined;
  readonly #built = new Map<string, KMSClient>();
  readonly #onBuild: ((c: KMSClient) => void) | undefined;
  #destroyed = false;

  /** @throws InsecureTransportError / InvalidArgumentError for bad settings (no request made). */
  constructor(input: KmsInput | undefined, onBuild?: (c: KMSClient) => void) {
    this.#input = input;
    this.#onBuild = onBuild;
    if (input instanceof KMSClient) enforceHttpsOnly(input);
    else buildKmsClientConfig(input ?? {}); // validate now: an http:// endpoint fails here
  }

  /** The keyring's clientProvider. */
  readonly provider = (region: string): KmsClientLike => {
    const input = this.#input;
    if (input instanceof KMSClient) {
      if (region === '') return input;
      const own = input.config.region;
      let same: Promise<boolean> | undefined;
      const pick = async (): Promise<KMSClient> => {
        same ??= Promise.resolve(typeof own === 'function' ? own() : own).then(
          (r) => r === region,
          () => false,
        );
        return (await same) ? input : this.#client(region, { region });
      };
      return {
        send: async (command: never, ...rest: never[]) =>
          (await pick()).send(command, ...(rest as [])),
      };
    }
    const s = input ?? {};
    if (s.endpoint !== undefined) {
      return this.#client('endpoint', { ...s, region: s.region ?? (region || undefined) });
    }
    const r = region !== '' ? region : s.region;
    return this.#client(r ?? '', { ...s, region: r });
  };

  #client(cacheKey: string, settings: Omit<TransportOptions, 'concurrency'>): KMSClient {
    let c = this.#built.get(cacheKey);
    if (c === undefined) {
      c = new KMSClient(buildKmsClientConfig(settings));
      enforceHttpsOnly(c);
      this.#onBuild?.(c);
      if (!this.#destroyed) this.#built.set(cacheKey, c);
    }
    return c;
  }

  /** The clients built so far, by Region ('endpoint' when one endpoint serves all). @internal */
  get built(): ReadonlyMap<string, KMSClient> {
    return this.#built;
  }

  /** Closes the clients this pool built (never a KMSClient the caller passed). */
  destroy(): void {
    this.#destroyed = true;
    for (const c of this.#built.values()) c.destroy();
    this.#built.clear();
  }
}
