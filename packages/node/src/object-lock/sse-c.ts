/**
 * SSE-C request fields, built from the same key type `EncryptedS3Client` uses (../sse.ts), so
 * the key never appears in errors, logs or `inspect` output. The SDK checks the key MD5 header.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { enforceHttpsOnly } from '@s3enc/core';
import { toSseCustomerKey, type SseCustomerKeyInput } from '../sse.js';

/**
 * An SSE-C key must never travel in clear text, and these helpers take the caller's client:
 * hold that client to https before the key is put on any request (idempotent).
 */
function guard(s3: S3Client): void {
  enforceHttpsOnly(s3 as unknown as Parameters<typeof enforceHttpsOnly>[0]);
}

/** @internal Fields addressing an SSE-C object (GET/HEAD) or encrypting a new one (PUT/copy target). */
export function sseCParams(
  s3: S3Client,
  k: SseCustomerKeyInput | undefined,
): {
  SSECustomerAlgorithm?: string;
  SSECustomerKey?: string;
  SSECustomerKeyMD5?: string;
} {
  if (k === undefined) return {};
  guard(s3);
  return toSseCustomerKey(k).requestParams();
}

/** @internal Fields for reading an SSE-C copy source. */
export function copySourceSseCParams(
  s3: S3Client,
  k: SseCustomerKeyInput | undefined,
): {
  CopySourceSSECustomerAlgorithm?: string;
  CopySourceSSECustomerKey?: string;
  CopySourceSSECustomerKeyMD5?: string;
} {
  if (k === undefined) return {};
  guard(s3);
  const p = toSseCustomerKey(k).requestParams();
  return {
    CopySourceSSECustomerAlgorithm: p.SSECustomerAlgorithm,
    CopySourceSSECustomerKey: p.SSECustomerKey,
    CopySourceSSECustomerKeyMD5: p.SSECustomerKeyMD5,
  };
}
