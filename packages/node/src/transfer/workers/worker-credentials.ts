/**
 * Credentials inside a transfer worker: asked of the coordinating thread, which resolves them
 * through its own S3 client's provider chain (so a worker never runs IMDS, SSO or profile
 * lookups of its own), and kept until five minutes before they expire. @internal
 */
import type { AwsCredentialIdentity } from '@smithy/types';
import {
  errorFromRecord,
  type ErrorRecord,
  type FromWorker,
  type WorkerCredentials,
} from './messages.js';

/** Refresh this long before the expiration the coordinator reported. */
const REFRESH_BEFORE_MS = 5 * 60 * 1000;

/** A credential provider for the worker's S3 client, and the handler of the coordinator's answers. */
export function credentialsFromCoordinator(post: (m: FromWorker) => void): {
  provider: () => Promise<AwsCredentialIdentity>;
  answer(requestId: number, identity?: WorkerCredentials, error?: ErrorRecord): void;
  /** Fails what is still waiting (the worker is closing). */
  close(): void;
} {
  const waiting = new Map<
    number,
    { resolve: (c: AwsCredentialIdentity) => void; reject: (e: Error) => void }
  >();
  let next = 0;
  let held: Promise<AwsCredentialIdentity> | undefined;
  let expiresAt = Infinity;
  const ask = () =>
    new Promise<AwsCredentialIdentity>((resolve, reject) => {
      const requestId = ++next;
      waiting.set(requestId, { resolve, reject });
      post({ type: 'need-credentials', requestId });
    });
  return {
    provider: () => {
      if (held === undefined || Date.now() >= expiresAt - REFRESH_BEFORE_MS) {
        held = ask().then(
          (c) => {
            expiresAt = c.expiration?.getTime() ?? Infinity;
            return c;
          },
          (err: unknown) => {
            held = undefined;
            throw err;
          },
        );
      }
      return held;
    },
    answer(requestId, identity, error) {
      const w = waiting.get(requestId);
      if (w === undefined) return;
      waiting.delete(requestId);
      if (identity !== undefined) w.resolve(identity);
      else
        w.reject(
          errorFromRecord(error ?? { cls: 'Error', code: undefined, message: 'no credentials' }),
        );
    },
    close() {
      for (const w of waiting.values()) w.reject(new Error('the worker is closing'));
      waiting.clear();
    },
  };
}
