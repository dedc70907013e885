/**
 * Builds a known-answer vector from fixed inputs: the raw-AES encrypted data key is computed
 * here with node:crypto (an implementation of the wrapping independent of @aws-crypto's), the
 * data key and message id are fixed through the test seam, and our writer makes the message.
 * Used by generate.ts (to freeze vectors) and by vectors.test.ts (to check our writer still
 * makes the same bytes).
 */
import { createCipheriv, createHash } from 'node:crypto';
import {
  EncryptedDataKey,
  KeyringNode,
  KeyringTraceFlag,
  type NodeDecryptionMaterial,
  type NodeEncryptionMaterial,
} from '@aws-crypto/material-management-node';
import { beginEncryptionWith } from '../../src/encrypt-session.js';

/** The inputs of one vector (hex for bytes); everything random in production is here. */
export interface VectorInputs {
  readonly description: string;
  /** The raw AES wrapping key (a key file's 32 bytes). */
  readonly wrappingKey: string;
  readonly keyNamespace: string;
  readonly keyName: string;
  /** How the wrapping AAD orders the context: `utf8` (what we write) or `legacy` (s3enc 0.1). */
  readonly contextOrder: 'utf8' | 'legacy';
  readonly wrappingIv: string;
  readonly dataKey: string;
  readonly messageId: string;
  readonly encryptionContext: Record<string, string>;
  readonly frameLength: number;
  /** Plaintext: `plaintextSize` bytes of SHA-256 counter-mode output of `plaintextSeed`. */
  readonly plaintextSize: number;
  readonly plaintextSeed: string;
}

/** A frozen vector: inputs and the exact message bytes. */
export interface Vector extends VectorInputs {
  /** The whole message, base64. */
  readonly message: string;
  /** SHA-256 of the message, hex (a quick check when reading diffs). */
  readonly messageSha256: string;
}

/** Deterministic plaintext: SHA-256(seed ‖ ":" ‖ counter) blocks. */
export function plaintextOf(v: Pick<VectorInputs, 'plaintextSize' | 'plaintextSeed'>): Buffer {
  const out = Buffer.alloc(v.plaintextSize);
  for (let o = 0, i = 0; o < out.length; o += 32, i++) {
    createHash('sha256').update(`${v.plaintextSeed}:${i}`).digest().copy(out, o);
  }
  return out;
}

/** The context as the raw AES keyring's wrapping AAD serialises it. */
export function wrappingAad(ec: Record<string, string>, order: 'utf8' | 'legacy'): Buffer {
  const pairs = Object.entries(ec).map(([k, v]) => [Buffer.from(k), Buffer.from(v), k] as const);
  if (pairs.length === 0) return Buffer.alloc(0);
  if (order === 'utf8') pairs.sort((a, b) => Buffer.compare(a[0], b[0]));
  else pairs.sort((a, b) => a[2].localeCompare(b[2]));
  const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
  return Buffer.concat([
    u16(pairs.length),
    ...pairs.flatMap(([k, v]) => [u16(k.length), k, u16(v.length), v]),
  ]);
}

/** The encrypted data key the raw AES keyring would record, computed with node:crypto. */
export function rawAesEdk(v: VectorInputs): EncryptedDataKey {
  const iv = Buffer.from(v.wrappingIv, 'hex');
  const c = createCipheriv('aes-256-gcm', Buffer.from(v.wrappingKey, 'hex'), iv, {
    authTagLength: 16,
  });
  c.setAAD(wrappingAad(v.encryptionContext, v.contextOrder));
  const wrapped = Buffer.concat([
    c.update(Buffer.from(v.dataKey, 'hex')),
    c.final(),
    c.getAuthTag(),
  ]);
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const rawInfo = Buffer.concat([Buffer.from(v.keyName), u32(128), u32(12), iv]);
  return new EncryptedDataKey({
    providerId: v.keyNamespace,
    providerInfo: rawInfo.toString('utf8'),
    rawInfo: new Uint8Array(rawInfo),
    encryptedDataKey: new Uint8Array(wrapped),
  });
}

/** A keyring that hands out a fixed data key and a precomputed encrypted data key (encrypt only). */
class FixedMaterialKeyring extends KeyringNode {
  readonly #v: VectorInputs;
  constructor(v: VectorInputs) {
    super();
    this.#v = v;
  }
  _onEncrypt(material: NodeEncryptionMaterial): Promise<NodeEncryptionMaterial> {
    const trace = { keyName: this.#v.keyName, keyNamespace: this.#v.keyNamespace };
    material.setUnencryptedDataKey(new Uint8Array(Buffer.from(this.#v.dataKey, 'hex')), {
      ...trace,
      flags: KeyringTraceFlag.WRAPPING_KEY_GENERATED_DATA_KEY,
    });
    return Promise.resolve(
      material.addEncryptedDataKey(
        rawAesEdk(this.#v),
        KeyringTraceFlag.WRAPPING_KEY_ENCRYPTED_DATA_KEY |
          KeyringTraceFlag.WRAPPING_KEY_SIGNED_ENC_CTX,
      ),
    );
  }
  _onDecrypt(material: NodeDecryptionMaterial): Promise<NodeDecryptionMaterial> {
    return Promise.resolve(material); // encrypt only
  }
}

/** Our writer's message for these inputs. */
export async function buildMessage(v: VectorInputs): Promise<Buffer> {
  const s = await beginEncryptionWith(
    {
      keyring: new FixedMaterialKeyring(v),
      frameLength: v.frameLength,
      encryptionContext: v.encryptionContext,
    },
    { messageId: Buffer.from(v.messageId, 'hex') },
  );
  try {
    return Buffer.concat([s.header, s.sealFrames(1, plaintextOf(v), true)]);
  } finally {
    s.destroy();
  }
}
