/**
 * An AWS SDK v3 middleware that refuses any request whose protocol is not `https:`, checked
 * at the last step before the request handler sends it. It covers endpoints that come from
 * anywhere (options, `AWS_ENDPOINT_URL*`, profiles), so clear text never leaves, even for a
 * client s3enc did not build. Structural types keep core free of SDK dependencies.
 */
import { InsecureTransportError } from './errors.js';

type Handler = (args: { request?: unknown }) => Promise<unknown>;
type Middleware = (next: Handler) => Handler;

/** Anything with an AWS SDK v3 middleware stack. */
export interface WithMiddlewareStack {
  middlewareStack: {
    add(
      m: Middleware,
      o: { step: 'finalizeRequest'; name: string; priority: 'high'; override: true },
    ): void;
  };
}

const NAME = 's3encHttpsOnly';

const httpsOnlyMiddleware: Middleware = (next) => async (args) => {
  const protocol = (args.request as { protocol?: unknown } | undefined)?.protocol;
  if (protocol !== undefined && protocol !== 'https:' && protocol !== 'https') {
    throw new InsecureTransportError('refusing a request that is not https://');
  }
  return next(args);
};

/** True when `client` looks like an AWS SDK v3 client (it has a middleware stack). */
export function hasMiddlewareStack(client: unknown): client is WithMiddlewareStack {
  const stack = (client as { middlewareStack?: { add?: unknown } } | null)?.middlewareStack;
  return typeof stack?.add === 'function';
}

/**
 * Installs the https-only middleware on an AWS SDK v3 client (idempotent: installing it twice
 * replaces it). Returns the client.
 */
export function enforceHttpsOnly<C extends WithMiddlewareStack>(client: C): C {
  client.middlewareStack.add(httpsOnlyMiddleware, {
    step: 'finalizeRequest',
    name: NAME,
    priority: 'high',
    override: true,
  });
  return client;
}
