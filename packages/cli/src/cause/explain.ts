/**
 * Names the real cause of a failure and the next step, in the command's own terms: which
 * endpoint was tried and where it came from, which key, which action on which resource. The
 * library's typed errors keep the SDK or Node error as `cause`; this walks the chain to it.
 * Returns undefined when the chain holds nothing it recognises (error-report.ts then reports
 * the error by its own code).
 */
import type { ErrorCode } from '@s3enc/core';
import { ExitCode } from '../exit-codes.js';
import { runFacts, type RunFacts } from '../run-facts.js';
import {
  attemptsOf,
  errorLinks,
  findLink,
  httpStatusOf,
  messageOf,
  operationOf,
  type ErrorFields,
} from './error-chain.js';
import { explainKms } from './explain-kms.js';
import { explainSseC } from './explain-sse-c.js';
import {
  detailOf,
  endpointOf,
  serviceOf,
  type CauseDetails,
  type Explanation,
} from './explanation.js';

export type { CauseDetails, Explanation };

const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
]);
const HOSTNAME = new Set(['ERR_TLS_CERT_ALTNAME_INVALID']);
const REFUSED = new Set(['ECONNREFUSED']);
const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME']);
const TIMEOUT = new Set([
  'ETIMEDOUT',
  'TimeoutError',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'RequestTimeout',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
const NO_CREDENTIALS = new Set(['CredentialsProviderError']);
const CREDENTIALS_REJECTED = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
]);
const NO_SUCH_BUCKET = new Set(['NoSuchBucket', 'ERR_S3ENC_NO_SUCH_BUCKET']);
const NO_SUCH_KEY = new Set(['NoSuchKey', 'ERR_S3ENC_NO_SUCH_KEY']);
const ACCESS_DENIED = new Set(['AccessDenied', 'AllAccessDisabled', 'ERR_S3ENC_ACCESS_DENIED']);

const S3_ACTION: Record<string, string> = {
  HeadObject: 's3:GetObject',
  GetObject: 's3:GetObject',
  PutObject: 's3:PutObject',
  CreateMultipartUpload: 's3:PutObject',
  UploadPart: 's3:PutObject',
  CompleteMultipartUpload: 's3:PutObject',
  AbortMultipartUpload: 's3:AbortMultipartUpload',
  DeleteObject: 's3:DeleteObject',
  ListObjectVersions: 's3:ListBucketVersions',
};

function resourceOf(f: RunFacts): string | undefined {
  const t = f.target;
  if (t === undefined) return undefined;
  return t.key === '' ? `arn:aws:s3:::${t.bucket}` : `arn:aws:s3:::${t.bucket}/${t.key}`;
}

function network(
  kind: string,
  code: ErrorCode,
  what: string,
  service: 'S3' | 'KMS',
  f: RunFacts,
  links: ErrorFields[],
  link: ErrorFields,
  hint: string,
  exitCode: ExitCode = ExitCode.FAILURE,
): Explanation {
  const ep = endpointOf(service, f);
  const attempts = attemptsOf(links);
  return {
    code,
    exitCode,
    message: `${what} ${service} at ${ep.text}${attempts !== undefined && attempts > 1 ? ` after ${attempts} attempts` : ''}`,
    hint,
    cause: {
      kind,
      service,
      ...(ep.url !== undefined ? { endpoint: ep.url } : {}),
      endpointSource: ep.source,
      ...(attempts !== undefined ? { attempts } : {}),
      ...(detailOf(link) !== undefined ? { detail: detailOf(link)! } : {}),
    },
  };
}

/** The explanation of `err`, or undefined when its chain holds no cause this module knows. */
export function explainCause(err: unknown, f: RunFacts = runFacts()): Explanation | undefined {
  const links = errorLinks(err);
  const service = (): 'S3' | 'KMS' => serviceOf(err, links, f);
  const setting = (s: 'S3' | 'KMS') =>
    s === 'S3'
      ? "--endpoint-url (or AWS_ENDPOINT_URL_S3, the profile's endpoint_url)"
      : "--kms-endpoint-url (or AWS_ENDPOINT_URL_KMS, the profile's endpoint_url)";

  let hit = findLink(links, UNTRUSTED);
  if (hit) {
    const s = service();
    const ca = f.caBundle;
    return network(
      'tls-untrusted',
      'ERR_S3ENC_CLI_TLS_UNTRUSTED',
      `the TLS certificate is not trusted (${hit.id}) for`,
      s,
      f,
      links,
      hit.link,
      ca === undefined
        ? 'If the endpoint uses a private CA, pass --ca-bundle FILE (or set AWS_CA_BUNDLE, or ca_bundle in the profile) with that CA in PEM. s3enc never turns certificate checks off.'
        : `The CA bundle ${ca.path} (from ${ca.source}) does not vouch for this certificate: give the bundle of the CA that signed it. s3enc never turns certificate checks off.`,
      ExitCode.USAGE,
    );
  }
  hit = findLink(links, HOSTNAME);
  if (hit) {
    const s = service();
    return network(
      'tls-hostname',
      'ERR_S3ENC_CLI_TLS_HOSTNAME',
      'the TLS certificate does not name the host of',
      s,
      f,
      links,
      hit.link,
      `Use the host name the certificate was issued for in ${setting(s)}; an IP address works only if the certificate lists it.`,
      ExitCode.USAGE,
    );
  }
  hit = findLink(links, REFUSED);
  if (hit) {
    const s = service();
    return network(
      'connection-refused',
      'ERR_S3ENC_CLI_CONNECTION_REFUSED',
      'connection refused by',
      s,
      f,
      links,
      hit.link,
      `Nothing listens there: check that the server runs and that ${setting(s)} names the right host and port.`,
    );
  }
  hit = findLink(links, DNS);
  if (hit) {
    const s = service();
    return network(
      'dns',
      'ERR_S3ENC_CLI_DNS',
      'the host name could not be resolved for',
      s,
      f,
      links,
      hit.link,
      `Check the host name in ${setting(s)}, and that this machine's DNS resolves it.`,
    );
  }
  hit = findLink(links, NO_CREDENTIALS);
  if (hit) {
    const profile = f.profile;
    const files = f.configFiles;
    const tried =
      `the environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY), profile ${profile?.name ?? 'default'}` +
      `${profile === undefined ? '' : ` (from ${profile.source})`} in ${files?.config ?? '~/.aws/config'} and ${files?.credentials ?? '~/.aws/credentials'}` +
      ' (static keys, SSO, credential_process, web identity, role assumption), and the container and instance metadata endpoints';
    return {
      code: 'ERR_S3ENC_CLI_NO_CREDENTIALS',
      exitCode: ExitCode.ACCESS,
      message: /could not be found|not found in|does not exist/i.test(messageOf(hit.link))
        ? `no AWS credentials: profile ${profile?.name ?? 'default'}${profile === undefined ? '' : ` (from ${profile.source})`} is not in ${files?.config ?? '~/.aws/config'} or ${files?.credentials ?? '~/.aws/credentials'}`
        : `no AWS credentials found; tried ${tried}`,
      hint: 'Pass --profile NAME (or set AWS_PROFILE) naming a profile with credentials, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; for an SSO profile, sign in first (aws sso login --profile NAME).',
      cause: {
        kind: 'no-credentials',
        ...(detailOf(hit.link) ? { detail: detailOf(hit.link)! } : {}),
      },
    };
  }
  hit = findLink(links, CREDENTIALS_REJECTED);
  if (hit) {
    const s = service();
    const ep = endpointOf(s, f);
    return {
      code: 'ERR_S3ENC_CLI_CREDENTIALS_REJECTED',
      exitCode: ExitCode.ACCESS,
      message: `${s} at ${ep.text} rejected the credentials (${hit.id})`,
      hint: `The access key is unknown to this endpoint, the secret key is wrong, or the session expired: check the credentials of profile ${f.profile?.name ?? 'default'} (--profile / AWS_PROFILE) or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN.`,
      cause: {
        kind: 'credentials-rejected',
        service: s,
        endpointSource: ep.source,
        ...(ep.url ? { endpoint: ep.url } : {}),
        detail: detailOf(hit.link) ?? hit.id,
      },
    };
  }
  const kms = explainKms(links, f);
  if (kms !== undefined) return kms;
  hit =
    findLink(links, NO_SUCH_BUCKET) ??
    (f.bucketMissing === true ? { link: links[0]!, id: 'NotFound (HeadBucket)' } : undefined);
  if (hit) {
    const bucket = f.target?.bucket;
    const ep = endpointOf('S3', f);
    return {
      code: 'ERR_S3ENC_NO_SUCH_BUCKET',
      exitCode: ExitCode.FAILURE,
      message: `the bucket ${bucket ?? ''} does not exist at ${ep.text}`.replace(
        'bucket  does',
        'bucket does',
      ),
      hint: 'Check the bucket name (s3://BUCKET/key) and the endpoint and Region; create the bucket first if it is new.',
      cause: {
        kind: 'no-such-bucket',
        service: 'S3',
        endpointSource: ep.source,
        ...(ep.url ? { endpoint: ep.url } : {}),
        detail: detailOf(hit.link) ?? hit.id,
      },
    };
  }
  const sseC = explainSseC(links, f);
  if (sseC !== undefined) return sseC;
  hit = findLink(links, NO_SUCH_KEY);
  if (hit) {
    const t = f.target;
    return {
      code: 'ERR_S3ENC_NO_SUCH_KEY',
      exitCode: ExitCode.FAILURE,
      message: `${t === undefined ? 'the object' : `s3://${t.bucket}/${t.key}`} does not exist`,
      hint: 'Check the key (it is case-sensitive) and --version-id.',
      cause: { kind: 'no-such-key', service: 'S3', detail: detailOf(hit.link) ?? hit.id },
    };
  }
  hit =
    findLink(links, ACCESS_DENIED) ??
    (httpStatusOf(links) === 403 ? { link: links[0]!, id: 'HTTP 403' } : undefined);
  if (hit) {
    const op = operationOf(links);
    const action = op === undefined ? undefined : (S3_ACTION[op] ?? `s3:${op}`);
    const resource = resourceOf(f);
    return {
      code: 'ERR_S3ENC_ACCESS_DENIED',
      exitCode: ExitCode.ACCESS,
      message: `access denied${action ? `: ${action}` : ''}${resource ? ` on ${resource}` : ''}${op ? ` (${op})` : ''}`,
      hint: `The credentials${f.profile ? ` of profile ${f.profile.name}` : ''} are not allowed ${action ?? 'this action'}${resource ? ` on ${resource}` : ''}: ask for that permission in an IAM or bucket policy (a bucket policy may also deny requests that lack TLS, SSE or a VPC endpoint).`,
      cause: {
        kind: 'access-denied',
        service: 'S3',
        ...(action ? { action } : {}),
        ...(resource ? { resource } : {}),
        detail: detailOf(hit.link) ?? hit.id,
      },
    };
  }
  hit = findLink(links, TIMEOUT);
  if (hit) {
    const s = service();
    return network(
      'timeout',
      'ERR_S3ENC_CLI_TIMEOUT',
      'no answer (timed out) from',
      s,
      f,
      links,
      hit.link,
      `Check that ${setting(s)} is reachable from here (firewall, proxy, VPC endpoint); retries follow AWS_MAX_ATTEMPTS / max_attempts.`,
    );
  }
  return undefined;
}
