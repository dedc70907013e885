/**
 * The transport security policy shared by every request handler: HTTPS only, TLS 1.2 or later,
 * certificate verification always on, an optional private CA bundle.
 *
 * Both handlers (undici and node:https) apply the same rules through this file, so a
 * benchmark between them compares speed, never security.
 */
import { readFileSync } from 'node:fs';
import { assertNoWeakening, InsecureTransportError, InvalidArgumentError } from '@s3enc/core';

/** A PEM CA bundle: the PEM text, its bytes, or a path to a PEM file. */
export type CaInput = string | Buffer | Uint8Array;

/** TLS options a caller may set. Anything that weakens verification is refused. */
export interface TlsOptions {
  /** Trust these CA certificates (PEM text, bytes, or a file path) in addition to none else. */
  ca?: CaInput | CaInput[] | undefined;
  /** Minimum protocol. Only 'TLSv1.2' (default) and 'TLSv1.3' are accepted. */
  minVersion?: 'TLSv1.2' | 'TLSv1.3' | undefined;
}

/** The resolved socket options both handlers pass to `tls.connect`. */
export interface ResolvedTls {
  ca: string[] | undefined;
  minVersion: 'TLSv1.2' | 'TLSv1.3';
  rejectUnauthorized: true;
}

/**
 * Refuses options that would weaken transport security: the one list of forbidden TLS options
 * (FORBIDDEN_TLS_OPTIONS), shared with core's KMS keyrings.
 */
export { assertNoWeakening };

function loadOneCa(input: CaInput): string {
  if (typeof input === 'string') {
    if (input.includes('-----BEGIN')) return input;
    try {
      return readFileSync(input, 'utf8');
    } catch (cause) {
      throw new InvalidArgumentError(`ca: cannot read the CA file '${input}'`, {
        cause,
        code: 'ERR_S3ENC_CA_UNREADABLE',
      });
    }
  }
  if (input instanceof Uint8Array) return Buffer.from(input).toString('utf8');
  throw new InvalidArgumentError('ca must be PEM text, PEM bytes or a file path');
}

/**
 * Resolves TLS options into socket options.
 *
 * @throws InsecureTransportError if the options weaken verification or the version floor.
 * @throws InvalidArgumentError (`ERR_S3ENC_CA_UNREADABLE`) if a CA file cannot be read, or
 *   (`ERR_S3ENC_INVALID_ARGUMENT`) if the CA holds no PEM certificate.
 */
export function resolveTls(options: TlsOptions | undefined, where = 'transport'): ResolvedTls {
  assertNoWeakening(options, where);
  const cas =
    options?.ca === undefined ? undefined : Array.isArray(options.ca) ? options.ca : [options.ca];
  const ca = cas?.map(loadOneCa);
  if (ca !== undefined) {
    for (const pem of ca) {
      if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
        throw new InvalidArgumentError('ca: no PEM certificate found in the CA bundle');
      }
    }
  }
  return { ca, minVersion: options?.minVersion ?? 'TLSv1.2', rejectUnauthorized: true };
}

/** An endpoint as the AWS SDK may carry it. */
export type EndpointInput =
  string | URL | { protocol?: string; hostname?: string; port?: number; path?: string };

/**
 * Refuses any endpoint that is not `https:`.
 *
 * @returns the endpoint as a URL string (unchanged semantics), or undefined when none was given.
 * @throws InsecureTransportError (`ERR_S3ENC_INSECURE_TRANSPORT`) for `http:` or any other
 *   non-https scheme; InvalidArgumentError for an unparseable URL.
 */
export function assertHttpsEndpoint(
  endpoint: EndpointInput | undefined,
  service: string,
): string | undefined {
  if (endpoint === undefined) return undefined;
  let protocol: string | undefined;
  let text: string;
  if (typeof endpoint === 'string' || endpoint instanceof URL) {
    let u: URL;
    try {
      u = new URL(String(endpoint));
    } catch (cause) {
      throw new InvalidArgumentError(`${service} endpoint is not a valid URL`, { cause });
    }
    protocol = u.protocol;
    text = u.toString();
  } else {
    protocol = endpoint.protocol;
    text = `${endpoint.protocol ?? ''}//${endpoint.hostname ?? ''}${endpoint.port === undefined ? '' : `:${endpoint.port}`}${endpoint.path ?? ''}`;
  }
  if (protocol !== 'https:' && protocol !== 'https') {
    throw new InsecureTransportError(
      `${service} endpoint must use https:// (got ${String(protocol)}); s3enc never sends requests in clear text`,
    );
  }
  return text;
}
