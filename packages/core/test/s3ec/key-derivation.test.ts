import { describe, expect, it } from 'vitest';
import {
  v3Commitment,
  v3ContentKey,
  verifyCommitmentAndDeriveKey,
} from '../../src/s3ec/key-derivation.js';

// Known-answer vectors published in the official Go client's tests
// (aws/amazon-s3-encryption-client-go, v3/internal/key_derivation_test.go).
const VECTORS = [
  {
    dataKey: '80d90dc4cc7e77d8a6332efa44eba56230a7fe7b89af37d1e501ab2e07c0a163',
    messageId: 'b8ea76bed24c7b85382a148cb9dcd1cfdfb765f55ded4dfa6e0c4c79',
    contentKey: '6dd14f546cc006e639126e83f5d4d1b118576bb5df97f38c6fb3a1db87bbc338',
    commitment: 'f89818bc0a346d3a3426b68e9509b6b2ae5fe1f904aa329fb73625db',
  },
  {
    dataKey: '501afb8227d22e75e68010414b8abdaf3064c081e8e922dafef4992036394d60',
    messageId: '61a00b4981a5aacfd136c55cb726e32d2a547dc7600a7d4675c69127',
    contentKey: 'e14786a714748d1d2c3a4a6816dec56ddf1881bbeabb4f39420ffb9f63700b2f',
    commitment: '5c1e73e47f6fe3a70d6d094283aceaa76d2975feb829212d88f0afc1',
  },
];

describe('V3 key derivation (HKDF-SHA512, suite 115)', () => {
  for (const [i, v] of VECTORS.entries()) {
    it(`matches the Go client's known answer #${i + 1}`, () => {
      const dk = Buffer.from(v.dataKey, 'hex');
      const id = Buffer.from(v.messageId, 'hex');
      expect(v3Commitment(dk, id).toString('hex')).toBe(v.commitment);
      expect(v3ContentKey(dk, id).toString('hex')).toBe(v.contentKey);
      expect(
        verifyCommitmentAndDeriveKey(dk, id, Buffer.from(v.commitment, 'hex')).toString('hex'),
      ).toBe(v.contentKey);
    });
  }

  it('refuses a commitment that differs in any byte, before deriving the key', () => {
    const v = VECTORS[0]!;
    const dk = Buffer.from(v.dataKey, 'hex');
    const id = Buffer.from(v.messageId, 'hex');
    for (let i = 0; i < 28; i++) {
      const c = Buffer.from(v.commitment, 'hex');
      c[i]! ^= 0x01;
      expect(() => verifyCommitmentAndDeriveKey(dk, id, c)).toThrow(
        expect.objectContaining({ code: 'ERR_S3ENC_COMMITMENT_MISMATCH' }),
      );
    }
    expect(() => verifyCommitmentAndDeriveKey(dk, id, Buffer.alloc(27))).toThrow(
      expect.objectContaining({ code: 'ERR_S3ENC_COMMITMENT_MISMATCH' }),
    );
  });
});
