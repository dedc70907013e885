/**
 * Reads one bucket setting and classifies the failure, so one unreadable setting never fails
 * the whole audit: `NotImplemented` / `XNotImplemented` / HTTP 501 → unsupported by this
 * endpoint; `AccessDenied` / 403 → access denied; `NoSuch…Configuration` and the like → not
 * configured.
 */

/** The outcome of reading one setting. */
export type ReadOutcome<T> =
  | { readonly kind: 'ok'; readonly value: T }
  | { readonly kind: 'not-configured'; readonly code: string }
  | { readonly kind: 'unsupported'; readonly code: string }
  | { readonly kind: 'access-denied'; readonly code: string }
  | { readonly kind: 'error'; readonly code: string; readonly message: string };

interface SdkErrorLike {
  name?: unknown;
  Code?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

const NOT_CONFIGURED = new Set([
  'NoSuchBucketPolicy',
  'ServerSideEncryptionConfigurationNotFoundError',
  'ObjectLockConfigurationNotFoundError',
  'ReplicationConfigurationNotFoundError',
  'NoSuchLifecycleConfiguration',
  'NoSuchPublicAccessBlockConfiguration',
  'OwnershipControlsNotFoundError',
  'NoSuchConfiguration',
]);

/** Classifies an error thrown by an S3 / S3 Control / STS call. */
export function classifyError(err: unknown): Exclude<ReadOutcome<never>, { kind: 'ok' }> {
  const e = (typeof err === 'object' && err !== null ? err : {}) as SdkErrorLike;
  const code =
    typeof e.Code === 'string' ? e.Code : typeof e.name === 'string' && e.name !== 'Error' ? e.name : typeof e.code === 'string' ? e.code : 'Unknown';
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  if (code === 'NotImplemented' || code === 'XNotImplemented' || status === 501) return { kind: 'unsupported', code };
  if (code === 'AccessDenied' || code === 'AllAccessDisabled' || status === 403) return { kind: 'access-denied', code };
  if (NOT_CONFIGURED.has(code) || /^NoSuch.*(Configuration|Policy)$/.test(code) || /ConfigurationNotFound(Error)?$/.test(code)) {
    return { kind: 'not-configured', code };
  }
  const message = typeof e.message === 'string' ? e.message : String(err);
  return { kind: 'error', code, message };
}

/** Runs `read` and classifies its failure. */
export async function readSetting<T>(read: () => Promise<T>): Promise<ReadOutcome<T>> {
  try {
    return { kind: 'ok', value: await read() };
  } catch (err) {
    return classifyError(err);
  }
}
