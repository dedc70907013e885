/**
 * KMS types of the S3EC code, declared here (structurally the same as keyrings.ts's) so that
 * keyrings.ts can record its keys for S3EC without an import cycle.
 */

/** A KMS client: an AWS SDK v3 `KMSClient` (anything with `send`) or an aggregated `KMS`. */
export type KmsClientLike =
  | { send(command: never, ...rest: never[]): Promise<unknown> }
  | { generateDataKey: unknown; decrypt: unknown; encrypt: unknown };

/** Returns the KMS client for a Region, or false to skip keys in that Region. */
export type KmsClientProvider = (region: string) => KmsClientLike | false;

/** KMS keys for S3EC objects: strict key ids, or discovery limited by account. */
export interface S3ecKmsKeys {
  /** The KMS client for a Region (`''` for key ids that carry no Region). Held to https. */
  readonly clientProvider: KmsClientProvider;
  /** Strict: only these keys are asked (KeyId is passed to Decrypt, and the answer checked). */
  readonly keyIds?: readonly string[] | undefined;
  /** Discovery: KMS is asked without a KeyId in each Region; the key that answered must belong to the filter's accounts. */
  readonly discovery?:
    | {
        readonly regions: readonly string[];
        readonly discoveryFilter?:
          { readonly accountIDs: readonly string[]; readonly partition: string } | undefined;
        /** Without a filter, any key the writer chose and this principal may use is accepted. */
        readonly trustAnyKmsKeyForDecryption?: boolean | undefined;
      }
    | undefined;
  readonly grantTokens?: readonly string[] | undefined;
}
