/**
 * Test-only writers of the V1/V2 shapes, built from the specification and the notes in
 * docs/s3ec.md (the real writers are proven in test/peers), and a fake KMS that behaves
 * like KMS for the calls under test: Decrypt needs the exact context and (when given) the key.
 */
import {
  constants,
  createCipheriv,
  createHash,
  publicEncrypt,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { wrapAesGcm, wrapRsaOaepSha1 } from '../../src/s3ec/raw-key-unwrap.js';

export const KEY_ARN =
  'arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555';
export const OTHER_ARN =
  'arn:aws:kms:eu-west-1:999988887777:key/99999999-2222-3333-4444-555555555555';

interface Stored {
  plaintext: Buffer;
  context: Record<string, string>;
  keyId: string;
}

/** A fake KMS: records each request; ciphertexts are opaque handles. */
export class FakeKms {
  readonly requests: { op: string; input: Record<string, unknown> }[] = [];
  readonly #store = new Map<string, Stored>();

  seal(keyId: string, plaintext: Buffer, context: Record<string, string>): Buffer {
    const handle = randomBytes(64);
    this.#store.set(handle.toString('hex'), {
      plaintext: Buffer.from(plaintext),
      context: { ...context },
      keyId,
    });
    return handle;
  }

  async decrypt(input: Record<string, unknown>): Promise<unknown> {
    this.requests.push({ op: 'decrypt', input });
    await Promise.resolve();
    const s = this.#store.get(Buffer.from(input.CiphertextBlob as Uint8Array).toString('hex'));
    const ctx = (input.EncryptionContext ?? {}) as Record<string, string>;
    if (s === undefined)
      throw Object.assign(new Error('InvalidCiphertextException'), {
        name: 'InvalidCiphertextException',
      });
    if (input.KeyId !== undefined && input.KeyId !== s.keyId)
      throw Object.assign(new Error('IncorrectKeyException'), { name: 'IncorrectKeyException' });
    const same =
      Object.keys(ctx).length === Object.keys(s.context).length &&
      Object.entries(ctx).every(([k, v]) => s.context[k] === v);
    if (!same)
      throw Object.assign(new Error('InvalidCiphertextException'), {
        name: 'InvalidCiphertextException',
      });
    return { KeyId: s.keyId, Plaintext: new Uint8Array(s.plaintext) };
  }

  encrypt(): Promise<unknown> {
    return Promise.reject(new Error('not used'));
  }

  async generateDataKey(input: Record<string, unknown>): Promise<unknown> {
    this.requests.push({ op: 'generateDataKey', input });
    await Promise.resolve();
    const keyId = input.KeyId as string;
    const plaintext = randomBytes(32);
    const blob = this.seal(keyId, plaintext, input.EncryptionContext as Record<string, string>);
    return {
      KeyId: keyId,
      Plaintext: new Uint8Array(plaintext),
      CiphertextBlob: new Uint8Array(blob),
    };
  }
}

export type LegacyWrap =
  | { kind: 'kms' | 'kms+context'; kms: FakeKms; keyId: string; context?: Record<string, string> }
  | { kind: 'AES/GCM' | 'AESWrap' | 'AES'; kek: Buffer }
  | {
      kind: 'RSA-OAEP-SHA1' | 'RSA' | 'RSA/ECB/OAEPWithSHA-256AndMGF1Padding';
      publicKey: KeyObject;
    };

/** Writes a V1/V2 object (metadata + body) the way the V1-era and V2 clients lay it out. */
export function writeLegacy(
  plaintext: Buffer,
  o: { content: 'AES/GCM/NoPadding' | 'AES/CBC/PKCS5Padding'; wrap: LegacyWrap; dataKey?: Buffer },
): { metadata: Record<string, string>; body: Buffer; dataKey: Buffer } {
  const dataKey = o.dataKey ?? randomBytes(32);
  const gcm = o.content === 'AES/GCM/NoPadding';
  const iv = randomBytes(gcm ? 12 : 16);
  let body: Buffer;
  if (gcm) {
    const c = createCipheriv('aes-256-gcm', dataKey, iv);
    body = Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
  } else {
    const c = createCipheriv('aes-256-cbc', dataKey, iv);
    body = Buffer.concat([c.update(plaintext), c.final()]);
  }
  const md: Record<string, string> = { 'x-amz-iv': iv.toString('base64') };
  const w = o.wrap;
  let edk: Buffer;
  let matdesc: Record<string, string> = {};
  switch (w.kind) {
    case 'kms':
      matdesc = { kms_cmk_id: w.keyId, ...(w.context ?? {}) };
      edk = w.kms.seal(w.keyId, dataKey, matdesc);
      break;
    case 'kms+context':
      matdesc = { ...(w.context ?? {}), 'aws:x-amz-cek-alg': o.content };
      edk = w.kms.seal(w.keyId, dataKey, matdesc);
      break;
    case 'AES/GCM':
      edk = wrapAesGcm(w.kek, dataKey, o.content);
      break;
    case 'AESWrap': {
      const c = createCipheriv('id-aes256-wrap', w.kek, Buffer.from('a6a6a6a6a6a6a6a6', 'hex'));
      edk = Buffer.concat([c.update(dataKey), c.final()]);
      break;
    }
    case 'AES': {
      const c = createCipheriv('aes-256-ecb', w.kek, null);
      edk = Buffer.concat([c.update(dataKey), c.final()]);
      break;
    }
    case 'RSA-OAEP-SHA1':
      edk = wrapRsaOaepSha1(w.publicKey, dataKey, o.content);
      break;
    case 'RSA/ECB/OAEPWithSHA-256AndMGF1Padding':
      edk = wrapRsaOaepSha256Java(w.publicKey, dataKey);
      break;
    case 'RSA':
      edk = publicEncrypt({ key: w.publicKey, padding: constants.RSA_PKCS1_PADDING }, dataKey);
      break;
  }
  md['x-amz-matdesc'] = JSON.stringify(matdesc);
  if (w.kind === 'AES' || w.kind === 'RSA') {
    md['x-amz-key'] = edk.toString('base64');
  } else {
    md['x-amz-key-v2'] = edk.toString('base64');
    md['x-amz-wrap-alg'] = w.kind;
    md['x-amz-cek-alg'] = o.content;
    if (gcm) md['x-amz-tag-len'] = '128';
  }
  md['x-amz-unencrypted-content-length'] = String(plaintext.length);
  return { metadata: md, body, dataKey };
}

/** Java's RSA/ECB/OAEPWithSHA-256AndMGF1Padding (SHA-256 label hash, MGF1-SHA-1), for tests. */
export function wrapRsaOaepSha256Java(
  publicKey: KeyObject,
  message: Buffer,
  leadingByte = 0,
): Buffer {
  const k = (publicKey.asymmetricKeyDetails!.modulusLength! + 7) >> 3;
  const hLen = 32;
  const mgf1 = (seed: Buffer, len: number): Buffer => {
    const out: Buffer[] = [];
    for (let i = 0; out.length * 20 < len; i++) {
      const c = Buffer.alloc(4);
      c.writeUInt32BE(i);
      out.push(createHash('sha1').update(seed).update(c).digest());
    }
    return Buffer.concat(out).subarray(0, len);
  };
  const lHash = createHash('sha256').digest();
  const ps = Buffer.alloc(k - message.length - 2 * hLen - 2);
  const db = Buffer.concat([lHash, ps, Buffer.from([1]), message]);
  const seed = randomBytes(hLen);
  const dbMask = mgf1(seed, db.length);
  const maskedDb = Buffer.from(db.map((b, i) => b ^ dbMask[i]!));
  const seedMask = mgf1(maskedDb, hLen);
  const maskedSeed = Buffer.from(seed.map((b, i) => b ^ seedMask[i]!));
  const em = Buffer.concat([Buffer.from([leadingByte]), maskedSeed, maskedDb]);
  return publicEncrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, em);
}
