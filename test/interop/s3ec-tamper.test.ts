// Issue #14: S3EC objects written by the official clients, then tampered with in S3 — content,
// GCM tag, each security-relevant metadata key, the instruction file, the V3 key commitment —
// are refused with a typed error and nothing released (no byte from `get`'s stream, no file from
// `getToFile`); so are a wrong key and a wrong encryption context.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3EncError } from '@s3enc/core';
import { EncryptedS3Client } from '@s3enc/node';
import { createTestBucket, getTestEnv, makeS3Client, type TestBucket } from '../harness/env.js';
import { makeKeys, peerFlags, peerRun, plaintexts, s3ecClientOptions } from './s3ec-matrix.js';

const env = getTestEnv();
const keys = makeKeys();
const s3 = makeS3Client(env);
let bucket: TestBucket;
let client: EncryptedS3Client;

const SIZE = 1000;
const context = { Case: 'tamper', stage: 'one' };
const ses = { 'aws:ses:rule-name': 'inbound', 'aws:ses:source-account': '111122223333' };

beforeAll(async () => {
  bucket = await createTestBucket(env, { prefix: 's3ec-tamper' });
  client = new EncryptedS3Client(s3ecClientOptions(env, keys, { aesKey: true }));
  const [plain] = plaintexts([SIZE]);
  const obj = (k: string) => [[k, plain!.file]] as const;
  const put = (
    w: Parameters<typeof peerRun>[1],
    c: Parameters<typeof peerFlags>[3],
    ks: string[],
  ) =>
    peerRun(
      env,
      w,
      'put',
      peerFlags(env, keys, bucket.name, c),
      ks.flatMap((k) => obj(k)),
    );
  await Promise.all([
    put('v4', { key: 'kms', flags: { context } }, ['v3', 'v3-other']),
    put('v4', { key: 'kms', flags: { context, instructionFile: true } }, ['v3-if', 'v3-if-other']),
    put('v4', { key: 'aes', flags: {} }, ['v3-aes']),
    put('v4', { key: 'kms', flags: { context, format: 'v2' } }, ['v2']),
    put('sdk1-v1', { key: 'kms', flags: { matdesc: ses } }, ['ses']),
  ]);
});
afterAll(async () => {
  client.destroy();
  await bucket.cleanup();
  s3.destroy();
});

interface RawObject {
  body: Buffer;
  metadata: Record<string, string>;
}

async function getRaw(key: string): Promise<RawObject> {
  const r = await s3.send(new GetObjectCommand({ Bucket: bucket.name, Key: key }));
  return { body: Buffer.from(await r.Body!.transformToByteArray()), metadata: r.Metadata ?? {} };
}

async function putRaw(key: string, o: RawObject): Promise<void> {
  await s3.send(
    new PutObjectCommand({ Bucket: bucket.name, Key: key, Body: o.body, Metadata: o.metadata }),
  );
}

let n = 0;
/** Copies `source` (and its instruction file when `instruction`) to a new key, changed by `edit`. */
async function tampered(
  source: string,
  edit: (o: RawObject, instruction?: Record<string, string>) => void,
  instruction = false,
): Promise<string> {
  const key = `tampered/${source}-${++n}`;
  const o = await getRaw(source);
  let instr: Record<string, string> | undefined;
  if (instruction) {
    instr = JSON.parse((await getRaw(`${source}.instruction`)).body.toString('utf8')) as Record<
      string,
      string
    >;
  }
  edit(o, instr);
  await putRaw(key, o);
  if (instr) {
    await putRaw(`${key}.instruction`, {
      body: Buffer.from(JSON.stringify(instr)),
      metadata: { 'x-amz-crypto-instr-file': '' },
    });
  }
  return key;
}

function flipByte(b: Buffer, at: number): void {
  const i = at < 0 ? b.length + at : at;
  b[i] = b[i]! ^ 0x01;
}

function flipBase64(v: string | undefined): string {
  const b = Buffer.from(v ?? '', 'base64');
  flipByte(b, 0);
  return b.toString('base64');
}

/** `get` and `getToFile` both refuse, with one of `codes`, releasing nothing. */
async function expectRefused(
  c: EncryptedS3Client,
  key: string,
  codes: string[],
  o: { encryptionContext?: Record<string, string> } = {},
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 's3ec-tamper-'));
  const e1 = await c.getToFile(bucket.name, key, join(dir, 'out'), o).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(e1, `getToFile ${key}`).toBeInstanceOf(S3EncError);
  expect(codes, (e1 as Error).message).toContain((e1 as S3EncError).code);
  expect(readdirSync(dir)).toEqual([]);

  let received = 0;
  let e2: unknown;
  try {
    const r = await c.get(bucket.name, key, o);
    for await (const chunk of r.body) received += (chunk as Buffer).length;
  } catch (e) {
    e2 = e;
  }
  expect(e2, `get ${key}`).toBeInstanceOf(S3EncError);
  expect(codes).toContain((e2 as S3EncError).code);
  expect(received).toBe(0);
}

const TAG = ['ERR_S3ENC_TAG_MISMATCH'];
const COMMIT = ['ERR_S3ENC_COMMITMENT_MISMATCH'];
/** KMS refuses to decrypt under a changed context, or no configured key fits. */
const UNWRAP = ['ERR_S3ENC_DATA_KEY_UNAVAILABLE', 'ERR_S3ENC_NO_DATA_KEY'];

describe('tampered content and tag', () => {
  it.each(['v3', 'v3-if', 'v2', 'ses'])('%s: one content byte flipped', async (src) => {
    const k = await tampered(
      src,
      (o) => {
        flipByte(o.body, 10);
      },
      src === 'v3-if',
    );
    await expectRefused(client, k, TAG, src === 'ses' ? {} : { encryptionContext: context });
  });
  it.each(['v3', 'v2', 'ses'])('%s: one tag byte flipped', async (src) => {
    const k = await tampered(src, (o) => {
      flipByte(o.body, -1);
    });
    await expectRefused(client, k, TAG);
  });
  it('v3: body cut short by one byte', async () => {
    const k = await tampered('v3', (o) => {
      o.body = o.body.subarray(0, o.body.length - 1);
    });
    await expectRefused(client, k, [...TAG, 'ERR_S3ENC_TRUNCATED', 'ERR_S3ENC_S3EC_BAD_BODY_SIZE']);
  });
});

describe('tampered metadata', () => {
  it('v3: key commitment (x-amz-d) changed', async () => {
    const k = await tampered('v3', (o) => {
      o.metadata['x-amz-d'] = flipBase64(o.metadata['x-amz-d']);
    });
    await expectRefused(client, k, COMMIT);
  });
  it('v3: message id (x-amz-i) changed', async () => {
    const k = await tampered('v3', (o) => {
      o.metadata['x-amz-i'] = flipBase64(o.metadata['x-amz-i']);
    });
    await expectRefused(client, k, COMMIT);
  });
  it("v3: another object's wrapped key (x-amz-3) swapped in", async () => {
    const other = await getRaw('v3-other');
    const k = await tampered('v3', (o) => {
      o.metadata['x-amz-3'] = other.metadata['x-amz-3']!;
    });
    await expectRefused(client, k, COMMIT);
  });
  it('v3: encryption context (x-amz-t) changed', async () => {
    const k = await tampered('v3', (o) => {
      o.metadata['x-amz-t'] = JSON.stringify({
        ...(JSON.parse(o.metadata['x-amz-t']!) as Record<string, string>),
        stage: 'two',
      });
    });
    await expectRefused(client, k, [...UNWRAP, 'ERR_S3ENC_CONTEXT_MISMATCH']);
  });
  it('v3: content algorithm (x-amz-c) changed', async () => {
    const k = await tampered('v3', (o) => {
      o.metadata['x-amz-c'] = '114';
    });
    await expectRefused(client, k, [
      'ERR_S3ENC_S3EC_UNSUPPORTED_ALGORITHM',
      'ERR_S3ENC_S3EC_BAD_METADATA',
      'ERR_S3ENC_S3EC_CEK_ALG_MISMATCH',
    ]);
  });
  it('v2: IV (x-amz-iv) changed', async () => {
    const k = await tampered('v2', (o) => {
      o.metadata['x-amz-iv'] = flipBase64(o.metadata['x-amz-iv']);
    });
    await expectRefused(client, k, TAG);
  });
  it('v2: content algorithm switched to CBC (bound in the KMS context)', async () => {
    const k = await tampered('v2', (o) => {
      o.metadata['x-amz-cek-alg'] = 'AES/CBC/PKCS5Padding';
      delete o.metadata['x-amz-tag-len'];
      // A CBC IV and a valid CBC length, so only the algorithm binding can catch it.
      o.metadata['x-amz-iv'] = randomBytes(16).toString('base64');
      o.body = o.body.subarray(0, o.body.length - (o.body.length % 16));
    });
    const lenient = new EncryptedS3Client(
      s3ecClientOptions(env, keys, {
        allowUnauthenticatedLegacyContent: true,
        allowLegacyKeyWrapping: true,
      }),
    );
    try {
      await expectRefused(lenient, k, ['ERR_S3ENC_S3EC_CEK_ALG_MISMATCH']);
    } finally {
      lenient.destroy();
    }
  });
  it('ses: material description (the KMS context) changed', async () => {
    const k = await tampered('ses', (o) => {
      o.metadata['x-amz-matdesc'] = JSON.stringify({
        ...(JSON.parse(o.metadata['x-amz-matdesc']!) as Record<string, string>),
        'aws:ses:rule-name': 'other-rule',
      });
    });
    await expectRefused(client, k, UNWRAP);
  });
});

describe('tampered instruction file', () => {
  it('v3: context in the instruction file changed', async () => {
    const k = await tampered(
      'v3-if',
      (_o, instr) => {
        instr!['x-amz-t'] = JSON.stringify({
          ...(JSON.parse(instr!['x-amz-t']!) as Record<string, string>),
          stage: 'two',
        });
      },
      true,
    );
    await expectRefused(client, k, [...UNWRAP, 'ERR_S3ENC_CONTEXT_MISMATCH']);
  });
  it("v3: another object's wrapped key in the instruction file", async () => {
    const other = JSON.parse((await getRaw('v3-if-other.instruction')).body.toString()) as Record<
      string,
      string
    >;
    const k = await tampered(
      'v3-if',
      (_o, instr) => {
        instr!['x-amz-3'] = other['x-amz-3']!;
      },
      true,
    );
    await expectRefused(client, k, COMMIT);
  });
  it('v3: instruction file missing', async () => {
    const k = await tampered('v3-if', () => {});
    await expectRefused(client, k, ['ERR_S3ENC_S3EC_BAD_METADATA']);
  });
});

describe('wrong key, wrong context', () => {
  it('KMS object, client allowed only another KMS key', async () => {
    const other = new EncryptedS3Client({
      ...s3ecClientOptions(env, keys),
      kmsKeyIds: [env.kmsKeys.secondary.arn],
    });
    try {
      await expectRefused(other, 'v3', [...UNWRAP, 'ERR_S3ENC_S3EC_KMS_KEY_NOT_ALLOWED']);
    } finally {
      other.destroy();
    }
  });
  it('AES object, another AES key', async () => {
    const wrong = new EncryptedS3Client(s3ecClientOptions(env, makeKeys(), { aesKey: true }));
    try {
      await expectRefused(wrong, 'v3-aes', ['ERR_S3ENC_NO_DATA_KEY']);
    } finally {
      wrong.destroy();
    }
  });
  it.each(['v3', 'v3-if', 'v2'])('%s: a required context pair with another value', async (src) => {
    await expectRefused(client, src, ['ERR_S3ENC_CONTEXT_MISMATCH'], {
      encryptionContext: { ...context, stage: 'two' },
    });
  });
  it('ses: a required material description pair with another value', async () => {
    await expectRefused(client, 'ses', ['ERR_S3ENC_CONTEXT_MISMATCH'], {
      encryptionContext: { 'aws:ses:rule-name': 'other-rule' },
    });
  });
});
