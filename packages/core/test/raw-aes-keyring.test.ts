/**
 * The raw AES keyring wraps with the encryption context in UTF-8 byte order (issue #13,
 * finding 1), reads what s3enc 0.1 wrote (JavaScript string order, the `sha256:` key name),
 * and interoperates both ways with @aws-crypto/client-node configured with `utf8Sorting: true`
 * (what other AWS Encryption SDKs do).
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
} from '@aws-crypto/client-node';
import {
  beginDecryption,
  beginEncryption,
  KeyUnwrapError,
  legacyRawKeyName,
  RAW_KEY_NAMESPACE,
  rawAesKeyring,
  rawKeyName,
  type Keyring,
} from '../src/index.js';
import { bytes } from './helpers.js';

const peer = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
const key = randomBytes(32);
const F = 1024;

/** Contexts whose keys sort differently by UTF-8 bytes than by JavaScript string order. */
const contexts: Record<string, Record<string, string>> = {
  'mixed case': { Project: 'apollo', env: 'prod' },
  'non-ASCII': { zé: '1', 'z\u{1F600}': '2', 'z\uFFFD': '3', Ä: 'umlaut', a: 'ascii' },
  'many pairs': Object.fromEntries(
    Array.from({ length: 40 }, (_, i) => [
      i % 3 === 0 ? `K${i}` : i % 3 === 1 ? `k${i}` : `\u00e9${i}\u{10000}`,
      `v${i}`,
    ]),
  ),
};

function peerKeyring(name: string, utf8Sorting: boolean) {
  return new RawAesKeyringNode({
    keyName: name,
    keyNamespace: RAW_KEY_NAMESPACE,
    unencryptedMasterKey: new Uint8Array(key),
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
    utf8Sorting,
  });
}

const ours = (): Keyring =>
  rawAesKeyring({
    key,
    keyName: rawKeyName(key),
    keyNamespace: RAW_KEY_NAMESPACE,
    legacyKeyNames: [legacyRawKeyName(key)],
  });

async function seal(keyring: Keyring, p: Buffer, ec: Record<string, string>): Promise<Buffer> {
  const s = await beginEncryption({ keyring, frameLength: F, encryptionContext: ec });
  try {
    return Buffer.concat([s.header, s.sealFrames(1, p, true)]);
  } finally {
    s.destroy();
  }
}

async function open(keyring: Keyring, msg: Buffer): Promise<Buffer> {
  const d = await beginDecryption({ keyring, header: msg });
  try {
    return d.openFrames(1, msg.subarray(d.headerLength)).plaintext;
  } finally {
    d.destroy();
  }
}

describe('raw AES keyring: UTF-8 byte order of the encryption context', () => {
  for (const [name, ec] of Object.entries(contexts)) {
    it(`${name}: the keys really sort differently`, () => {
      const js = Object.keys(ec).sort((a, b) => a.localeCompare(b));
      const utf8 = Object.keys(ec).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      expect(js).not.toEqual(utf8);
    });

    for (const size of [0, 1, F - 1, F, F + 1, 3 * F]) {
      it(`${name}, ${size} bytes: a utf8Sorting peer decrypts ours and we decrypt the peer's`, async () => {
        const p = bytes(size, size + 11);
        const msg = await seal(ours(), p, ec);
        const got = await peer.decrypt(peerKeyring(rawKeyName(key), true), msg);
        expect(Buffer.from(got.plaintext).equals(p)).toBe(true);

        const theirs = await peer.encrypt(peerKeyring(rawKeyName(key), true), p, {
          encryptionContext: ec,
          frameLength: F,
          suiteId: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY,
        });
        expect((await open(ours(), Buffer.from(theirs.result))).equals(p)).toBe(true);
      });
    }

    it(`${name}: a peer with the old (string) order cannot unwrap what we write now`, async () => {
      const msg = await seal(ours(), bytes(100), ec);
      await expect(peer.decrypt(peerKeyring(rawKeyName(key), false), msg)).rejects.toThrow();
    });

    it(`${name}: an object s3enc 0.1 wrote (string order, sha256: name) still opens`, async () => {
      // s3enc 0.1: @aws-crypto's raw keyring with its default order, under the legacy name.
      const legacy = peerKeyring(legacyRawKeyName(key), false);
      const p = bytes(2 * F + 3, 5);
      const msg = await seal(legacy, p, ec);
      expect((await open(ours(), msg)).equals(p)).toBe(true);
      // The legacy name alone is what makes it open: without it the key is not found.
      const noLegacy = rawAesKeyring({
        key,
        keyName: rawKeyName(key),
        keyNamespace: RAW_KEY_NAMESPACE,
      });
      await expect(open(noLegacy, msg)).rejects.toThrow(KeyUnwrapError);
    });
  }

  it('writes one encrypted data key under the new name only', async () => {
    const s = await beginEncryption({
      keyring: ours(),
      encryptionContext: contexts['mixed case']!,
    });
    expect(s.keyIds).toEqual([`${RAW_KEY_NAMESPACE}/${rawKeyName(key)}`]);
    s.destroy();
  });
});
