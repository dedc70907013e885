// The frame key handoff to worker threads: what crosses is a KeyObject (cloned by
// postMessage, never bytes), and a session rebuilt from it seals the same bytes and opens the
// same frames as the session it came from, with the same refusals.
import { MessageChannel } from 'node:worker_threads';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  buildClient,
  CommitmentPolicy,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
} from '@aws-crypto/client-node';
import {
  beginDecryption,
  beginEncryption,
  frameSessionFromHandoff,
  handOffFrameKey,
  type FrameKeyHandoff,
} from '../src/index.js';
import { bytes, KEY, keyring } from './helpers.js';

/** The handoff as a worker receives it: structured-cloned through a message port. */
async function throughPort(h: FrameKeyHandoff): Promise<FrameKeyHandoff> {
  const { port1, port2 } = new MessageChannel();
  const got = new Promise<FrameKeyHandoff>((resolve) => {
    port2.once('message', resolve);
  });
  port1.postMessage(h);
  const clone = await got;
  port1.close();
  port2.close();
  return clone;
}

const F = 1024;

describe('frame key handoff', () => {
  it('a session rebuilt from a cloned handoff seals the same bytes and opens them', async () => {
    const enc = await beginEncryption({ keyring: keyring(), frameLength: F });
    const plain = bytes(5 * F + 100, 3);
    const h = await throughPort(handOffFrameKey(enc));
    expect(h.key.type).toBe('secret');
    // Nothing of K shows: the KeyObject prints and serialises without its bytes.
    expect(JSON.stringify(h.key)).toBe('{}');
    expect(inspect(h)).not.toMatch(/[0-9a-f]{32}/);
    const w = frameSessionFromHandoff(h);
    const out = Buffer.alloc(enc.headerLength + 6 * (F + 32) + 100 + 8);
    const n = w.sealFramesInto(out, 0, 1, plain, true);
    const viaSession = enc.sealFrames(1, plain, true);
    expect(out.subarray(0, n).equals(viaSession)).toBe(true);

    const message = Buffer.concat([enc.header, viaSession]);
    const dec = await beginDecryption({ keyring: keyring(), header: message });
    const r = frameSessionFromHandoff(await throughPort(handOffFrameKey(dec))).openFrameChunks(1, [
      message.subarray(dec.headerLength, dec.headerLength + 1000),
      message.subarray(dec.headerLength + 1000),
    ]);
    expect(r.final).toBe(true);
    expect(Buffer.concat(r.plaintext).equals(plain)).toBe(true);

    // A flipped bit fails the tag, as through the session.
    const bad = Buffer.from(message);
    bad[dec.headerLength + 2 * (F + 32) + 40]! ^= 1;
    expect(() =>
      frameSessionFromHandoff(handOffFrameKey(dec)).openFrameChunks(1, [
        bad.subarray(dec.headerLength),
      ]),
    ).toThrow(expect.objectContaining({ code: 'ERR_S3ENC_TAG_MISMATCH' }));

    // The official library reads what the rebuilt session sealed.
    const oracle = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
    const k = new RawAesKeyringNode({
      keyName: 'test-key',
      keyNamespace: 's3enc-test',
      unencryptedMasterKey: KEY,
      wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
    });

    const { plaintext } = await oracle.decrypt(k, Buffer.concat([enc.header, out.subarray(0, n)]));
    expect(Buffer.from(plaintext).equals(plain)).toBe(true);

    w.destroy();
    expect(() => w.sealFramesInto(out, 0, 1, plain, true)).toThrow(
      expect.objectContaining({ code: 'ERR_S3ENC_SESSION_DESTROYED' }),
    );
    enc.destroy();
    expect(() => handOffFrameKey(enc)).toThrow(
      expect.objectContaining({ code: 'ERR_S3ENC_SESSION_DESTROYED' }),
    );
    dec.destroy();
  });

  it('sessions of a signed message cannot hand off (their signature needs the whole message)', async () => {
    const oracle = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
    const k = new RawAesKeyringNode({
      keyName: 'test-key',
      keyNamespace: 's3enc-test',
      unencryptedMasterKey: KEY,
      wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
    });

    const { result } = await oracle.encrypt(k, bytes(3 * F, 4), { frameLength: F });
    const dec = await beginDecryption({ keyring: keyring(), header: Buffer.from(result) });
    expect(dec.info.signed).toBe(true);
    expect(() => handOffFrameKey(dec)).toThrow(
      expect.objectContaining({ code: 'ERR_S3ENC_HANDOFF_UNSUPPORTED' }),
    );
    dec.destroy();
  });

  it('a malformed handoff is refused', () => {
    expect(() =>
      frameSessionFromHandoff({
        key: {},
        messageId: new Uint8Array(32),
        frameLength: F,
        headerLength: 1,
      } as never),
    ).toThrow(expect.objectContaining({ code: 'ERR_S3ENC_INVALID_ARGUMENT' }));
  });
});
