// resumeEncryption: a session continued from a header seals byte for byte the frames the
// original session seals, and a header that is not exactly one authentic 0x0478 v2 header, or
// a keyring that cannot unwrap its data key, is refused.
import { describe, expect, it } from 'vitest';
import { beginDecryption, beginEncryption, resumeEncryption } from '../src/index.js';
import { bytes, keyring, wrongKeyring } from './helpers.js';

const F = 4096;

describe('resumeEncryption', () => {
  it('seals the same frames as the session that wrote the header', async () => {
    const original = await beginEncryption({
      keyring: keyring(),
      frameLength: F,
      encryptionContext: { a: 'b' },
    });
    const plain = bytes(5 * F + 17);
    const first = original.sealFrames(1, plain.subarray(0, 2 * F), false);
    const rest = original.sealFrames(3, plain.subarray(2 * F), true);
    const resumed = await resumeEncryption({ keyring: keyring(), header: original.header });
    try {
      expect(resumed.header.equals(original.header)).toBe(true);
      expect(resumed.messageId.equals(original.messageId)).toBe(true);
      expect(resumed.frameLength).toBe(F);
      expect(resumed.encryptionContext).toEqual(original.encryptionContext);
      expect(resumed.keyIds).toEqual(original.keyIds);
      expect(resumed.sealFrames(3, plain.subarray(2 * F), true).equals(rest)).toBe(true);
      expect(resumed.sealFrames(1, plain.subarray(0, 2 * F), false).equals(first)).toBe(true);
      // And the whole message decrypts.
      const d = await beginDecryption({ keyring: keyring(), header: original.header });
      const body = Buffer.concat([first, resumed.sealFrames(3, plain.subarray(2 * F), true)]);
      expect(d.openFrames(1, body).plaintext.equals(plain)).toBe(true);
      d.destroy();
    } finally {
      original.destroy();
      resumed.destroy();
    }
  });

  it('refuses a header it cannot continue', async () => {
    const s = await beginEncryption({ keyring: keyring(), frameLength: F });
    const header = s.header;
    s.destroy();
    await expect(resumeEncryption({ keyring: wrongKeyring(), header })).rejects.toMatchObject({
      code: 'ERR_S3ENC_NO_DATA_KEY',
    });
    await expect(
      resumeEncryption({ keyring: keyring(), header: header.subarray(0, header.length - 1) }),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_RESUME_HEADER' });
    await expect(
      resumeEncryption({ keyring: keyring(), header: Buffer.concat([header, Buffer.alloc(1)]) }),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_RESUME_HEADER' });
    const tagged = Buffer.from(header);
    tagged[tagged.length - 1]! ^= 1; // the header auth tag
    await expect(resumeEncryption({ keyring: keyring(), header: tagged })).rejects.toMatchObject({
      code: 'ERR_S3ENC_HEADER_TAG_MISMATCH',
    });
  });
});
