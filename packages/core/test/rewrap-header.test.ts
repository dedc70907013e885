// rewrapHeader: a new header with the same message id and data key in front of the old frames.
// The official library (@aws-crypto/client-node) is the oracle for what the result decrypts to.
import {
  buildClient,
  CommitmentPolicy,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
} from '@aws-crypto/client-node';
import { describe, expect, it } from 'vitest';
import {
  beginEncryption,
  decryptStream,
  describeMessage,
  rawAesKeyring,
  rewrapHeader,
  type Keyring,
} from '../src/index.js';
import { bytes, collectUntilError, KEY, keyring } from './helpers.js';
import { Readable } from 'node:stream';

const F = 1024;
const NEW_KEY = Buffer.alloc(32, 3);
const newKeyring = () =>
  rawAesKeyring({ key: NEW_KEY, keyName: 'new-key', keyNamespace: 's3enc-test' });
const { decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);

async function message(n: number, ec: Record<string, string> = { a: '1' }) {
  const s = await beginEncryption({ keyring: keyring(), frameLength: F, encryptionContext: ec });
  const plain = bytes(n, n + 1);
  const msg = Buffer.concat([s.header, s.sealFrames(1, plain, true)]);
  const headerLength = s.headerLength;
  s.destroy();
  return { msg, plain, headerLength };
}

async function opens(msg: Buffer, k: Keyring): Promise<unknown> {
  const r = await collectUntilError(decryptStream(Readable.from([msg]), { keyring: k }));
  return r.error ?? r.out;
}

describe('rewrapHeader', () => {
  it.each([0, 1, F - 1, F, 3 * F + 7])(
    '%i bytes: replaced key decrypts, old key does not',
    async (n) => {
      const { msg, plain, headerLength } = await message(n);
      const r = await rewrapHeader({
        header: msg.subarray(0, Math.min(msg.length, headerLength + 10)),
        decryptKeyring: keyring(),
        addKeyring: newKeyring(),
        removeKeyIds: 'all',
      });
      expect(r.changed).toBe(true);
      expect(r.oldHeaderLength).toBe(headerLength);
      expect(r.keyIdsBefore).toEqual(['s3enc-test/test-key']);
      expect(r.keyIdsAfter).toEqual(['s3enc-test/new-key']);
      const rewrapped = Buffer.concat([r.header, msg.subarray(headerLength)]);
      const after = describeMessage(rewrapped);
      expect(after.messageId).toBe(r.before.messageId);
      expect(after.encryptionContext).toEqual({ a: '1' });
      expect(after.frameLength).toBe(F);
      expect(await opens(rewrapped, newKeyring())).toEqual(plain);
      expect(await opens(rewrapped, keyring())).toMatchObject({ code: 'ERR_S3ENC_NO_DATA_KEY' });
      // The oracle agrees.
      const oracle = new RawAesKeyringNode({
        keyName: 'new-key',
        keyNamespace: 's3enc-test',
        unencryptedMasterKey: new Uint8Array(NEW_KEY),
        wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
        utf8Sorting: true,
      });
      const o = await decrypt(oracle, rewrapped);
      expect(Buffer.from(o.plaintext).equals(plain)).toBe(true);
    },
  );

  it('adds and removes keys; asking again is a no-op', async () => {
    const { msg, headerLength } = await message(100);
    const added = await rewrapHeader({
      header: msg,
      decryptKeyring: keyring(),
      addKeyring: newKeyring(),
    });
    expect(added.keyIdsAfter).toEqual(['s3enc-test/test-key', 's3enc-test/new-key']);
    const two = Buffer.concat([added.header, msg.subarray(headerLength)]);
    const again = await rewrapHeader({
      header: two,
      decryptKeyring: keyring(),
      addKeyring: newKeyring(),
    });
    expect(again.changed).toBe(false);
    expect(again.header.equals(added.header)).toBe(true);
    const removed = await rewrapHeader({
      header: two,
      decryptKeyring: newKeyring(),
      removeKeyIds: ['s3enc-test/test-key'],
    });
    expect(removed.keyIdsAfter).toEqual(['s3enc-test/new-key']);
    const gone = await rewrapHeader({
      header: Buffer.concat([removed.header, msg.subarray(headerLength)]),
      decryptKeyring: newKeyring(),
      removeKeyIds: ['s3enc-test/test-key'],
    });
    expect(gone.changed).toBe(false);
  });

  it('refuses what it cannot do, before or without writing anything', async () => {
    const { msg, headerLength } = await message(10);
    await expect(rewrapHeader({ header: msg, decryptKeyring: keyring() })).rejects.toMatchObject({
      code: 'ERR_S3ENC_REWRAP_NOTHING_ASKED',
    });
    await expect(
      rewrapHeader({ header: msg, decryptKeyring: keyring(), removeKeyIds: 'all' }),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_REWRAP_NO_KEYS_LEFT' });
    await expect(
      rewrapHeader({
        header: msg,
        decryptKeyring: keyring(),
        removeKeyIds: ['s3enc-test/test-key'],
      }),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_REWRAP_NO_KEYS_LEFT' });
    await expect(
      rewrapHeader({ header: msg, decryptKeyring: newKeyring(), addKeyring: newKeyring() }),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_NO_DATA_KEY' });
    await expect(
      rewrapHeader({
        header: msg,
        decryptKeyring: keyring(),
        addKeyring: newKeyring(),
        requiredEncryptionContext: { a: '2' },
      }),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_CONTEXT_MISMATCH' });
    // A forged header (another frame length) fails its tag before any new key wraps the data key.
    const forged = Buffer.from(msg);
    const frameLengthEnd = headerLength - 16 - 32; // … frame length(4) ‖ suite data(32) ‖ tag(16)
    expect(forged.readUInt32BE(frameLengthEnd - 4)).toBe(F);
    forged.writeUInt32BE(F + 1, frameLengthEnd - 4);
    await expect(
      rewrapHeader({ header: forged, decryptKeyring: keyring(), addKeyring: newKeyring() }),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_HEADER_TAG_MISMATCH' });
    await expect(
      rewrapHeader({
        header: msg.subarray(0, 20),
        decryptKeyring: keyring(),
        addKeyring: newKeyring(),
      }),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_TRUNCATED_HEADER' });
    expect(KEY.equals(Buffer.alloc(32, 7))).toBe(true);
  });
});
