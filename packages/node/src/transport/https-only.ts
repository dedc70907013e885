/**
 * A middleware that refuses any request that is not `https:`, for S3/KMS clients the caller
 * built (s3enc cannot swap their handler, but it can stop clear-text requests before a byte
 * is sent).
 */
import type { FinalizeRequestMiddleware, Pluggable } from '@smithy/types';
import { InsecureTransportError } from '@s3enc/core';

const NAME = 's3encHttpsOnly';

const middleware: FinalizeRequestMiddleware<object, object> = (next) => async (args) => {
  const req = args.request as { protocol?: string } | undefined;
  if (req?.protocol !== undefined && req.protocol !== 'https:' && req.protocol !== 'https') {
    throw new InsecureTransportError('refusing a request that is not https://');
  }
  return next(args);
};

/** The plugin form, for `client.middlewareStack.use(...)`. */
export const httpsOnlyPlugin: Pluggable<object, object> = {
  applyToStack(stack) {
    stack.add(middleware, {
      step: 'finalizeRequest',
      name: NAME,
      priority: 'high',
      override: true,
    });
  },
};

/** Installs {@link httpsOnlyPlugin} on a client once. */
export function enforceHttpsOnly<I extends object, O extends object>(client: {
  middlewareStack: { use(p: Pluggable<I, O>): void };
}): void {
  client.middlewareStack.use(httpsOnlyPlugin as unknown as Pluggable<I, O>);
}
