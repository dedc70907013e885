/**
 * A client whose Region cannot be resolved fails on its first request with an untyped SDK
 * error. Wrapping the client's Region provider turns any failure to resolve it into a typed
 * usage error (ERR_S3ENC_CLI_NO_REGION), so the error boundary classifies it by code rather
 * than by the SDK's message text.
 */
import { UsageError } from './cli-errors.js';

/** Anything with an AWS SDK v3 resolved Region provider. */
interface WithRegionProvider {
  config: { region: () => Promise<string> };
}

/** Makes `client` raise UsageError (ERR_S3ENC_CLI_NO_REGION) when it has no Region. Returns it. */
export function requireRegion<C extends WithRegionProvider>(client: C): C {
  const resolve = client.config.region;
  client.config.region = async () => {
    try {
      return await resolve();
    } catch (cause) {
      throw new UsageError('no AWS Region configured', 'ERR_S3ENC_CLI_NO_REGION', { cause });
    }
  };
  return client;
}
