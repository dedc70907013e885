/**
 * Known-answer vectors (vectors/raw-aes.json, made by vectors/generate.ts): frozen bytes, so a
 * change in our code or in @aws-crypto/* that alters them fails here even when both sides of a
 * round trip change together.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildClient,
  CommitmentPolicy,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
} from '@aws-crypto/client-node';
import {
  beginDecryption,
  decryptStream,
  describeMessage,
  legacyRawKeyName,
  rawAesKeyring,
  rawKeyName,
} from '../src/index.js';
import { buildMessage, plaintextOf, type Vector } from './vectors/build.js';
import { collect } from './helpers.js';

const { vectors } = JSON.parse(
  readFileSync(join(import.meta.dirname, 'vectors', 'raw-aes.json'), 'utf8'),
) as { vectors: Vector[] };
const peer = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);

function ourKeyring(v: Vector) {
  const key = Buffer.from(v.wrappingKey, 'hex');
  return rawAesKeyring({
    key,
    keyName: rawKeyName(key),
    keyNamespace: v.keyNamespace,
    legacyKeyNames: [legacyRawKeyName(key)],
  });
}

describe('known-answer vectors', () => {
  it('covers the frame boundaries, contexts and the legacy layout', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(26);
    const F = vectors[0]!.frameLength;
    const sizes = new Set(vectors.map((v) => v.plaintextSize));
    for (const s of [0, 1, F - 1, F, F + 1, 2 * F]) expect(sizes.has(s)).toBe(true);
    expect(vectors.some((v) => Object.keys(v.encryptionContext).length === 0)).toBe(true);
    expect(vectors.some((v) => v.contextOrder === 'legacy')).toBe(true);
  });

  for (const v of vectors) {
    describe(v.description, () => {
      const message = Buffer.from(v.message, 'base64');
      const plaintext = plaintextOf(v);

      it('our writer reproduces the exact bytes from the same inputs', async () => {
        const ours = await buildMessage(v);
        expect(ours.toString('base64')).toBe(v.message);
      });

      it('our reader decrypts it, whole and streamed', async () => {
        const info = describeMessage(message);
        expect(info.messageId).toBe(v.messageId);
        expect(info.frameLength).toBe(v.frameLength);
        expect(info.encryptionContext).toEqual(v.encryptionContext);
        const d = await beginDecryption({ keyring: ourKeyring(v), header: message });
        try {
          const r = d.openFrames(1, message.subarray(d.headerLength));
          expect(r.final).toBe(true);
          expect(r.plaintext.equals(plaintext)).toBe(true);
        } finally {
          d.destroy();
        }
        const streamed = await collect(decryptStream([message], { keyring: ourKeyring(v) }));
        expect(streamed.equals(plaintext)).toBe(true);
      });

      it('@aws-crypto/client-node decrypts it', async () => {
        const keyring = new RawAesKeyringNode({
          keyName: v.keyName,
          keyNamespace: v.keyNamespace,
          unencryptedMasterKey: new Uint8Array(Buffer.from(v.wrappingKey, 'hex')),
          wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
          utf8Sorting: v.contextOrder === 'utf8',
        });
        const got = await peer.decrypt(keyring, message);
        expect(Buffer.from(got.plaintext).equals(plaintext)).toBe(true);
      });
    });
  }
});
