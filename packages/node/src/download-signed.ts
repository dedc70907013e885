/**
 * Reading messages in a signed suite (0x0578 — the official library's default — and older
 * signed suites). Their signature footer covers the whole message, so frames cannot be
 * released one by one as the parallel reader does, and a byte range cannot be authenticated
 * at all. They are read sequentially, pinned to the object first seen, through core's
 * `decryptStream`, and no plaintext reaches the caller before the signature verifies:
 *
 * - stream target (`get`): the plaintext is held in memory until then, up to
 *   `maxSignedPlaintextInMemory` (default 64 MiB; a larger object is refused before any KMS call,
 *   with a message pointing at `getToFile`);
 * - file target (`getToFile`): written to the private temporary file (mode 0600), which is
 *   renamed only after the signature verified and removed otherwise.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import {
  decryptStream,
  FormatError,
  InvalidArgumentError,
  S3RequestError,
  plaintextSize as plaintextSizeOf,
} from '@s3enc/core';
import type { ClientContext } from './context.js';
import {
  GET_CODES,
  readBody,
  signedBodySize,
  type GetOptions,
  type OpenedObject,
  type PreparedRead,
} from './download.js';
import { toS3Error, withRetries } from './s3-errors.js';

/** Default cap on a signed message's plaintext held in memory by `get`. */
export const DEFAULT_MAX_SIGNED_PLAINTEXT_IN_MEMORY = 64 * 1024 * 1024;

/** Where the plaintext goes: decides whether unverified plaintext may be staged. */
export type ReadTarget = 'stream' | 'file';

/** @internal Prepares a sequential, signature-verified read of a signed message. */
export async function signedRead(
  ctx: ClientContext,
  opened: OpenedObject,
  o: GetOptions,
  chunkSize: number,
  target: ReadTarget,
): Promise<PreparedRead> {
  const { facts, pin, ssec } = opened;
  const header = opened.header!;
  if (o.range !== undefined) {
    throw new FormatError(
      'ERR_S3ENC_SIGNED_MESSAGE',
      'The object uses a signed algorithm suite: its signature covers the whole message, so a byte range of it cannot be authenticated. Read the whole object.',
    );
  }
  const C = facts.storedSize;
  const P = plaintextSizeOf(
    await signedBodySize(ctx, opened, o.signal),
    header.info.frameLength,
    header.headerLength,
  );
  const cap = o.maxSignedPlaintextInMemory ?? DEFAULT_MAX_SIGNED_PLAINTEXT_IN_MEMORY;
  if (target === 'stream' && P > cap) {
    throw new InvalidArgumentError(
      `The object uses a signed algorithm suite and holds ${P} bytes of plaintext: get would have to keep it all in memory until the signature verifies (limit ${cap}). Use getToFile, or raise maxSignedPlaintextInMemory.`,
      { code: 'ERR_S3ENC_SIGNED_MESSAGE_TOO_LARGE' },
    );
  }

  const fetch = async (start: number, end: number): Promise<Buffer> => {
    const bytes = await withRetries(
      async () => {
        const res = await ctx.s3.send(
          new GetObjectCommand({
            Bucket: facts.bucket,
            Key: facts.key,
            Range: `bytes=${start}-${end - 1}`,
            ...pin,
            ...ssec,
          }),
          { abortSignal: o.signal },
        );
        return readBody(res);
      },
      4,
      o.signal,
    ).catch((err: unknown) => {
      throw toS3Error(err, 'GetObject', GET_CODES, o.signal);
    });
    if (bytes.length !== end - start)
      throw new S3RequestError('ERR_S3ENC_S3_REQUEST', 'GetObject returned a short range');
    return bytes;
  };
  async function* ciphertext(): AsyncGenerator<Buffer> {
    yield opened.head.subarray(0, Math.min(opened.head.length, C));
    for (let off = opened.head.length; off < C; off += chunkSize) {
      yield await fetch(off, Math.min(C, off + chunkSize));
    }
  }

  const d = ctx.defaults;
  const commitmentPolicy = o.commitmentPolicy ?? d.commitmentPolicy;
  const maxEncryptedDataKeys = o.maxEncryptedDataKeys ?? d.maxEncryptedDataKeys;
  const plain = decryptStream(ciphertext(), {
    keyring: ctx.keyring,
    ...(o.encryptionContext !== undefined
      ? { requiredEncryptionContext: o.encryptionContext }
      : {}),
    ...(commitmentPolicy !== undefined ? { commitmentPolicy } : {}),
    ...(maxEncryptedDataKeys !== undefined ? { maxEncryptedDataKeys } : {}),
    // Only into the private temporary file, which is renamed after the signature verified.
    releaseUnverifiedPlaintext: target === 'file',
  });
  // Errors after this point surface through the iterator in chunks(); without a listener an
  // 'error' event before the consumer starts would be thrown as unhandled.
  plain.on('error', () => undefined);
  // As on the parallel path, the data key is unwrapped (and the header authenticated) before
  // get resolves: a wrong key or context rejects here, not later in the body.
  await new Promise<void>((resolve, reject) => {
    const onError = (e: unknown) => {
      reject(e instanceof Error ? e : new Error(String(e)));
    };
    plain.once('header', () => {
      plain.off('error', onError);
      resolve();
    });
    plain.once('error', onError);
    plain.read(0);
  });
  return {
    facts,
    encrypted: true,
    header: header.info,
    plaintextSize: P,
    range: { start: 0, end: P },
    async *chunks() {
      let offset = 0;
      try {
        for await (const c of plain) {
          const data = c as Buffer;
          yield { offset, data };
          offset += data.length;
        }
      } finally {
        plain.destroy();
      }
    },
    close() {
      plain.destroy();
    },
  };
}
