/**
 * The SDK's own `node:https` handler, hardened with the same policy as the undici handler,
 * so the two can be compared on speed alone (see bench/transfer-handlers.ts).
 */
import { Agent as HttpsAgent } from 'node:https';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { HttpHandler, HttpRequest, HttpResponse } from '@smithy/protocol-http';
import type { HttpHandlerOptions } from '@smithy/types';
import { InsecureTransportError, InvalidArgumentError } from '@s3enc/core';
import { resolveTls, type TlsOptions } from './tls-policy.js';

/** Options of {@link HardenedNodeHttpHandler}. */
export interface HardenedNodeHttpHandlerOptions extends TlsOptions {
  /** Keep-alive sockets per origin. Default 16. */
  connections?: number | undefined;
  /** Milliseconds to establish a connection. Default 10 000. */
  connectTimeout?: number | undefined;
  /** Milliseconds of socket inactivity before a request fails. Default 60 000. */
  requestTimeout?: number | undefined;
}

/**
 * `NodeHttpHandler` over an `https.Agent` that requires TLS >= 1.2 and verified certificates.
 * Any request that is not `https:` is refused with {@link InsecureTransportError} before a
 * socket is opened.
 */
export class HardenedNodeHttpHandler implements HttpHandler<HardenedNodeHttpHandlerOptions> {
  readonly metadata = { handlerProtocol: 'http/1.1' };
  private readonly inner: NodeHttpHandler;
  private readonly options: HardenedNodeHttpHandlerOptions;

  /** @throws InsecureTransportError when the options weaken TLS; InvalidArgumentError for an unreadable CA. */
  constructor(options: HardenedNodeHttpHandlerOptions = {}) {
    const tls = resolveTls(options, 'HardenedNodeHttpHandler');
    this.options = { ...options };
    const connections = options.connections ?? 16;
    const httpsAgent = new HttpsAgent({
      keepAlive: true,
      maxSockets: connections,
      maxFreeSockets: connections,
      ca: tls.ca,
      minVersion: tls.minVersion,
      rejectUnauthorized: true,
    });
    this.inner = new NodeHttpHandler({
      httpsAgent,
      connectionTimeout: options.connectTimeout ?? 10_000,
      requestTimeout: options.requestTimeout ?? 60_000,
    });
  }

  async handle(
    request: HttpRequest,
    options?: HttpHandlerOptions,
  ): Promise<{ response: HttpResponse }> {
    if (request.protocol !== 'https:' && request.protocol !== 'https') {
      throw new InsecureTransportError('refusing a request that is not https://');
    }
    return this.inner.handle(request, options);
  }

  updateHttpClientConfig(
    key: keyof HardenedNodeHttpHandlerOptions,
    value: HardenedNodeHttpHandlerOptions[typeof key],
  ): void {
    if (key === 'ca' || key === 'minVersion' || key === 'connections') {
      // The agent's TLS settings are fixed at construction, so they cannot drift from policy.
      throw new InvalidArgumentError(
        `HardenedNodeHttpHandler: '${key}' is fixed at construction; create a new handler`,
      );
    }
    (this.options as Record<string, unknown>)[key] = value;
    if (key === 'connectTimeout')
      this.inner.updateHttpClientConfig('connectionTimeout', value as number);
    if (key === 'requestTimeout')
      this.inner.updateHttpClientConfig('requestTimeout', value as number);
  }

  httpHandlerConfigs(): HardenedNodeHttpHandlerOptions {
    return { ...this.options };
  }

  destroy(): void {
    this.inner.destroy();
  }
}
