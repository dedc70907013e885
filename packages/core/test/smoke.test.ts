import { describe, expect, it } from 'vitest';
import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
} from '@aws-crypto/client-node';
import { beginDecryption, beginEncryption, ciphertextSize } from '../src/index.js';
import { bytes, keyring, KEY } from './helpers.js';

const oracle = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
const oracleKeyring = () =>
  new RawAesKeyringNode({
    keyName: 'test-key',
    keyNamespace: 's3enc-test',
    unencryptedMasterKey: new Uint8Array(KEY),
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  });

describe('smoke', () => {
  it('round trips and the oracle decrypts', async () => {
    const F = 16;
    const p = bytes(50);
    const s = await beginEncryption({
      keyring: keyring(),
      frameLength: F,
      encryptionContext: { a: 'b' },
    });
    const msg = Buffer.concat([s.header, s.sealFrames(1, p, true)]);
    expect(msg.length).toBe(ciphertextSize(50, F, s.headerLength));
    const { plaintext, messageHeader } = await oracle.decrypt(oracleKeyring(), msg);
    expect(Buffer.from(plaintext).equals(p)).toBe(true);
    expect(messageHeader.encryptionContext).toEqual({ a: 'b' });
    const d = await beginDecryption({ keyring: keyring(), header: msg });
    const r = d.openFrames(1, msg.subarray(d.headerLength));
    expect(r.plaintext.equals(p)).toBe(true);
    const o = await oracle.encrypt(oracleKeyring(), p, {
      frameLength: F,
      suiteId: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY,
    });
    const d2 = await beginDecryption({ keyring: keyring(), header: o.result });
    expect(d2.openFrames(1, o.result.subarray(d2.headerLength)).plaintext.equals(p)).toBe(true);
  });
});
