/**
 * The https-only middleware for S3/KMS clients the caller built (s3enc cannot swap their
 * handler, but it can stop clear-text requests before a byte is sent). The middleware itself
 * is core's (`enforceHttpsOnly` from @s3enc/core); this module only adds the plugin form and
 * keeps the node package's export.
 */
import type { Pluggable } from '@smithy/types';
import { enforceHttpsOnly as coreEnforceHttpsOnly, type WithMiddlewareStack } from '@s3enc/core';

/** The plugin form, for `client.middlewareStack.use(...)`. */
export const httpsOnlyPlugin: Pluggable<object, object> = {
  applyToStack(stack) {
    coreEnforceHttpsOnly({ middlewareStack: stack } as unknown as WithMiddlewareStack);
  },
};

/** Installs core's https-only middleware on a client (idempotent: it replaces itself). */
export function enforceHttpsOnly<I extends object, O extends object>(client: {
  middlewareStack: { use(p: Pluggable<I, O>): void };
}): void {
  coreEnforceHttpsOnly(client as unknown as WithMiddlewareStack);
}
