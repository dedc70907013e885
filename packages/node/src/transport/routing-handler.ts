/**
 * The default handler: request bodies (uploads) go through the hardened node:https handler,
 * everything else (downloads, small requests) through undici — the faster of the two for each
 * direction in bench/transfer-handlers.ts (docs/transfer.md, "Benchmarks"). Both enforce the
 * same transport policy.
 */
import type { HttpHandler, HttpRequest, HttpResponse } from '@smithy/protocol-http';
import type { HttpHandlerOptions } from '@smithy/types';
import { HardenedNodeHttpHandler } from './node-https-handler.js';
import type { TlsOptions } from './tls-policy.js';
import { UndiciHttpHandler } from './undici-handler.js';

/** Options of {@link RoutingHttpHandler}. */
export interface RoutingHttpHandlerOptions extends TlsOptions {
  connections?: number | undefined;
  connectTimeout?: number | undefined;
  requestTimeout?: number | undefined;
}

/** Bodies at least this large (or streamed) count as uploads. */
const UPLOAD_THRESHOLD = 256 * 1024;

function isUpload(request: HttpRequest): boolean {
  const body: unknown = request.body;
  if (body === undefined || body === null) return false;
  if (typeof body === 'string') return body.length >= UPLOAD_THRESHOLD;
  if (body instanceof Uint8Array) return body.byteLength >= UPLOAD_THRESHOLD;
  return true; // a stream
}

/** Routes uploads to {@link HardenedNodeHttpHandler} and the rest to {@link UndiciHttpHandler}. */
export class RoutingHttpHandler implements HttpHandler<RoutingHttpHandlerOptions> {
  readonly metadata = { handlerProtocol: 'http/1.1' };
  private readonly uploads: HardenedNodeHttpHandler;
  private readonly others: UndiciHttpHandler;
  private readonly options: RoutingHttpHandlerOptions;

  /** @throws InsecureTransportError when the options weaken TLS; InvalidArgumentError for an unreadable CA. */
  constructor(options: RoutingHttpHandlerOptions = {}) {
    this.options = { ...options };
    this.uploads = new HardenedNodeHttpHandler(options);
    this.others = new UndiciHttpHandler(options);
  }

  handle(request: HttpRequest, options?: HttpHandlerOptions): Promise<{ response: HttpResponse }> {
    return isUpload(request)
      ? this.uploads.handle(request, options)
      : this.others.handle(request, options);
  }

  updateHttpClientConfig(
    key: keyof RoutingHttpHandlerOptions,
    value: RoutingHttpHandlerOptions[typeof key],
  ): void {
    this.uploads.updateHttpClientConfig(key, value);
    this.others.updateHttpClientConfig(key, value);
    (this.options as Record<string, unknown>)[key] = value;
  }

  httpHandlerConfigs(): RoutingHttpHandlerOptions {
    return { ...this.options };
  }

  destroy(): void {
    this.uploads.destroy();
    this.others.destroy();
  }
}
