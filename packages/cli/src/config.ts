/**
 * Client configuration from the command line and the standard AWS environment:
 * --profile / AWS_PROFILE, --region / AWS_REGION / AWS_DEFAULT_REGION (else the profile),
 * --endpoint-url / AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, --kms-endpoint-url /
 * AWS_ENDPOINT_URL_KMS / AWS_ENDPOINT_URL, --ca-bundle / AWS_CA_BUNDLE. Credentials always
 * come from the AWS default provider chain (environment, profiles, SSO, IMDS, containers).
 * The profile's own settings (region, endpoint_url, services, ca_bundle, max_attempts,
 * retry_mode) come from aws-config.ts, read through the SDK's loaders; a flag or variable wins.
 */
import type { GlobalOptions } from './args.js';
import type { ProfileConfig, Sourced } from './aws-config.js';
import { UsageError } from './cli-errors.js';

export interface ClientSettings {
  profile: string | undefined;
  region: string | undefined;
  s3Endpoint: string | undefined;
  kmsEndpoint: string | undefined;
  /** Path of a PEM CA bundle to trust (read by the transport). */
  caBundle: string | undefined;
  /** Path-style addressing: on for custom endpoints (MinIO and most on-premises stores), unless S3ENC_S3_ADDRESSING_STYLE=virtual. */
  forcePathStyle: boolean;
  /** SDK attempts per request (AWS_MAX_ATTEMPTS / max_attempts); undefined = the SDK's default. */
  maxAttempts?: number | undefined;
  /** --cli-read-timeout in ms; undefined = the transport's default (60 s). */
  requestTimeoutMs?: number | undefined;
  /** AWS_RETRY_MODE / retry_mode; undefined = the SDK's default. */
  retryMode?: string | undefined;
  /** Where each value came from (`--endpoint-url`, `AWS_ENDPOINT_URL_S3`, `profile dev …`), for messages. */
  sources?: Partial<
    Record<
      | 'profile'
      | 'region'
      | 's3Endpoint'
      | 'kmsEndpoint'
      | 'caBundle'
      | 'maxAttempts'
      | 'retryMode',
      string
    >
  >;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** The first of several candidates that is set, with its source. */
function firstOf(...c: [string | undefined, string][]): Sourced<string> | undefined {
  for (const [v, source] of c) {
    const value = nonEmpty(v);
    if (value !== undefined) return { value, source };
  }
  return undefined;
}

/**
 * Resolves settings; throws UsageError for an unusable value. Pure (env and the profile's
 * settings passed in) for tests.
 */
export function resolveSettings(
  g: GlobalOptions,
  env: Record<string, string | undefined>,
  p?: ProfileConfig,
): ClientSettings {
  const profile = firstOf([g.profile, '--profile'], [env.AWS_PROFILE, 'AWS_PROFILE']);
  const region =
    firstOf(
      [g.region, '--region'],
      [env.AWS_REGION, 'AWS_REGION'],
      [env.AWS_DEFAULT_REGION, 'AWS_DEFAULT_REGION'],
    ) ?? p?.region;
  const s3Endpoint =
    firstOf(
      [g.endpointUrl, '--endpoint-url'],
      [env.AWS_ENDPOINT_URL_S3, 'AWS_ENDPOINT_URL_S3'],
      [env.AWS_ENDPOINT_URL, 'AWS_ENDPOINT_URL'],
    ) ?? p?.s3Endpoint;
  const kmsEndpoint =
    firstOf(
      [g.kmsEndpointUrl, '--kms-endpoint-url'],
      [env.AWS_ENDPOINT_URL_KMS, 'AWS_ENDPOINT_URL_KMS'],
      [env.AWS_ENDPOINT_URL, 'AWS_ENDPOINT_URL'],
    ) ?? p?.kmsEndpoint;
  const caBundle =
    firstOf([g.caBundle, '--ca-bundle'], [env.AWS_CA_BUNDLE, 'AWS_CA_BUNDLE']) ?? p?.caBundle;
  for (const e of [s3Endpoint, kmsEndpoint]) {
    if (e !== undefined && !/^[a-z]+:\/\//i.test(e.value)) {
      throw new UsageError(
        `${e.source} must be a URL such as https://s3.example.com:9000, got ${JSON.stringify(e.value)}`,
      );
    }
  }
  const style = nonEmpty(env.S3ENC_S3_ADDRESSING_STYLE)?.toLowerCase();
  if (style !== undefined && style !== 'path' && style !== 'virtual') {
    throw new UsageError(
      `S3ENC_S3_ADDRESSING_STYLE must be path or virtual, got ${JSON.stringify(style)}`,
    );
  }
  const forcePathStyle = style === 'path' || (style === undefined && s3Endpoint !== undefined);
  let requestTimeoutMs: number | undefined;
  if (g.readTimeout !== undefined) {
    const t = g.readTimeout.trim();
    if (!/^\d+$/.test(t) || Number(t) < 1 || Number(t) > 3600)
      throw new UsageError(
        `--cli-read-timeout expects whole seconds from 1 to 3600, got ${JSON.stringify(g.readTimeout)}`,
      );
    requestTimeoutMs = Number(t) * 1000;
  }
  const sources: NonNullable<ClientSettings['sources']> = {};
  if (profile) sources.profile = profile.source;
  if (region) sources.region = region.source;
  if (s3Endpoint) sources.s3Endpoint = s3Endpoint.source;
  if (kmsEndpoint) sources.kmsEndpoint = kmsEndpoint.source;
  if (caBundle) sources.caBundle = caBundle.source;
  if (p?.maxAttempts) sources.maxAttempts = p.maxAttempts.source;
  if (p?.retryMode) sources.retryMode = p.retryMode.source;
  return {
    profile: profile?.value,
    region: region?.value,
    s3Endpoint: s3Endpoint?.value,
    kmsEndpoint: kmsEndpoint?.value,
    caBundle: caBundle?.value,
    forcePathStyle,
    maxAttempts: p?.maxAttempts?.value,
    retryMode: p?.retryMode?.value,
    ...(requestTimeoutMs !== undefined ? { requestTimeoutMs } : {}),
    sources,
  };
}

/** The default KMS key for put/get when no --kms-key-id and no --key-file is given. */
export function defaultKmsKeyId(env: Record<string, string | undefined>): string | undefined {
  return nonEmpty(env.S3ENC_KMS_KEY_ID);
}
