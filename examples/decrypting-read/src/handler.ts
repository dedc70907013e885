/**
 * Decrypting read: a Lambda function URL (response streaming) that returns the plaintext of an
 * s3enc object, or a byte range of it (`Range: bytes=a-b`), streamed as it is authenticated.
 * Only the frames covering the range are fetched; each frame is verified before any of its
 * plaintext is sent. An integrity failure before the first byte answers 502; after it, the
 * response is cut short (the client sees a truncated body, never unauthenticated bytes).
 *
 * Request: GET /<key>[?versionId=…] with an optional Range header. The bucket is fixed by
 * configuration; callers never choose it. Configuration (environment): BUCKET, KMS_KEY_ARN,
 * optional CONTEXT_JSON (encryption context pairs every object must carry). On premises / in
 * tests also AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_KMS, AWS_CA_BUNDLE.
 */
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { S3Client } from '@aws-sdk/client-s3';
import { KMSClient } from '@aws-sdk/client-kms';
import { kmsKeyring, S3EncError } from '@s3enc/core';
import { EncryptedS3Client, buildKmsClientConfig, buildS3ClientConfig } from '@s3enc/node';

/** The parts of a Lambda function URL event (payload format 2.0) this handler reads. */
export interface FunctionUrlEvent {
  rawPath: string;
  headers?: Record<string, string | undefined>;
  queryStringParameters?: Record<string, string | undefined>;
  requestContext: { http: { method: string } };
}

export interface ResponseMetadata {
  statusCode: number;
  headers: Record<string, string>;
}

/** What `awslambda.HttpResponseStream` provides: attaches status and headers to the stream. */
export interface HttpResponseStreamLike {
  from(stream: Writable, metadata: ResponseMetadata): Writable;
}

export interface ReadConfig {
  bucket: string;
  kmsKeyArn: string;
  encryptionContext: Record<string, string> | undefined;
  s3: S3Client;
  kms: KMSClient;
}

export function configFromEnv(env: Record<string, string | undefined> = process.env): ReadConfig {
  const need = (k: string) => {
    const v = env[k];
    if (v === undefined || v === '') throw new Error(`environment variable ${k} is required`);
    return v;
  };
  const ca = env.AWS_CA_BUNDLE || undefined;
  const s3Endpoint = env.AWS_ENDPOINT_URL_S3 || undefined;
  return {
    bucket: need('BUCKET'),
    kmsKeyArn: need('KMS_KEY_ARN'),
    encryptionContext: env.CONTEXT_JSON
      ? (JSON.parse(env.CONTEXT_JSON) as Record<string, string>)
      : undefined,
    s3: new S3Client(
      buildS3ClientConfig({
        region: env.AWS_REGION,
        endpoint: s3Endpoint,
        forcePathStyle: s3Endpoint !== undefined,
        ca,
      }),
    ),
    kms: new KMSClient(
      buildKmsClientConfig({
        region: env.AWS_REGION,
        endpoint: env.AWS_ENDPOINT_URL_KMS || undefined,
        ca,
      }),
    ),
  };
}

type RangeSpec = { first: number; last?: number } | { suffix: number };

/** Parses a single-range `Range: bytes=…` header (inclusive). Undefined = not a usable range. */
export function parseRangeHeader(h: string): RangeSpec | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(h.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') return { suffix: Number(m[2]) };
  const first = Number(m[1]);
  if (m[2] === '') return { first };
  const last = Number(m[2]);
  return last < first ? undefined : { first, last };
}

function json(
  http: HttpResponseStreamLike,
  out: Writable,
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const s = http.from(out, {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
  });
  s.end(JSON.stringify(body));
}

const STATUS_FOR_CODE: Record<string, number> = {
  ERR_S3ENC_NO_SUCH_KEY: 404,
  ERR_S3ENC_NO_SUCH_VERSION: 404,
  ERR_S3ENC_NOT_ENCRYPTED: 415,
  ERR_S3ENC_ACCESS_DENIED: 403,
};

/**
 * Builds the streaming handler. `http` is `awslambda.HttpResponseStream` in Lambda; tests pass
 * their own to capture the status and headers.
 */
export function createStreamingHandler(cfg: ReadConfig, http: HttpResponseStreamLike) {
  const client = new EncryptedS3Client({
    s3: cfg.s3,
    keyring: kmsKeyring({ generatorKeyId: cfg.kmsKeyArn, clientProvider: () => cfg.kms }),
  });
  return async (event: FunctionUrlEvent, responseStream: Writable): Promise<void> => {
    const method = event.requestContext.http.method;
    if (method !== 'GET' && method !== 'HEAD') {
      json(http, responseStream, 405, { error: 'method not allowed' }, { allow: 'GET, HEAD' });
      return;
    }
    let key: string;
    try {
      key = decodeURIComponent(event.rawPath.replace(/^\/+/, ''));
    } catch {
      key = '';
    }
    if (key === '') {
      json(http, responseStream, 400, { error: 'GET /<key>' });
      return;
    }
    const versionId = event.queryStringParameters?.versionId || undefined;
    const rangeHeader = event.headers?.range ?? event.headers?.Range;
    let started = false;
    try {
      // HEAD reads the envelope (no key unwrapped) and pins the version for the read.
      const h = await client.head(cfg.bucket, key, versionId ? { versionId } : {});
      // S3 Encryption Client objects authenticate only whole: this handler serves s3enc ranges.
      if (!h.encrypted || h.envelope.format !== 'aws-encryption-sdk') {
        json(http, responseStream, 415, { error: 'not an s3enc object' });
        return;
      }
      const size = h.envelope.plaintextSize;
      let range: { start: number; end: number } | undefined;
      if (rangeHeader !== undefined) {
        const spec = parseRangeHeader(rangeHeader);
        if (spec !== undefined) {
          const start = 'suffix' in spec ? Math.max(0, size - spec.suffix) : spec.first;
          const end = 'suffix' in spec ? size : Math.min(size, (spec.last ?? size - 1) + 1);
          if (start >= size || end <= start) {
            json(
              http,
              responseStream,
              416,
              { error: 'range not satisfiable' },
              { 'content-range': `bytes */${size}` },
            );
            return;
          }
          range = { start, end };
        }
        // An unparseable Range header is ignored, as HTTP says: the whole object is sent.
      }
      const headers: Record<string, string> = {
        'content-type': 'application/octet-stream',
        'accept-ranges': 'bytes',
        'cache-control': 'no-store',
        ...(h.versionId ? { 'x-amz-version-id': h.versionId } : {}),
      };
      if (method === 'HEAD') {
        http
          .from(responseStream, {
            statusCode: 200,
            headers: { ...headers, 'content-length': String(size) },
          })
          .end();
        return;
      }
      const got = await client.get(cfg.bucket, key, {
        ...(h.versionId ? { versionId: h.versionId } : {}),
        ...(range ? { range } : {}),
        ...(cfg.encryptionContext ? { encryptionContext: cfg.encryptionContext } : {}),
      });
      // Wait for the first authenticated chunk before committing to a 200/206.
      const it = got.body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
      const first = await it.next();
      const length = got.range.end - got.range.start;
      started = true;
      const out = http.from(responseStream, {
        statusCode: range ? 206 : 200,
        headers: {
          ...headers,
          'content-length': String(length),
          ...(range
            ? { 'content-range': `bytes ${got.range.start}-${got.range.end - 1}/${size}` }
            : {}),
        },
      });
      const rest = Readable.from(
        (async function* () {
          if (first.done !== true) yield first.value;
          for (;;) {
            const n = await it.next();
            if (n.done === true) return;
            yield n.value;
          }
        })(),
      );
      await pipeline(rest, out);
    } catch (e) {
      const code = e instanceof S3EncError ? e.code : undefined;
      const status = code !== undefined ? STATUS_FOR_CODE[code] : undefined;
      console.error(JSON.stringify({ msg: 'read failed', key, code: code ?? (e as Error).name }));
      // Once the status line is out, the only honest signal left is to cut the body short.
      if (started) {
        responseStream.destroy(e as Error);
        return;
      }
      if (status !== undefined) {
        json(http, responseStream, status, { error: code });
        return;
      }
      // Integrity and key errors: generic, no detail that helps an attacker.
      json(http, responseStream, 502, {
        error: 'the object could not be authenticated or decrypted',
      });
    }
  };
}

/** The Lambda runtime's global (present only inside Lambda, or where a test provides it). */
declare const awslambda:
  | {
      streamifyResponse(
        h: (event: FunctionUrlEvent, responseStream: Writable) => Promise<void>,
      ): unknown;
      HttpResponseStream: HttpResponseStreamLike;
    }
  | undefined;

/**
 * The Lambda entry point (response streaming). Configured, with its SDK clients, at module
 * scope: once per execution environment, during Lambda's init phase, and reused by every
 * invocation (a bad configuration fails the init).
 */
export const handler: unknown =
  typeof awslambda === 'undefined'
    ? undefined
    : awslambda.streamifyResponse(
        createStreamingHandler(configFromEnv(), awslambda.HttpResponseStream),
      );
