/**
 * Client configuration from the command line and the standard AWS environment:
 * --profile / AWS_PROFILE, --region / AWS_REGION / AWS_DEFAULT_REGION (else the profile),
 * --endpoint-url / AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, --kms-endpoint-url /
 * AWS_ENDPOINT_URL_KMS / AWS_ENDPOINT_URL, --ca-bundle / AWS_CA_BUNDLE. Credentials always
 * come from the AWS default provider chain (environment, profiles, SSO, IMDS, containers).
 */
import type { GlobalOptions } from './args.js';
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
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** Resolves settings; throws UsageError for an unusable value. Pure (env passed in) for tests. */
export function resolveSettings(
  g: GlobalOptions,
  env: Record<string, string | undefined>,
): ClientSettings {
  const profile = nonEmpty(g.profile) ?? nonEmpty(env.AWS_PROFILE);
  const region = nonEmpty(g.region) ?? nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION);
  const s3Endpoint =
    nonEmpty(g.endpointUrl) ?? nonEmpty(env.AWS_ENDPOINT_URL_S3) ?? nonEmpty(env.AWS_ENDPOINT_URL);
  const kmsEndpoint =
    nonEmpty(g.kmsEndpointUrl) ??
    nonEmpty(env.AWS_ENDPOINT_URL_KMS) ??
    nonEmpty(env.AWS_ENDPOINT_URL);
  const caBundle = nonEmpty(g.caBundle) ?? nonEmpty(env.AWS_CA_BUNDLE);
  for (const [name, url] of [
    ['--endpoint-url', s3Endpoint],
    ['--kms-endpoint-url', kmsEndpoint],
  ] as const) {
    if (url !== undefined && !/^[a-z]+:\/\//i.test(url)) {
      throw new UsageError(
        `${name} must be a URL such as https://s3.example.com:9000, got ${JSON.stringify(url)}`,
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
  return { profile, region, s3Endpoint, kmsEndpoint, caBundle, forcePathStyle };
}

/** The default KMS key for put/get when no --kms-key-id and no --key-file is given. */
export function defaultKmsKeyId(env: Record<string, string | undefined>): string | undefined {
  return nonEmpty(env.S3ENC_KMS_KEY_ID);
}
