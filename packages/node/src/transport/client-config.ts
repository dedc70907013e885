/**
 * Builds S3Client and KMSClient configurations that use the hardened transport. Credentials
 * come from what the caller passes, or else from the AWS default provider chain (environment,
 * profiles, SSO, IMDS, container and Lambda roles); nothing is embedded or written down.
 */
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import type { KMSClientConfig } from '@aws-sdk/client-kms';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { HttpHandler } from '@smithy/protocol-http';
import { InvalidArgumentError } from '@s3enc/core';
import { UndiciHttpHandler } from './undici-handler.js';
import { HardenedNodeHttpHandler } from './node-https-handler.js';
import { RoutingHttpHandler } from './routing-handler.js';
import { assertHttpsEndpoint, assertNoWeakening, type TlsOptions } from './tls-policy.js';

/**
 * Which hardened handler to use. 'auto' (default) sends uploads through node:https and the rest
 * through undici, the faster of each in bench/transfer-handlers.ts (docs/transfer.md).
 */
export type HandlerKind = 'auto' | 'undici' | 'node-https';

/** Transport options shared by the S3 and KMS client factories. */
export interface TransportOptions extends TlsOptions {
  /** `https://` endpoint; omit for AWS. An `http://` endpoint is refused. */
  endpoint?: string | undefined;
  region?: string | undefined;
  /** Static credentials or a provider; omit to use the AWS default provider chain. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider | undefined;
  /** Path-style addressing (MinIO and most on-premises stores need it). */
  forcePathStyle?: boolean | undefined;
  /** Parallel requests the caller intends; the keep-alive pool is sized from it. Default 8. */
  concurrency?: number | undefined;
  /** Handler implementation. Default 'auto'. */
  handler?: HandlerKind | undefined;
  /** SDK attempts per request (first try included). Default 5. */
  maxAttempts?: number | undefined;
  /** Per-request inactivity timeout in ms. Default 60 000. */
  requestTimeout?: number | undefined;
}

/**
 * A request handler enforcing the transport policy.
 *
 * @throws InsecureTransportError when options weaken TLS; InvalidArgumentError for a bad CA.
 */
export function createHttpHandler(o: TransportOptions = {}): HttpHandler<object> {
  const connections = Math.max(4, (o.concurrency ?? 8) + 4);
  const common = {
    ca: o.ca,
    minVersion: o.minVersion,
    connections,
    requestTimeout: o.requestTimeout,
  };
  const kind = o.handler ?? 'auto';
  if (kind === 'auto') return new RoutingHttpHandler(common);
  if (kind === 'undici') return new UndiciHttpHandler(common);
  if (kind === 'node-https') return new HardenedNodeHttpHandler(common);
  throw new InvalidArgumentError(`unknown handler '${String(kind)}'`);
}

function validate(o: TransportOptions, service: string): void {
  assertNoWeakening(o, service);
  assertHttpsEndpoint(o.endpoint, service);
  if (o.concurrency !== undefined && (!Number.isSafeInteger(o.concurrency) || o.concurrency < 1)) {
    throw new InvalidArgumentError('concurrency must be a positive integer');
  }
}

/**
 * An S3Client configuration over the hardened transport. Checksums are left to s3enc (sent
 * explicitly on uploads), so the SDK is told to compute them only when an operation requires
 * one.
 *
 * @throws InsecureTransportError for an `http://` endpoint or weakened TLS options.
 */
export function buildS3ClientConfig(o: TransportOptions = {}): S3ClientConfig {
  validate(o, 'S3');
  const cfg: S3ClientConfig = {
    requestHandler: createHttpHandler(o),
    maxAttempts: o.maxAttempts ?? 5,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
  if (o.endpoint !== undefined) cfg.endpoint = o.endpoint;
  if (o.region !== undefined) cfg.region = o.region;
  if (o.credentials !== undefined) cfg.credentials = o.credentials;
  if (o.forcePathStyle !== undefined) cfg.forcePathStyle = o.forcePathStyle;
  return cfg;
}

/**
 * A KMSClient configuration over the hardened transport.
 *
 * @throws InsecureTransportError for an `http://` endpoint or weakened TLS options.
 */
export function buildKmsClientConfig(o: TransportOptions = {}): KMSClientConfig {
  validate(o, 'KMS');
  const cfg: KMSClientConfig = {
    requestHandler: createHttpHandler({ ...o, concurrency: Math.min(o.concurrency ?? 4, 8) }),
    maxAttempts: o.maxAttempts ?? 5,
  };
  if (o.endpoint !== undefined) cfg.endpoint = o.endpoint;
  if (o.region !== undefined) cfg.region = o.region;
  if (o.credentials !== undefined) cfg.credentials = o.credentials;
  return cfg;
}
