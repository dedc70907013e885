/**
 * SSE-C request fields, built from the same key type `EncryptedS3Client` uses (../sse.ts), so
 * the key never appears in errors, logs or `inspect` output. The SDK checks the key MD5 header.
 */
import { toSseCustomerKey, type SseCustomerKeyInput } from '../sse.js';

/** @internal Fields addressing an SSE-C object (GET/HEAD) or encrypting a new one (PUT/copy target). */
export function sseCParams(k: SseCustomerKeyInput | undefined): {
  SSECustomerAlgorithm?: string;
  SSECustomerKey?: string;
  SSECustomerKeyMD5?: string;
} {
  if (k === undefined) return {};
  return toSseCustomerKey(k).requestParams();
}

/** @internal Fields for reading an SSE-C copy source. */
export function copySourceSseCParams(k: SseCustomerKeyInput | undefined): {
  CopySourceSSECustomerAlgorithm?: string;
  CopySourceSSECustomerKey?: string;
  CopySourceSSECustomerKeyMD5?: string;
} {
  if (k === undefined) return {};
  const p = toSseCustomerKey(k).requestParams();
  return {
    CopySourceSSECustomerAlgorithm: p.SSECustomerAlgorithm,
    CopySourceSSECustomerKey: p.SSECustomerKey,
    CopySourceSSECustomerKeyMD5: p.SSECustomerKeyMD5,
  };
}
