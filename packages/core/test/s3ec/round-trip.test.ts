import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { beginS3ecV3Encryption, describeS3ec, parseS3ecMetadata } from '../../src/index.js';
import { readS3ec } from './read.js';
import {
  FakeKms,
  KEY_ARN,
  OTHER_ARN,
  wrapRsaOaepSha256Java,
  writeLegacy,
  type LegacyWrap,
} from './writers.js';

const SIZES = [0, 1, 15, 16, 17, 31, 32, 33, 65_536 + 3];
const kek = randomBytes(32);
const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

async function writeV3(
  plaintext: Buffer,
  o: { instructionFile?: boolean; kms?: FakeKms; context?: Record<string, string>; chunk?: number },
) {
  const enc = await beginS3ecV3Encryption({
    key: o.kms
      ? { kms: { keyId: KEY_ARN, clientProvider: () => o.kms! } }
      : { aesKey: kek, materialDescription: { purpose: 'test' } },
    encryptionContext: o.context,
    instructionFile: o.instructionFile,
  });
  const parts: Buffer[] = [];
  const step = o.chunk ?? Math.max(1, plaintext.length);
  for (let i = 0; i < plaintext.length; i += step)
    parts.push(enc.update(plaintext.subarray(i, i + step)));
  parts.push(enc.final());
  return {
    metadata: { ...enc.objectMetadata },
    instructionFile: enc.instructionFile,
    body: Buffer.concat(parts),
  };
}

describe('V3 round trips', () => {
  for (const size of SIZES) {
    it(`raw AES key, metadata on the object, ${size} bytes (whole and byte by byte)`, async () => {
      const p = randomBytes(size);
      const o = await writeV3(p, { chunk: 7 });
      expect(o.body.length).toBe(size + 16);
      expect(Object.keys(o.metadata).sort()).toEqual(
        ['x-amz-3', 'x-amz-c', 'x-amz-d', 'x-amz-i', 'x-amz-m', 'x-amz-w'].sort(),
      );
      expect(o.metadata['x-amz-w']).toBe('02');
      expect(o.metadata['x-amz-c']).toBe('115');
      expect(await readS3ec(o.metadata, o.body, { keys: { aesKey: kek } })).toEqual(p);
      if (size <= 64) {
        expect(await readS3ec(o.metadata, o.body, { keys: { aesKey: kek }, chunk: 1 })).toEqual(p);
      }
    });
  }

  it('KMS, instruction file: c/d/i on the object, 3/w/t in the file', async () => {
    const kms = new FakeKms();
    const p = randomBytes(1000);
    const o = await writeV3(p, { kms, instructionFile: true, context: { tenant: 'a' } });
    expect(Object.keys(o.metadata).sort()).toEqual(['x-amz-c', 'x-amz-d', 'x-amz-i']);
    const file = JSON.parse(o.instructionFile!) as Record<string, string>;
    expect(Object.keys(file).sort()).toEqual(['x-amz-3', 'x-amz-t', 'x-amz-w']);
    expect(file['x-amz-w']).toBe('12');
    expect(JSON.parse(file['x-amz-t']!)).toEqual({ tenant: 'a', 'aws:x-amz-cek-alg': '115' });
    const gen = kms.requests.find((r) => r.op === 'generateDataKey')!.input;
    expect(gen.KeyId).toBe(KEY_ARN);
    expect(gen.KeySpec).toBe('AES_256');
    expect(gen.EncryptionContext).toEqual({ tenant: 'a', 'aws:x-amz-cek-alg': '115' });
    const keys = { kms: { clientProvider: () => kms, keyIds: [KEY_ARN] } };
    const got = await readS3ec(o.metadata, o.body, {
      keys,
      instructionFile: o.instructionFile,
      encryptionContext: { tenant: 'a' },
    });
    expect(got).toEqual(p);
    const dec = kms.requests.filter((r) => r.op === 'decrypt').at(-1)!.input;
    expect(dec.KeyId).toBe(KEY_ARN); // strict mode names the key
    const m = parseS3ecMetadata(o.metadata, { instructionFile: o.instructionFile });
    expect(describeS3ec(m)).toMatchObject({
      format: 's3ec-v3',
      metadataLocation: 'instruction-file',
      wrapAlgorithm: 'kms+context',
      keyCommitting: true,
      encryptionContext: { tenant: 'a', 'aws:x-amz-cek-alg': '115' },
    });
  });

  it('KMS discovery: accepts a key of the allowed account, refuses another account', async () => {
    const kms = new FakeKms();
    const p = randomBytes(40);
    const o = await writeV3(p, { kms });
    const discovery = (accountIDs: string[]) => ({
      kms: {
        clientProvider: () => kms,
        discovery: { regions: ['eu-west-1'], discoveryFilter: { accountIDs, partition: 'aws' } },
      },
    });
    expect(await readS3ec(o.metadata, o.body, { keys: discovery(['111122223333']) })).toEqual(p);
    expect(kms.requests.at(-1)!.input.KeyId).toBeUndefined();
    await expect(
      readS3ec(o.metadata, o.body, { keys: discovery(['999988887777']) }),
    ).rejects.toMatchObject({
      code: 'ERR_S3ENC_S3EC_KMS_KEY_NOT_ALLOWED',
    });
    await expect(
      readS3ec(o.metadata, o.body, {
        keys: { kms: { clientProvider: () => kms, discovery: { regions: ['eu-west-1'] } } },
      }),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_DISCOVERY_FILTER_REQUIRED' });
    await expect(
      readS3ec(o.metadata, o.body, {
        keys: { kms: { clientProvider: () => kms, keyIds: [OTHER_ARN] } },
      }),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_DATA_KEY_UNAVAILABLE' });
  });
});

const GCM = 'AES/GCM/NoPadding' as const;
const CBC = 'AES/CBC/PKCS5Padding' as const;

describe('V1 / V2 reads', () => {
  const kms = new FakeKms();
  const kmsKeys = { kms: { clientProvider: () => kms, keyIds: [KEY_ARN] } };
  const cases: {
    name: string;
    content: typeof GCM | typeof CBC;
    wrap: LegacyWrap;
    format: string;
    legacyContent?: boolean;
    legacyWrap?: boolean;
  }[] = [
    {
      name: 'V2 kms+context GCM',
      content: GCM,
      wrap: { kind: 'kms+context', kms, keyId: KEY_ARN },
      format: 's3ec-v2',
    },
    { name: 'V2 AES/GCM wrap', content: GCM, wrap: { kind: 'AES/GCM', kek }, format: 's3ec-v2' },
    {
      name: 'V2 RSA-OAEP-SHA1',
      content: GCM,
      wrap: { kind: 'RSA-OAEP-SHA1', publicKey },
      format: 's3ec-v2',
    },
    {
      name: 'V1-era kms GCM (SES)',
      content: GCM,
      wrap: { kind: 'kms', kms, keyId: KEY_ARN, context: { 'aws:ses:message-id': 'm1' } },
      format: 's3ec-v1',
    },
    {
      name: 'V1-era kms CBC',
      content: CBC,
      wrap: { kind: 'kms', kms, keyId: KEY_ARN },
      format: 's3ec-v1',
      legacyContent: true,
    },
    {
      name: 'V1-era AESWrap GCM',
      content: GCM,
      wrap: { kind: 'AESWrap', kek },
      format: 's3ec-v1',
      legacyWrap: true,
    },
    {
      name: 'true V1 x-amz-key AES/ECB CBC',
      content: CBC,
      wrap: { kind: 'AES', kek },
      format: 's3ec-v1',
      legacyContent: true,
      legacyWrap: true,
    },
    {
      name: 'Java SDK v1 RSA/ECB/OAEPWithSHA-256AndMGF1Padding GCM',
      content: GCM,
      wrap: { kind: 'RSA/ECB/OAEPWithSHA-256AndMGF1Padding', publicKey },
      format: 's3ec-v1',
      legacyWrap: true,
    },
    {
      name: 'true V1 x-amz-key RSA PKCS#1 CBC',
      content: CBC,
      wrap: { kind: 'RSA', publicKey },
      format: 's3ec-v1',
      legacyContent: true,
      legacyWrap: true,
    },
  ];
  for (const c of cases) {
    for (const size of [0, 1, 15, 16, 17, 4099]) {
      it(`${c.name}, ${size} bytes`, async () => {
        const p = randomBytes(size);
        const { metadata, body } = writeLegacy(p, { content: c.content, wrap: c.wrap });
        expect(body.length).toBe(c.content === GCM ? size + 16 : 16 * (Math.floor(size / 16) + 1));
        const keys = { ...kmsKeys, aesKey: kek, rsaPrivateKey: privateKey };
        expect(describeS3ec(parseS3ecMetadata(metadata)).format).toBe(c.format);
        const opts = {
          keys,
          allowUnauthenticatedLegacyContent: c.legacyContent,
          allowLegacyKeyWrapping: c.legacyWrap,
          chunk: 5,
        };
        expect(await readS3ec(metadata, body, opts)).toEqual(p);
        if (c.legacyContent) {
          await expect(
            readS3ec(metadata, body, { ...opts, allowUnauthenticatedLegacyContent: false }),
          ).rejects.toMatchObject({ code: 'ERR_S3ENC_S3EC_LEGACY_CONTENT' });
        }
        if (c.legacyWrap) {
          await expect(
            readS3ec(metadata, body, { ...opts, allowLegacyKeyWrapping: false }),
          ).rejects.toMatchObject({
            code: 'ERR_S3ENC_S3EC_LEGACY_WRAPPING',
          });
        }
      });
    }
  }

  it('V2 with every key in an instruction file (RSA PEM text)', async () => {
    const p = randomBytes(100);
    const { metadata, body } = writeLegacy(p, {
      content: GCM,
      wrap: { kind: 'RSA-OAEP-SHA1', publicKey },
    });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const got = await readS3ec({ 'other-user-key': 'x' }, body, {
      keys: { rsaPrivateKey: pem },
      instructionFile: JSON.stringify(metadata),
    });
    expect(got).toEqual(p);
  });

  it('the SES shape sends the material description to KMS as the context', async () => {
    const p = randomBytes(10);
    const ctx = { 'aws:ses:source-account': '111122223333', 'aws:ses:message-id': 'abc' };
    const { metadata, body } = writeLegacy(p, {
      content: GCM,
      wrap: { kind: 'kms', kms, keyId: KEY_ARN, context: ctx },
    });
    expect(
      await readS3ec(metadata, body, {
        keys: kmsKeys,
        encryptionContext: { 'aws:ses:message-id': 'abc' },
      }),
    ).toEqual(p);
    expect(kms.requests.at(-1)!.input.EncryptionContext).toEqual({ kms_cmk_id: KEY_ARN, ...ctx });
  });
});

describe('legacy RSA block checks', () => {
  it("refuses Java's OAEP-SHA-256 block with a non-zero leading byte", async () => {
    const { metadata, body } = writeLegacy(randomBytes(10), {
      content: GCM,
      wrap: { kind: 'RSA/ECB/OAEPWithSHA-256AndMGF1Padding', publicKey },
    });
    const edk = wrapRsaOaepSha256Java(publicKey, randomBytes(32), 1);
    await expect(
      readS3ec({ ...metadata, 'x-amz-key-v2': edk.toString('base64') }, body, {
        keys: { rsaPrivateKey: privateKey },
        allowLegacyKeyWrapping: true,
      }),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_NO_DATA_KEY' });
  });
});
