/**
 * Reading an S3EC object's body: the data key unwrapped and the decryptor opened in
 * `prepareRead` (so a wrong key, context or commitment fails before any body byte), then the
 * whole stored body fetched in order and decrypted. The plaintext iterator yields bytes that
 * are NOT authenticated until it ends: the engine stages them (memory cap for get, private
 * temporary file for getToFile) and releases nothing before then.
 * @internal
 */
import { createDecipheriv } from 'node:crypto';
import {
  createS3ecBodyDecryptor,
  IntegrityError,
  unwrapS3ecDataKey,
  type S3ecMetadata,
} from '@s3enc/core';
import type { ReadRequest, WholeBodyRead } from '../object-format.js';

/** The exact plaintext size of a CBC body, from its last block (the padding is re-checked at the end). */
async function cbcPlaintextSize(
  m: S3ecMetadata,
  dataKey: Uint8Array,
  storedSize: number,
  req: ReadRequest,
): Promise<number> {
  const from = Math.max(0, storedSize - 32);
  const tail = Buffer.concat(await req.reader.fetch(from, storedSize, req.signal));
  const iv = storedSize === 16 ? Buffer.from(m.iv!) : tail.subarray(0, 16);
  const d = createDecipheriv('aes-256-cbc', dataKey, iv).setAutoPadding(false);
  const last = Buffer.concat([d.update(tail.subarray(tail.length - 16)), d.final()]);
  try {
    const pad = last[15]!;
    let bad = pad === 0 || pad > 16 ? 1 : 0;
    for (let i = 16 - Math.min(pad, 16); i < 16; i++) bad |= last[i]! ^ pad;
    if (bad !== 0)
      throw new IntegrityError('ERR_S3ENC_S3EC_BAD_PADDING', 'the object failed its padding check');
    return storedSize - pad;
  } finally {
    last.fill(0);
  }
}

/**
 * Unwraps the data key, checks the V3 commitment, and returns the whole-body read. The data
 * key is zeroed before this returns; the cipher holds only what it needs.
 */
export async function prepareS3ecRead(
  m: S3ecMetadata,
  storedSize: number,
  req: ReadRequest,
): Promise<WholeBodyRead> {
  const s = req.policy.settings.s3ec;
  const dataKey = await unwrapS3ecDataKey(m, {
    keys: s.keys,
    allowLegacyKeyWrapping: s.allowLegacyKeyWrapping,
    encryptionContext: req.policy.requiredEncryptionContext,
  });
  const pending: Buffer[] = [];
  let decryptor;
  let plaintextSize: number;
  try {
    decryptor = createS3ecBodyDecryptor({
      metadata: m,
      dataKey,
      ciphertextSize: storedSize,
      sink: (p) => {
        pending.push(p);
      },
      allowUnauthenticatedLegacyContent: s.allowUnauthenticatedLegacyContent,
    });
    plaintextSize =
      m.contentAlgorithm === 'AES/CBC/PKCS5Padding'
        ? await cbcPlaintextSize(m, dataKey, storedSize, req)
        : decryptor.plaintextSize;
  } finally {
    dataKey.fill(0);
  }
  const d = decryptor;
  const chunk = Math.max(1, req.chunkSize);
  const keyIds =
    m.encryptionContext.kms_cmk_id !== undefined ? [m.encryptionContext.kms_cmk_id] : [];
  return {
    kind: 'whole',
    header: undefined,
    plaintextSize,
    range: { start: 0, end: plaintextSize },
    keyIds,
    close: () => {
      d.destroy();
      for (const b of pending) b.fill(0);
      pending.length = 0;
    },
    async *plaintext(): AsyncGenerator<Buffer, void, undefined> {
      for (let at = 0; at < storedSize;) {
        const end = Math.min(storedSize, at + chunk);
        for (const piece of await req.reader.fetch(at, end, req.signal)) {
          await d.write(piece);
          while (pending.length > 0) yield pending.shift()!;
        }
        at = end;
      }
      const size = await d.final();
      while (pending.length > 0) yield pending.shift()!;
      if (size !== plaintextSize)
        throw new IntegrityError(
          'ERR_S3ENC_S3EC_BAD_PADDING',
          'the object failed its padding check',
        );
    },
  };
}
