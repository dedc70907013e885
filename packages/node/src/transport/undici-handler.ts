/**
 * An AWS SDK v3 request handler on undici: HTTPS only, TLS >= 1.2, certificates always
 * verified, a keep-alive pool per origin sized to the transfer concurrency.
 */
import type { Readable } from 'node:stream';
import { Agent, type Dispatcher } from 'undici';
import { HttpResponse, type HttpHandler, type HttpRequest } from '@smithy/protocol-http';
import type { HttpHandlerOptions } from '@smithy/types';
import { InsecureTransportError } from '@s3enc/core';
import { resolveTls, type ResolvedTls, type TlsOptions } from './tls-policy.js';

/** Options of {@link UndiciHttpHandler}. */
export interface UndiciHttpHandlerOptions extends TlsOptions {
  /** Keep-alive connections per origin; set it to the transfer concurrency (+ a few). Default 16. */
  connections?: number | undefined;
  /** Milliseconds to establish a TLS connection. Default 10 000. */
  connectTimeout?: number | undefined;
  /** Milliseconds without response headers / body bytes before the request fails. Default 60 000. */
  requestTimeout?: number | undefined;
  /** Idle keep-alive socket lifetime in milliseconds. Default 4 000 (below S3's idle close). */
  keepAliveTimeout?: number | undefined;
}

type Config = Required<
  Pick<
    UndiciHttpHandlerOptions,
    'connections' | 'connectTimeout' | 'requestTimeout' | 'keepAliveTimeout'
  >
> & {
  tls: ResolvedTls;
};

// undici refuses these request headers; the SDK may set them (Expect: 100-continue on large
// bodies). Content-Length stays: undici checks it against the body.
const DROPPED_HEADERS = new Set([
  'expect',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
]);

const SOCKET_CODES: Record<string, string> = {
  UND_ERR_SOCKET: 'ECONNRESET',
  UND_ERR_CLOSED: 'ECONNRESET',
  UND_ERR_CONNECT_TIMEOUT: 'ETIMEDOUT',
  UND_ERR_HEADERS_TIMEOUT: 'ETIMEDOUT',
  UND_ERR_BODY_TIMEOUT: 'ETIMEDOUT',
};

/**
 * Maps undici's error codes onto the Node codes the SDK's retry strategy treats as transient
 * (ECONNRESET, ETIMEDOUT), keeping the original as `cause`.
 */
function toSdkError(err: unknown): unknown {
  if (err === null || typeof err !== 'object') return err;
  const e = err as { code?: unknown; name?: unknown; message?: unknown };
  if (e.name === 'AbortError' || e.code === 'UND_ERR_ABORTED') {
    const a = new Error('Request aborted', { cause: err });
    a.name = 'AbortError';
    return a;
  }
  const mapped = typeof e.code === 'string' ? SOCKET_CODES[e.code] : undefined;
  if (mapped === undefined) return err;
  const out = new Error(typeof e.message === 'string' ? e.message : 'socket error', { cause: err });
  (out as Error & { code: string }).code = mapped;
  return out;
}

/**
 * The default request handler of s3enc.
 *
 * `handle` resolves with a response whose `body` is a Node `Readable`; it rejects with an
 * error the SDK's retry strategy classifies (ECONNRESET/ETIMEDOUT codes for socket failures),
 * or with {@link InsecureTransportError} if a request is not `https:` — checked again on every
 * request, even though endpoints are refused earlier at construction.
 */
export class UndiciHttpHandler implements HttpHandler<UndiciHttpHandlerOptions> {
  readonly metadata = { handlerProtocol: 'http/1.1' };
  private config: Config;
  private agent: Agent;

  /**
   * @throws InsecureTransportError when the options try to weaken TLS;
   *   InvalidArgumentError when the CA bundle cannot be read.
   */
  constructor(options: UndiciHttpHandlerOptions = {}) {
    this.config = {
      tls: resolveTls(options, 'UndiciHttpHandler'),
      connections: options.connections ?? 16,
      connectTimeout: options.connectTimeout ?? 10_000,
      requestTimeout: options.requestTimeout ?? 60_000,
      keepAliveTimeout: options.keepAliveTimeout ?? 4_000,
    };
    this.agent = this.makeAgent();
  }

  private makeAgent(): Agent {
    const c = this.config;
    return new Agent({
      connections: c.connections,
      pipelining: 1,
      keepAliveTimeout: c.keepAliveTimeout,
      keepAliveMaxTimeout: Math.max(c.keepAliveTimeout, 10_000),
      headersTimeout: c.requestTimeout,
      bodyTimeout: c.requestTimeout,
      connectTimeout: c.connectTimeout,
      connect: {
        ca: c.tls.ca,
        minVersion: c.tls.minVersion,
        rejectUnauthorized: true,
      },
    });
  }

  /** The number of keep-alive connections per origin this handler allows. */
  get connections(): number {
    return this.config.connections;
  }

  async handle(
    request: HttpRequest,
    options: HttpHandlerOptions = {},
  ): Promise<{ response: HttpResponse }> {
    if (request.protocol !== 'https:' && request.protocol !== 'https') {
      throw new InsecureTransportError('refusing a request that is not https://');
    }
    const signal = options.abortSignal as AbortSignal | undefined;
    if (signal?.aborted === true) {
      const a = new Error('Request aborted');
      a.name = 'AbortError';
      throw a;
    }
    const port = request.port === undefined ? '' : `:${request.port}`;
    const origin = `https://${request.hostname}${port}`;
    let path = request.path;
    const qs = buildQueryString(request.query);
    if (qs !== '') path += `?${qs}`;
    if (request.fragment !== undefined && request.fragment !== '') path += `#${request.fragment}`;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(request.headers)) {
      if (DROPPED_HEADERS.has(k.toLowerCase())) continue;
      headers[k] = v;
    }
    const body = request.body as Dispatcher.DispatchOptions['body'];
    let res: Dispatcher.ResponseData;
    try {
      res = await this.agent.request({
        origin,
        path,
        method: request.method,
        headers,
        body: body ?? null,
        signal: signal ?? null,
        headersTimeout: options.requestTimeout ?? this.config.requestTimeout,
        bodyTimeout: options.requestTimeout ?? this.config.requestTimeout,
      });
    } catch (err) {
      throw toSdkError(err);
    }
    const outHeaders: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) {
      if (v === undefined) continue;
      outHeaders[k] = Array.isArray(v) ? v.join(', ') : v;
    }
    const stream = res.body as unknown as Readable;
    // Socket errors surfacing while the caller reads the body carry the same retryable codes.
    const origEmit = stream.emit.bind(stream);
    stream.emit = ((event: string | symbol, ...args: unknown[]) => {
      if (event === 'error') return origEmit(event, toSdkError(args[0]));
      return origEmit(event, ...args);
    }) as typeof stream.emit;
    return {
      response: new HttpResponse({ statusCode: res.statusCode, headers: outHeaders, body: stream }),
    };
  }

  updateHttpClientConfig(
    key: keyof UndiciHttpHandlerOptions,
    value: UndiciHttpHandlerOptions[typeof key],
  ): void {
    const next: UndiciHttpHandlerOptions = {
      ...this.httpHandlerConfigs(),
      [key]: value,
    };
    const old = this.agent;
    this.config = {
      tls: resolveTls(next, 'UndiciHttpHandler'),
      connections: next.connections ?? 16,
      connectTimeout: next.connectTimeout ?? 10_000,
      requestTimeout: next.requestTimeout ?? 60_000,
      keepAliveTimeout: next.keepAliveTimeout ?? 4_000,
    };
    this.agent = this.makeAgent();
    void old.close().catch(() => undefined);
  }

  httpHandlerConfigs(): UndiciHttpHandlerOptions {
    const { tls, ...rest } = this.config;
    return { ...rest, ca: tls.ca, minVersion: tls.minVersion };
  }

  /** Closes idle connections; in-flight requests are not interrupted. */
  destroy(): void {
    void this.agent.close().catch(() => undefined);
  }
}

function buildQueryString(query: HttpRequest['query']): string {
  const parts: string[] = [];
  for (const key of Object.keys(query).sort()) {
    const value = query[key];
    const k = escapeUri(key);
    if (Array.isArray(value)) {
      for (const v of value) parts.push(`${k}=${escapeUri(v)}`);
    } else {
      parts.push(value === null || value === undefined ? k : `${k}=${escapeUri(value)}`);
    }
  }
  return parts.join('&');
}

function escapeUri(s: string): string {
  return encodeURIComponent(s).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
