/**
 * The tamper matrix: every change to content, tag, metadata or instruction file is refused
 * with a typed error, and nothing is released (the read helper releases only after final()).
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { beginS3ecV3Encryption } from '../../src/index.js';
import { readS3ec, type ReadOptions } from './read.js';
import { FakeKms, KEY_ARN, writeLegacy } from './writers.js';

const kek = randomBytes(32);
const kms = new FakeKms();
const keys = { aesKey: kek, kms: { clientProvider: () => kms, keyIds: [KEY_ARN] } };
const PLAIN = randomBytes(100);

async function v3(o: { kmsKey?: boolean; instructionFile?: boolean } = {}) {
  const enc = await beginS3ecV3Encryption({
    key: o.kmsKey
      ? { kms: { keyId: KEY_ARN, clientProvider: () => kms } }
      : { aesKey: kek, materialDescription: { team: 'x' } },
    instructionFile: o.instructionFile,
    encryptionContext: o.kmsKey ? { tenant: 'a' } : undefined,
  });
  const body = Buffer.concat([enc.update(PLAIN), enc.final()]);
  return { metadata: { ...enc.objectMetadata }, instructionFile: enc.instructionFile, body };
}

async function refused(
  metadata: Record<string, string>,
  body: Buffer,
  code: string | RegExp,
  extra: Partial<ReadOptions> = {},
): Promise<void> {
  let released = false;
  await expect(
    readS3ec(metadata, body, {
      keys,
      chunk: 13,
      onRelease: () => {
        released = true;
      },
      ...extra,
    }),
  ).rejects.toMatchObject({ code: typeof code === 'string' ? code : expect.stringMatching(code) });
  expect(released).toBe(false);
}

const b64flip = (s: string, i = 0): string => {
  const b = Buffer.from(s, 'base64');
  b[i]! ^= 0x01;
  return b.toString('base64');
};

describe('tamper matrix, V3', () => {
  it('reads the untouched objects', async () => {
    const a = await v3();
    expect(await readS3ec(a.metadata, a.body, { keys })).toEqual(PLAIN);
    const k = await v3({ kmsKey: true, instructionFile: true });
    expect(
      await readS3ec(k.metadata, k.body, {
        keys,
        instructionFile: k.instructionFile,
        encryptionContext: { tenant: 'a' },
      }),
    ).toEqual(PLAIN);
  });

  it('every content and tag byte', async () => {
    const o = await v3();
    for (let i = 0; i < o.body.length; i += 1) {
      const b = Buffer.from(o.body);
      b[i]! ^= 0x80;
      await refused(o.metadata, b, 'ERR_S3ENC_TAG_MISMATCH');
    }
  });

  it('truncated, extended, emptied body', async () => {
    const o = await v3();
    await refused(o.metadata, o.body.subarray(0, o.body.length - 1), 'ERR_S3ENC_TAG_MISMATCH');
    await refused(o.metadata, Buffer.concat([o.body, Buffer.from([0])]), 'ERR_S3ENC_TAG_MISMATCH');
    await refused(o.metadata, o.body.subarray(0, 15), 'ERR_S3ENC_S3EC_BAD_BODY_SIZE');
  });

  it('key commitment, message id, wrapped key, wrap code, suite, material description', async () => {
    const o = await v3();
    const m = o.metadata;
    await refused(
      { ...m, 'x-amz-d': b64flip(m['x-amz-d']!, 27) },
      o.body,
      'ERR_S3ENC_COMMITMENT_MISMATCH',
    );
    await refused(
      { ...m, 'x-amz-i': b64flip(m['x-amz-i']!, 5) },
      o.body,
      'ERR_S3ENC_COMMITMENT_MISMATCH',
    );
    await refused({ ...m, 'x-amz-3': b64flip(m['x-amz-3']!, 20) }, o.body, 'ERR_S3ENC_NO_DATA_KEY');
    await refused({ ...m, 'x-amz-3': b64flip(m['x-amz-3']!, 3) }, o.body, 'ERR_S3ENC_NO_DATA_KEY'); // the wrap IV
    await refused({ ...m, 'x-amz-w': '22' }, o.body, 'ERR_S3ENC_NO_DATA_KEY'); // no RSA key configured
    await refused({ ...m, 'x-amz-w': '12' }, o.body, 'ERR_S3ENC_S3EC_METADATA_CONFLICT'); // x-amz-m with KMS
    await refused({ ...m, 'x-amz-w': '03' }, o.body, 'ERR_S3ENC_S3EC_UNSUPPORTED_ALGORITHM');
    await refused({ ...m, 'x-amz-c': '114' }, o.body, 'ERR_S3ENC_S3EC_UNSUPPORTED_ALGORITHM');
    await refused(
      { ...m, 'x-amz-d': m['x-amz-d']!.slice(0, -4) },
      o.body,
      'ERR_S3ENC_S3EC_BAD_METADATA',
    );
    await refused(
      { ...m, 'x-amz-i': `${m['x-amz-i']!}AAAA` },
      o.body,
      'ERR_S3ENC_S3EC_BAD_METADATA',
    );
    await refused({ ...m, 'x-amz-3': '!!!!' }, o.body, 'ERR_S3ENC_S3EC_BAD_METADATA');
    await refused(
      { ...m, 'x-amz-m': '{"team":"x","team":"y"}' },
      o.body,
      'ERR_S3ENC_S3EC_BAD_METADATA',
    );
    await refused(
      { ...m, 'x-amz-iv': 'AAAAAAAAAAAAAAAA' },
      o.body,
      'ERR_S3ENC_S3EC_METADATA_CONFLICT',
    );
    await refused(
      { ...m, 'x-amz-key-v2': m['x-amz-3']! },
      o.body,
      'ERR_S3ENC_S3EC_METADATA_CONFLICT',
    );
    const { 'x-amz-d': _d, ...noCommitment } = m;
    await refused(noCommitment, o.body, 'ERR_S3ENC_S3EC_BAD_METADATA');
    // A required material description pair that the object lacks: refused before unwrapping.
    await refused(m, o.body, 'ERR_S3ENC_CONTEXT_MISMATCH', { encryptionContext: { team: 'y' } });
  });

  it('wrong AES key', async () => {
    const o = await v3();
    let released = false;
    await expect(
      readS3ec(o.metadata, o.body, {
        keys: { aesKey: randomBytes(32) },
        onRelease: () => (released = true),
      }),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_NO_DATA_KEY' });
    expect(released).toBe(false);
  });

  it('instruction file: altered values, object-only keys inside, keys left on the object, missing file', async () => {
    const o = await v3({ kmsKey: true, instructionFile: true });
    const file = JSON.parse(o.instructionFile!) as Record<string, string>;
    const ec = { encryptionContext: { tenant: 'a' } };
    const withFile = (f: Record<string, string> | string) => ({
      ...ec,
      instructionFile: typeof f === 'string' ? f : JSON.stringify(f),
    });
    // context changed: KMS refuses (the context is bound to the key)
    const t = JSON.stringify({ tenant: 'b', 'aws:x-amz-cek-alg': '115' });
    await refused(
      o.metadata,
      o.body,
      'ERR_S3ENC_CONTEXT_MISMATCH',
      withFile({ ...file, 'x-amz-t': t }),
    );
    await refused(o.metadata, o.body, 'ERR_S3ENC_DATA_KEY_UNAVAILABLE', {
      instructionFile: JSON.stringify({ ...file, 'x-amz-t': t }),
    });
    // the content algorithm pair removed or changed: refused before KMS is asked
    const before = kms.requests.length;
    await refused(
      o.metadata,
      o.body,
      'ERR_S3ENC_S3EC_CEK_ALG_MISMATCH',
      withFile({ ...file, 'x-amz-t': '{"tenant":"a"}' }),
    );
    await refused(
      o.metadata,
      o.body,
      'ERR_S3ENC_S3EC_CEK_ALG_MISMATCH',
      withFile({ ...file, 'x-amz-t': '{"tenant":"a","aws:x-amz-cek-alg":"AES/GCM/NoPadding"}' }),
    );
    expect(kms.requests.length).toBe(before);
    await refused(
      o.metadata,
      o.body,
      'ERR_S3ENC_DATA_KEY_UNAVAILABLE',
      withFile({ ...file, 'x-amz-3': b64flip(file['x-amz-3']!, 10) }),
    );
    await refused(
      o.metadata,
      o.body,
      'ERR_S3ENC_S3EC_METADATA_CONFLICT',
      withFile({ ...file, 'x-amz-d': o.metadata['x-amz-d']! }),
    );
    await refused(
      o.metadata,
      o.body,
      'ERR_S3ENC_S3EC_METADATA_CONFLICT',
      withFile({ ...file, 'x-amz-iv': 'AAAAAAAAAAAAAAAA' }),
    );
    await refused(
      o.metadata,
      o.body,
      'ERR_S3ENC_S3EC_BAD_METADATA',
      withFile({ ...file, 'x-amz-extra': '1' }),
    );
    await refused(
      o.metadata,
      o.body,
      'ERR_S3ENC_S3EC_BAD_METADATA',
      withFile('{"x-amz-3":"a","x-amz-3":"b"}'),
    );
    await refused(o.metadata, o.body, 'ERR_S3ENC_S3EC_BAD_METADATA', withFile('not json'));
    await refused(o.metadata, o.body, 'ERR_S3ENC_S3EC_BAD_METADATA', {
      ...ec,
      instructionFile: undefined,
    });
    await refused(
      { ...o.metadata, 'x-amz-w': '12' },
      o.body,
      'ERR_S3ENC_S3EC_METADATA_CONFLICT',
      withFile(file),
    );
    await refused(o.metadata, o.body, 'ERR_S3ENC_COMMITMENT_MISMATCH', {
      ...withFile(file),
      // a file from another object (another data key) does not match this object's commitment
      instructionFile: (await v3({ kmsKey: true, instructionFile: true })).instructionFile,
    });
  });
});

describe('tamper matrix, V1 / V2', () => {
  it('GCM IV, tag length, content algorithm switched to CBC (cek-alg mismatch)', async () => {
    const { metadata: m, body } = writeLegacy(PLAIN, {
      content: 'AES/GCM/NoPadding',
      wrap: { kind: 'kms+context', kms, keyId: KEY_ARN },
    });
    await refused({ ...m, 'x-amz-iv': b64flip(m['x-amz-iv']!) }, body, 'ERR_S3ENC_TAG_MISMATCH');
    await refused({ ...m, 'x-amz-tag-len': '96' }, body, 'ERR_S3ENC_S3EC_UNSUPPORTED_ALGORITHM');
    const { 'x-amz-tag-len': _t, ...noTag } = m;
    await refused(noTag, body, 'ERR_S3ENC_S3EC_BAD_METADATA');
    await refused(
      { ...m, 'x-amz-unencrypted-content-length': '99' },
      body,
      'ERR_S3ENC_S3EC_BAD_BODY_SIZE',
    );
    // The attack the official 4.0 readers accept: body re-encrypted as CBC under the same data
    // key, x-amz-cek-alg switched. Refused whatever options are set, before KMS is asked.
    const before = kms.requests.length;
    const cbcAttack = {
      ...noTag,
      'x-amz-cek-alg': 'AES/CBC/PKCS5Padding',
      'x-amz-iv': randomBytes(16).toString('base64'),
    };
    await refused(cbcAttack, Buffer.alloc(112), 'ERR_S3ENC_S3EC_CEK_ALG_MISMATCH', {
      allowUnauthenticatedLegacyContent: true,
      allowLegacyKeyWrapping: true,
    });
    // … and with the wrap switched to `kms` so no check would apply: the context still says GCM.
    await refused(
      { ...cbcAttack, 'x-amz-wrap-alg': 'kms' },
      Buffer.alloc(112),
      'ERR_S3ENC_S3EC_CEK_ALG_MISMATCH',
      {
        allowUnauthenticatedLegacyContent: true,
        allowLegacyKeyWrapping: true,
      },
    );
    expect(kms.requests.length).toBe(before);
  });

  it('AES/GCM and RSA wraps bind the content algorithm', async () => {
    const { metadata: m, body } = writeLegacy(PLAIN, {
      content: 'AES/GCM/NoPadding',
      wrap: { kind: 'AES/GCM', kek },
    });
    const { 'x-amz-tag-len': _t, ...noTag } = m;
    await refused(
      {
        ...noTag,
        'x-amz-cek-alg': 'AES/CBC/PKCS5Padding',
        'x-amz-iv': randomBytes(16).toString('base64'),
      },
      Buffer.alloc(112),
      'ERR_S3ENC_S3EC_CEK_ALG_MISMATCH',
      { allowUnauthenticatedLegacyContent: true },
    );
    await refused(
      { ...m, 'x-amz-key-v2': b64flip(m['x-amz-key-v2']!, 30) },
      body,
      'ERR_S3ENC_NO_DATA_KEY',
    );
    await refused({ ...m, 'x-amz-wrap-alg': 'AESWrap' }, body, 'ERR_S3ENC_NO_DATA_KEY', {
      allowLegacyKeyWrapping: true,
    });
    await refused(
      { ...m, 'x-amz-wrap-alg': 'RSA/ECB/OAEPWithSHA-256AndMGF1Padding' },
      body,
      'ERR_S3ENC_S3EC_LEGACY_WRAPPING',
    );
    await refused(
      { ...m, 'x-amz-wrap-alg': 'RSA/ECB/OAEPWithSHA-256AndMGF1Padding' },
      body,
      'ERR_S3ENC_NO_DATA_KEY',
      { allowLegacyKeyWrapping: true },
    );
    await refused(
      { ...m, 'x-amz-wrap-alg': 'RSA/ECB/PKCS1Padding' },
      body,
      'ERR_S3ENC_S3EC_UNSUPPORTED_ALGORITHM',
    );
    await refused({ ...m, 'x-amz-wrap-alg': 'kms' }, body, 'ERR_S3ENC_DATA_KEY_UNAVAILABLE');
  });

  it('CBC: altered last block fails the padding check or the declared length; nothing released', async () => {
    const { metadata: m, body } = writeLegacy(Buffer.alloc(40, 7), {
      content: 'AES/CBC/PKCS5Padding',
      wrap: { kind: 'kms', kms, keyId: KEY_ARN },
    });
    const opts = { allowUnauthenticatedLegacyContent: true };
    let refusedCount = 0;
    for (let bit = 0; bit < 8; bit++) {
      const b = Buffer.from(body);
      b[b.length - 17]! ^= 1 << bit; // the previous block's byte that XORs into the last pad byte
      try {
        await readS3ec(m, b, { keys, ...opts });
      } catch (e) {
        expect((e as { code: string }).code).toMatch(
          /ERR_S3ENC_S3EC_BAD_PADDING|ERR_S3ENC_S3EC_BAD_METADATA/,
        );
        refusedCount++;
      }
    }
    expect(refusedCount).toBe(8);
    await refused(m, body.subarray(0, 40), 'ERR_S3ENC_S3EC_BAD_BODY_SIZE', opts);
  });

  it('wrong context for the SES shape', async () => {
    const { metadata: m, body } = writeLegacy(PLAIN, {
      content: 'AES/GCM/NoPadding',
      wrap: { kind: 'kms', kms, keyId: KEY_ARN, context: { 'aws:ses:message-id': 'm' } },
    });
    await refused(m, body, 'ERR_S3ENC_CONTEXT_MISMATCH', {
      encryptionContext: { 'aws:ses:message-id': 'other' },
    });
    const md = JSON.stringify({ kms_cmk_id: KEY_ARN, 'aws:ses:message-id': 'changed' });
    await refused({ ...m, 'x-amz-matdesc': md }, body, 'ERR_S3ENC_DATA_KEY_UNAVAILABLE');
  });

  it('conflicting keys across versions and cases', async () => {
    const { metadata: m, body } = writeLegacy(PLAIN, {
      content: 'AES/GCM/NoPadding',
      wrap: { kind: 'AES/GCM', kek },
    });
    await refused(
      { ...m, 'x-amz-key': m['x-amz-key-v2']! },
      body,
      'ERR_S3ENC_S3EC_METADATA_CONFLICT',
    );
    await refused({ ...m, 'X-Amz-Iv': m['x-amz-iv']! }, body, 'ERR_S3ENC_S3EC_METADATA_CONFLICT');
    await refused({ ...m, 'x-amz-c': '115' }, body, 'ERR_S3ENC_S3EC_METADATA_CONFLICT');
    await refused(
      { ...m, 'x-amz-matdesc': '=?UTF-8?B?e30=?=' },
      body,
      'ERR_S3ENC_S3EC_BAD_METADATA',
    );
  });
});
