// Issue #13 item 1: independent AWS Encryption SDKs as peers, both directions, for key files
// and KMS keys. The Python SDK (its own implementation of the message format) and
// `@aws-crypto/client-node` with `utf8Sorting: true` (the spec's UTF-8 byte order, not the
// `localeCompare` order of its default) decrypt what s3enc wrote and write what s3enc reads, with
// encryption contexts whose keys sort differently by UTF-8 bytes than by localeCompare (mixed
// case, non-ASCII, many pairs), at frame-boundary sizes. A raw AES key is used exactly as the
// CLI uses a key file, with the parameters docs/FORMAT.md gives another SDK (derived here from
// that text, not from s3enc's code): namespace `s3enc-raw-aes`, key name `hmac-sha256:` + the
// first 16 bytes, in hex, of HMAC-SHA256(key, "s3enc raw AES key name v1").
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { KMS } from '@aws-sdk/client-kms';
import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  KmsKeyringNode,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
} from '@aws-crypto/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawAesKeyring } from '@s3enc/core';
import { EncryptedS3Client } from '@s3enc/node';
import {
  createTestBucket,
  getTestEnv,
  makeHttpsAgent,
  makeS3Client,
  type TestBucket,
} from '../harness/env.js';
import { cliEnv, ensureCliBuilt, runCli } from '../cli/cli-helpers.js';
import { runEsdkPeer, tempFile } from '../peers/peers.js';

const env = getTestEnv();
const s3 = makeS3Client(env);
let bucket: TestBucket;

const F = 4096;
const SIZES = [0, 1, F - 1, F, F + 1, 2 * F + 3];
const NAMESPACE = 's3enc-raw-aes';
const key = randomBytes(32);
const keyName = `hmac-sha256:${createHmac('sha256', key).update('s3enc raw AES key name v1').digest('hex').slice(0, 32)}`;
const keyFile = tempFile('peer.key', key.toString('hex'));

/** Contexts whose UTF-8 byte order differs from localeCompare order, and one where they agree. */
const CONTEXTS: Record<string, Record<string, string>> = {
  'mixed case (Project, env)': { Project: 'apollo', env: 'prod' },
  'non-ASCII keys': { é: 'accent', z: 'zed', Ä: 'umlaut', 日本: 'kanji', a: 'ascii' },
  'many pairs': Object.fromEntries(
    Array.from({ length: 24 }, (_, i) => [
      `${i % 2 ? 'K' : 'k'}${String.fromCharCode(97 + ((i * 7) % 26))}${i}`,
      `v${i}`,
    ]),
  ),
  'lower-case ASCII (orders agree)': { alpha: '1', beta: '2' },
};

type KeyKind = 'key file' | 'KMS';
const KINDS: KeyKind[] = ['key file', 'KMS'];

function s3encClient(kind: KeyKind): EncryptedS3Client {
  const s3o = {
    endpoint: env.s3.endpoint,
    region: env.s3.region,
    credentials: env.s3.credentials,
    forcePathStyle: env.s3.forcePathStyle,
    ca: env.ca,
  };
  return kind === 'KMS'
    ? new EncryptedS3Client({
        s3: s3o,
        kmsKeyIds: [env.kmsKeys.primary.arn],
        kms: {
          endpoint: env.kms.endpoint,
          region: env.kms.region,
          credentials: env.kms.credentials,
          ca: env.ca,
        },
        frameLength: F,
      })
    : new EncryptedS3Client({
        s3: s3o,
        keyring: rawAesKeyring({ key: Buffer.from(key), keyName, keyNamespace: NAMESPACE }),
        frameLength: F,
      });
}

function esdkKeyOptions(kind: KeyKind) {
  return kind === 'KMS'
    ? { kmsKeyId: env.kmsKeys.primary.arn }
    : { aesKeyFile: keyFile, namespace: NAMESPACE, keyName };
}

let kms: KMS;
function awsCryptoKeyring(kind: KeyKind, utf8Sorting: boolean) {
  return kind === 'KMS'
    ? new KmsKeyringNode({ generatorKeyId: env.kmsKeys.primary.arn, clientProvider: () => kms })
    : new RawAesKeyringNode({
        keyName,
        keyNamespace: NAMESPACE,
        unencryptedMasterKey: new Uint8Array(key),
        wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
        utf8Sorting,
      });
}

async function rawObject(k: string): Promise<Buffer> {
  const r = await s3.send(new GetObjectCommand({ Bucket: bucket.name, Key: k }));
  return Buffer.from(await r.Body!.transformToByteArray());
}

async function putRaw(k: string, body: Buffer): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket.name, Key: k, Body: body }));
}

const clients = new Map<KeyKind, EncryptedS3Client>();
beforeAll(async () => {
  bucket = await createTestBucket(env, { prefix: 'esdk-peers' });
  for (const kind of KINDS) clients.set(kind, s3encClient(kind));
  kms = new KMS({
    endpoint: env.kms.endpoint,
    region: env.kms.region,
    credentials: env.kms.credentials,
    requestHandler: { httpsAgent: makeHttpsAgent(env) },
  });
});
afterAll(async () => {
  for (const c of clients.values()) c.destroy();
  kms.destroy();
  await bucket.cleanup();
  s3.destroy();
});

const { encrypt: awsEncrypt, decrypt: awsDecrypt } = buildClient(
  CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT,
);

describe.each(KINDS)('%s', (kind) => {
  describe.each(Object.keys(CONTEXTS))('context: %s', (ctxName) => {
    const context = CONTEXTS[ctxName]!;
    const tag = `${kind === 'KMS' ? 'kms' : 'file'}/${ctxName.replace(/[^a-z]+/gi, '-')}`;

    it('s3enc writes; the Python AWS Encryption SDK decrypts', async () => {
      const client = clients.get(kind)!;
      const plains = SIZES.map((n) => randomBytes(n));
      const pairs: [string, string][] = [];
      for (const [i, n] of SIZES.entries()) {
        const k = `${tag}/s3enc-${n}`;
        await client.put(bucket.name, k, plains[i]!, { encryptionContext: context });
        pairs.push([tempFile('ct', await rawObject(k)), tempFile('pt', '')]);
      }
      const r = await runEsdkPeer(env, 'decrypt', pairs, esdkKeyOptions(kind));
      expect(r.results.map((x) => x.error ?? 'ok')).toEqual(SIZES.map(() => 'ok'));
      expect(r.code).toBe(0);
      for (const [i, res] of r.results.entries()) {
        expect(res.encryptionContext).toEqual(context);
        expect(res.suite).toBe(0x0478);
        expect(res.frameLength).toBe(F);
        expect(readFileSync(pairs[i]![1]).equals(plains[i]!)).toBe(true);
      }
    });

    it('the Python AWS Encryption SDK writes; s3enc decrypts', async () => {
      const client = clients.get(kind)!;
      const plains = SIZES.map((n) => randomBytes(n));
      const pairs = plains.map((p) => [tempFile('pt', p), tempFile('ct', '')] as [string, string]);
      const r = await runEsdkPeer(env, 'encrypt', pairs, {
        ...esdkKeyOptions(kind),
        context,
        frameLength: F,
      });
      expect(r.code, r.stderr).toBe(0);
      for (const [i, n] of SIZES.entries()) {
        const k = `${tag}/python-${n}`;
        await putRaw(k, readFileSync(pairs[i]![1]));
        const got = await client.get(bucket.name, k, { encryptionContext: context });
        expect(got.header?.encryptionContext).toEqual(context);
        expect((await got.bytes()).equals(plains[i]!)).toBe(true);
      }
    });

    it('@aws-crypto/client-node with utf8Sorting: both directions', async () => {
      const client = clients.get(kind)!;
      const peer = awsCryptoKeyring(kind, true);
      for (const n of [0, F + 1]) {
        const plain = randomBytes(n);
        // Peer → s3enc.
        // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- the peer's own keyring class
        const { result } = await awsEncrypt(peer, plain, {
          encryptionContext: context,
          frameLength: F,
          suiteId: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY,
        });
        const k1 = `${tag}/aws-crypto-${n}`;
        await putRaw(k1, Buffer.from(result));
        const got = await client.get(bucket.name, k1, { encryptionContext: context });
        expect((await got.bytes()).equals(plain)).toBe(true);
        // s3enc → peer.
        const k2 = `${tag}/s3enc-for-aws-crypto-${n}`;
        await client.put(bucket.name, k2, plain, { encryptionContext: context });
        // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- the peer's own keyring class
        const { plaintext, messageHeader } = await awsDecrypt(peer, await rawObject(k2));
        expect(Buffer.from(plaintext).equals(plain)).toBe(true);
        expect(messageHeader.encryptionContext).toEqual(context);
      }
    });
  });
});

it('an object written with the old (localeCompare) order still decrypts with s3enc', async () => {
  const client = clients.get('key file')!;
  const context = CONTEXTS['mixed case (Project, env)']!;
  const plain = randomBytes(F + 1);
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- the peer's own keyring class
  const { result } = await awsEncrypt(awsCryptoKeyring('key file', false), plain, {
    encryptionContext: context,
    frameLength: F,
    suiteId: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY,
  });
  await putRaw('legacy-order', Buffer.from(result));
  const got = await client.get(bucket.name, 'legacy-order', { encryptionContext: context });
  expect((await got.bytes()).equals(plain)).toBe(true);
});

it('CLI --key-file with a mixed-case context, both directions (the reported reproduction)', async () => {
  ensureCliBuilt();
  const cli = cliEnv(env);
  const context = CONTEXTS['mixed case (Project, env)']!;
  const ctxArgs = Object.entries(context).flatMap(([k, v]) => ['--context', `${k}=${v}`]);
  const plain = randomBytes(F + 1);
  const src = tempFile('plain', plain);
  const url = (k: string) => `s3://${bucket.name}/${k}`;

  const put = await runCli(['put', src, url('cli/s3enc'), '--key-file', keyFile, ...ctxArgs], {
    env: cli,
  });
  expect(put.code, put.stderr).toBe(0);
  const pair: [string, string] = [tempFile('ct', await rawObject('cli/s3enc')), tempFile('pt', '')];
  const dec = await runEsdkPeer(env, 'decrypt', [pair], esdkKeyOptions('key file'));
  expect(dec.results[0]?.error ?? 'ok').toBe('ok');
  expect(readFileSync(pair[1]).equals(plain)).toBe(true);

  const enc: [string, string] = [src, tempFile('ct', '')];
  const e = await runEsdkPeer(env, 'encrypt', [enc], {
    ...esdkKeyOptions('key file'),
    context,
    frameLength: F,
  });
  expect(e.code, e.stderr).toBe(0);
  await putRaw('cli/python', readFileSync(enc[1]));
  const out = tempFile('out', '');
  const get = await runCli(['get', url('cli/python'), out, '--key-file', keyFile, ...ctxArgs], {
    env: cli,
  });
  expect(get.code, get.stderr).toBe(0);
  expect(readFileSync(out).equals(plain)).toBe(true);
});
