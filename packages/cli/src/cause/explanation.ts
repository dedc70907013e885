/**
 * What an explanation of a failure says (explain.ts), and the helpers that name where a
 * request went: which service, which endpoint and where that setting came from.
 */
import type { ErrorCode } from '@s3enc/core';
import type { ExitCode } from '../exit-codes.js';
import type { RunFacts } from '../run-facts.js';
import { codeOf, messageOf, nameOf, type ErrorFields } from './error-chain.js';
import { ServiceCallError } from './service-call.js';

/** What the JSON error document carries as `cause`. */
export interface CauseDetails {
  /** What went wrong, one word: `tls-untrusted`, `connection-refused`, `kms-key-not-found`, … */
  kind: string;
  /** `S3` or `KMS`, when the failure belongs to one. */
  service?: 'S3' | 'KMS';
  /** The endpoint that was tried and where that setting came from. */
  endpoint?: string;
  endpointSource?: string;
  /** The S3 action / IAM action and the resource, for access errors. */
  action?: string;
  resource?: string;
  /** The KMS key ids in use and where they came from. */
  kmsKeyIds?: string[];
  /** Attempts the SDK made before giving up. */
  attempts?: number;
  /** The underlying error's name/code and first line (never secrets: SDK and Node messages). */
  detail?: string;
}

export interface Explanation {
  code: ErrorCode;
  exitCode: ExitCode;
  message: string;
  hint: string;
  cause: CauseDetails;
}

/** `https://host:port` of an endpoint URL, or the URL itself. */
function hostPort(url: string): { host: string; port: string } | undefined {
  try {
    const u = new URL(url);
    return { host: u.hostname, port: u.port || (u.protocol === 'https:' ? '443' : '80') };
  } catch {
    return undefined;
  }
}

/** Which service a failure belongs to: what the chain says, else where the socket went. */
export function serviceOf(err: unknown, links: ErrorFields[], f: RunFacts): 'S3' | 'KMS' {
  for (const l of links) {
    if (l instanceof ServiceCallError) return l.service;
    const n = nameOf(l);
    if (
      n === 'KeyUnwrapError' ||
      (n !== undefined && /^KMS|Exception$/.test(n) && n !== 'TimeoutError')
    )
      return 'KMS';
  }
  const endpoints = (
    [
      ['KMS', f.kmsEndpoint],
      ['S3', f.s3Endpoint],
    ] as const
  ).flatMap(([svc, ep]) => {
    const hp = ep === undefined ? undefined : hostPort(ep.url);
    return hp === undefined ? [] : [{ svc, ...hp }];
  });
  for (const l of links) {
    const port =
      typeof l.port === 'number' || typeof l.port === 'string' ? String(l.port) : undefined;
    const host = [l.hostname, l.host, l.address].find((v): v is string => typeof v === 'string');
    // A port names the endpoint; a host alone only when the two endpoints differ in host.
    const byPort = endpoints.filter((e) => port !== undefined && e.port === port);
    if (byPort.length === 1) return byPort[0]!.svc;
    const byHost = endpoints.filter((e) => host !== undefined && e.host === host);
    if (port === undefined && byHost.length === 1) return byHost[0]!.svc;
  }
  const top = (err as { name?: unknown } | null)?.name;
  if (top === 'KeyUnwrapError') return 'KMS';
  return 'S3';
}

/** "https://… (from --endpoint-url)" or the AWS default for the Region. */
export function endpointOf(
  service: 'S3' | 'KMS',
  f: RunFacts,
): { text: string; url?: string; source: string } {
  const ep = service === 'S3' ? f.s3Endpoint : f.kmsEndpoint;
  if (ep !== undefined)
    return { text: `${ep.url} (from ${ep.source})`, url: ep.url, source: ep.source };
  const region = f.region?.name;
  const flag =
    service === 'S3'
      ? '--endpoint-url, AWS_ENDPOINT_URL_S3'
      : '--kms-endpoint-url, AWS_ENDPOINT_URL_KMS';
  return {
    text: `the AWS ${service} endpoint${region === undefined ? '' : ` of ${region}`} (no ${flag}, AWS_ENDPOINT_URL or profile endpoint_url is set)`,
    source: 'the AWS default',
  };
}

export function detailOf(link: ErrorFields | undefined): string | undefined {
  if (link === undefined) return undefined;
  const id = codeOf(link) ?? nameOf(link);
  const m = messageOf(link);
  if (id === undefined) return m === '' ? undefined : m;
  return m === '' || m === id ? id : `${id}: ${m}`;
}
