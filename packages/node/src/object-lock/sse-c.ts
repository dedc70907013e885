/**
 * SSE-C (customer-provided server-side encryption key) request fields. The key itself never
 * appears in errors or logs; the AWS SDK adds the key MD5 header.
 */
import { argError } from './errors.js';

/** An SSE-C key: exactly 32 bytes (AES-256). */
export interface SseCustomerKey {
  key: Uint8Array;
}

/** @internal */
export function sseCKeyBase64(k: SseCustomerKey, what: string): string {
  if (k === null || typeof k !== 'object' || !(k.key instanceof Uint8Array) || k.key.byteLength !== 32) {
    throw argError('ERR_S3ENC_INVALID_ARGUMENT', `${what} must be { key: Uint8Array } holding exactly 32 bytes`);
  }
  return Buffer.from(k.key.buffer, k.key.byteOffset, k.key.byteLength).toString('base64');
}

/** @internal Fields addressing an SSE-C object (GET/HEAD) or encrypting a new one (PUT/copy target). */
export function sseCParams(k: SseCustomerKey | undefined): { SSECustomerAlgorithm?: string; SSECustomerKey?: string } {
  if (k === undefined) return {};
  return { SSECustomerAlgorithm: 'AES256', SSECustomerKey: sseCKeyBase64(k, 'sseCustomerKey') };
}

/** @internal Fields for reading an SSE-C copy source. */
export function copySourceSseCParams(
  k: SseCustomerKey | undefined,
): { CopySourceSSECustomerAlgorithm?: string; CopySourceSSECustomerKey?: string } {
  if (k === undefined) return {};
  return {
    CopySourceSSECustomerAlgorithm: 'AES256',
    CopySourceSSECustomerKey: sseCKeyBase64(k, 'sourceSseCustomerKey'),
  };
}
