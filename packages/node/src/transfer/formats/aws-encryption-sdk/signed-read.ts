/**
 * Reading messages in a signed suite (0x0578 — the official library's default — and older
 * signed suites). Their signature footer covers the whole message, so a byte range cannot be
 * authenticated and frames cannot be released one by one: the message is read sequentially
 * through core's `decryptStream` as a {@link WholeBodyRead}, whose plaintext the engine stages
 * until the signature has verified.
 * @internal
 */
import { decryptStream } from '@s3enc/core';
import type { ReadRequest, WholeBodyRead } from '../object-format.js';
import type { ParsedHeader } from './header-probe.js';

/**
 * Unwraps the data key (and authenticates the header) before resolving.
 * @throws KeyUnwrapError, FormatError, IntegrityError from the header.
 */
export async function prepareSignedRead(
  header: ParsedHeader,
  storedSize: number,
  plaintextSize: number,
  req: ReadRequest,
): Promise<WholeBodyRead> {
  const { reader, signal, chunkSize } = req;
  const C = storedSize;
  async function* ciphertext(): AsyncGenerator<Buffer> {
    yield reader.head.subarray(0, Math.min(reader.head.length, C));
    for (let off = reader.head.length; off < C; off += chunkSize) {
      const end = Math.min(C, off + chunkSize);
      const chunks = await reader.fetch(off, end, signal);
      yield chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, end - off);
    }
  }
  const p = req.policy;
  const plain = decryptStream(ciphertext(), {
    keyring: p.keyring,
    ...(p.requiredEncryptionContext !== undefined
      ? { requiredEncryptionContext: p.requiredEncryptionContext }
      : {}),
    ...(p.commitmentPolicy !== undefined ? { commitmentPolicy: p.commitmentPolicy } : {}),
    ...(p.maxEncryptedDataKeys !== undefined
      ? { maxEncryptedDataKeys: p.maxEncryptedDataKeys }
      : {}),
    ...(p.dataKeyCache !== undefined ? { dataKeyCache: p.dataKeyCache } : {}),
    // The engine stages this plaintext (memory or a private temporary file) and releases it
    // only once the stream ends, i.e. after the signature verified.
    releaseUnverifiedPlaintext: true,
  });
  // Errors after this point surface through the iterator in plaintext(); without a listener an
  // 'error' event before the consumer starts would be thrown as unhandled.
  plain.on('error', () => undefined);
  // The data key is unwrapped (and the header authenticated) before the read is prepared: a
  // wrong key or context rejects here, not later in the body.
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
    kind: 'whole',
    header: header.info,
    plaintextSize,
    range: { start: 0, end: plaintextSize },
    keyIds: header.info.encryptedDataKeys.map((k) => k.keyId),
    async *plaintext() {
      try {
        for await (const c of plain) yield c as Buffer;
      } finally {
        plain.destroy();
      }
    },
    close() {
      plain.destroy();
    },
  };
}
