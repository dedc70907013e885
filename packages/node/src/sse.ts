/**
 * Server-side encryption as a second layer (SSE-KMS, SSE-S3, SSE-C), validated before any
 * request. An SSE-C key is held in a {@link SseCustomerKey} whose `inspect`, `toJSON` and
 * `toString` never show the key.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { decodeKey256, InvalidArgumentError, wipe } from '@s3enc/core';

/** Where an SSE-C key comes from: 32 raw bytes, a file holding them (raw, hex or base64), or an environment variable (hex or base64). */
export type SseCustomerKeyInput = Uint8Array | { file: string } | { env: string } | SseCustomerKey;

/** Server-side encryption for `put`. */
export type ServerSideEncryption =
  | {
      type: 'SSE-KMS';
      keyId?: string | undefined;
      bucketKey?: boolean | undefined;
      context?: Record<string, string> | undefined;
    }
  | { type: 'SSE-S3' }
  | { type: 'SSE-C'; key: SseCustomerKeyInput };

/** An SSE-C key. Its bytes are reachable only by s3enc; printing it shows `[SseCustomerKey redacted]`. */
export class SseCustomerKey {
  // A #private field: not an own property, so spreads, Object.assign, structuredClone and
  // inspect (even with customInspect: false) never reach it.
  readonly #key: Buffer;
  #destroyed = false;
  /** Base64 MD5 of the key, as S3 wants it (not secret: S3 returns it). */
  readonly md5: string;

  /**
   * @throws InvalidArgumentError (`ERR_S3ENC_INVALID_SSE_C_KEY`) unless the key is 32 bytes.
   */
  constructor(input: Exclude<SseCustomerKeyInput, SseCustomerKey>) {
    // One decoder for every key a person gives (core's key-material.ts): raw bytes in code;
    // raw, hex or base64 in a file; hex or base64 in a variable.
    const code = 'ERR_S3ENC_INVALID_SSE_C_KEY';
    let bytes: Buffer;
    if (input instanceof Uint8Array) {
      bytes = decodeKey256(input, { accept: ['raw'], code, what: 'SSE-C key' });
    } else if ('file' in input && typeof input.file === 'string') {
      let raw: Buffer;
      try {
        raw = readFileSync(input.file);
      } catch (cause) {
        throw new InvalidArgumentError('SSE-C key file cannot be read', { cause, code });
      }
      try {
        bytes = decodeKey256(raw, { code, what: 'SSE-C key file' });
      } finally {
        wipe(raw); // a text key file is the key too
      }
    } else if ('env' in input && typeof input.env === 'string') {
      const v = process.env[input.env];
      if (v === undefined || v === '') {
        throw new InvalidArgumentError(`SSE-C key variable ${input.env} is not set`, { code });
      }
      bytes = decodeKey256(v, { accept: ['hex', 'base64'], code, what: 'SSE-C key variable' });
    } else {
      throw new InvalidArgumentError('SSE-C key must be 32 bytes, { file } or { env }', { code });
    }
    this.#key = bytes;
    this.md5 = createHash('md5').update(bytes).digest('base64');
  }

  /** @internal The request parameters; only for building S3 requests. */
  requestParams(): {
    SSECustomerAlgorithm: 'AES256';
    SSECustomerKey: string;
    SSECustomerKeyMD5: string;
  } {
    return {
      SSECustomerAlgorithm: 'AES256',
      SSECustomerKey: this.#bytes().toString('base64'),
      SSECustomerKeyMD5: this.md5,
    };
  }

  /** Zeroes the key; the object cannot be used for requests afterwards. Idempotent. */
  destroy(): void {
    this.#destroyed = true;
    wipe(this.#key);
  }

  #bytes(): Buffer {
    if (this.#destroyed) {
      throw new InvalidArgumentError('the SSE-C key was destroyed', {
        code: 'ERR_S3ENC_INVALID_SSE_C_KEY',
      });
    }
    return this.#key;
  }

  toJSON(): string {
    return '[SseCustomerKey redacted]';
  }
  toString(): string {
    return '[SseCustomerKey redacted]';
  }
  [inspect.custom](): string {
    return '[SseCustomerKey redacted]';
  }
}

/** Turns any SSE-C key input into a key object. @throws InvalidArgumentError. */
export function toSseCustomerKey(input: SseCustomerKeyInput): SseCustomerKey {
  return input instanceof SseCustomerKey ? input : new SseCustomerKey(input);
}

/**
 * The SSE-C request fields for a key input. A key object made here from bytes, a file or a
 * variable is destroyed (its buffer zeroed) at once: only the fields travel on, computed once
 * per transfer. A caller's own {@link SseCustomerKey} is left to the caller.
 * @throws InvalidArgumentError (`ERR_S3ENC_INVALID_SSE_C_KEY`).
 * @internal
 */
export function sseCustomerKeyParams(
  input: SseCustomerKeyInput,
): ReturnType<SseCustomerKey['requestParams']> {
  const key = toSseCustomerKey(input);
  try {
    return key.requestParams();
  } finally {
    if (key !== input) key.destroy();
  }
}

/** S3 request fields for SSE, split by where they go. @internal */
export interface SseParams {
  /** PutObject / CreateMultipartUpload. */
  create: Record<string, string | boolean>;
  /** UploadPart (SSE-C only) and GetObject/HeadObject of the written object. */
  perRequest: Record<string, string>;
  /** What `put` reports. */
  summary:
    { type: 'SSE-KMS' | 'SSE-S3' | 'SSE-C'; kmsKeyId?: string; bucketKey?: boolean } | undefined;
}

/**
 * Validates an SSE option and builds the request fields.
 * @throws InvalidArgumentError (`ERR_S3ENC_INVALID_SSE`) for an unknown type, a bad key id or
 *   context; (`ERR_S3ENC_INVALID_SSE_C_KEY`) for a bad SSE-C key.
 */
export function resolveSse(sse: ServerSideEncryption | undefined): SseParams {
  if (sse === undefined) return { create: {}, perRequest: {}, summary: undefined };
  if (typeof sse !== 'object' || sse === null) {
    throw new InvalidArgumentError('sse must be an object with a type', {
      code: 'ERR_S3ENC_INVALID_SSE',
    });
  }
  switch (sse.type) {
    case 'SSE-S3':
      return {
        create: { ServerSideEncryption: 'AES256' },
        perRequest: {},
        summary: { type: 'SSE-S3' },
      };
    case 'SSE-KMS': {
      const create: Record<string, string | boolean> = { ServerSideEncryption: 'aws:kms' };
      if (sse.keyId !== undefined) {
        if (typeof sse.keyId !== 'string' || sse.keyId === '') {
          throw new InvalidArgumentError('sse.keyId must be a non-empty string', {
            code: 'ERR_S3ENC_INVALID_SSE',
          });
        }
        create.SSEKMSKeyId = sse.keyId;
      }
      if (sse.bucketKey !== undefined) create.BucketKeyEnabled = sse.bucketKey;
      if (sse.context !== undefined) {
        if (
          typeof sse.context !== 'object' ||
          sse.context === null ||
          Object.values(sse.context).some((v) => typeof v !== 'string')
        ) {
          throw new InvalidArgumentError('sse.context must map strings to strings', {
            code: 'ERR_S3ENC_INVALID_SSE',
          });
        }
        create.SSEKMSEncryptionContext = Buffer.from(JSON.stringify(sse.context)).toString(
          'base64',
        );
      }
      const summary: SseParams['summary'] = { type: 'SSE-KMS' };
      if (sse.keyId !== undefined) summary.kmsKeyId = sse.keyId;
      if (sse.bucketKey !== undefined) summary.bucketKey = sse.bucketKey;
      return { create, perRequest: {}, summary };
    }
    case 'SSE-C': {
      const p = sseCustomerKeyParams(sse.key);
      return { create: { ...p }, perRequest: { ...p }, summary: { type: 'SSE-C' } };
    }
    default:
      throw new InvalidArgumentError(`unknown sse.type; use 'SSE-KMS', 'SSE-S3' or 'SSE-C'`, {
        code: 'ERR_S3ENC_INVALID_SSE',
      });
  }
}
