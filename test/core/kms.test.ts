/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment -- KmsKeyringNode is built by a mixin factory */
/**
 * KMS keyrings against local-kms over TLS: a message wrapped under two KMS keys decrypts with
 * either alone; our KMS-wrapped messages and @aws-crypto/client-node's read each other.
 */
import { describe, expect, it } from 'vitest';
import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  KMS,
  KmsKeyringNode,
} from '@aws-crypto/client-node';
import {
  beginDecryption,
  beginEncryption,
  decryptStream,
  describeMessage,
  encryptStream,
  InvalidArgumentError,
  kmsDiscoveryKeyring,
  kmsKeyring,
  KeyUnwrapError,
  type Keyring,
} from '@s3enc/core';
import { getTestEnv, makeHttpsAgent, makeKmsClient } from '../harness/env.js';

const oracle = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);

async function collect(r: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

function seal(keyring: Keyring, p: Buffer, ec: Record<string, string> = { purpose: 'kms-test' }) {
  return (async () => {
    const s = await beginEncryption({ keyring, frameLength: 4096, encryptionContext: ec });
    try {
      return { msg: Buffer.concat([s.header, s.sealFrames(1, p, true)]), keyIds: s.keyIds };
    } finally {
      s.destroy();
    }
  })();
}

async function open(keyring: Keyring, msg: Buffer): Promise<Buffer> {
  const d = await beginDecryption({ keyring, header: msg });
  try {
    return d.openFrames(1, msg.subarray(d.headerLength)).plaintext;
  } finally {
    d.destroy();
  }
}

describe('KMS keyring (local-kms over TLS)', () => {
  const env = getTestEnv();
  const client = makeKmsClient(env);
  const clientProvider = () => client;
  const { primary, secondary } = env.kmsKeys;
  const p = Buffer.from('kms wrapped plaintext '.repeat(1000));

  it('wraps under two keys; either key alone decrypts', async () => {
    const both = kmsKeyring({
      generatorKeyId: primary.arn,
      keyIds: [secondary.arn],
      clientProvider,
    });
    const { msg, keyIds } = await seal(both, p);
    expect(keyIds).toEqual([primary.arn, secondary.arn]);
    const info = describeMessage(msg);
    expect(info.encryptedDataKeys.map((k) => k.providerId)).toEqual(['aws-kms', 'aws-kms']);
    expect(info.encryptedDataKeys.map((k) => k.keyId)).toEqual([primary.arn, secondary.arn]);
    expect(info.encryptionContext).toEqual({ purpose: 'kms-test' });

    const onlyPrimary = kmsKeyring({ generatorKeyId: primary.arn, clientProvider });
    const onlySecondary = kmsKeyring({ generatorKeyId: secondary.arn, clientProvider });
    expect((await open(onlyPrimary, msg)).equals(p)).toBe(true);
    expect((await open(onlySecondary, msg)).equals(p)).toBe(true);
  });

  it('a key that did not wrap the data key cannot decrypt', async () => {
    const { msg } = await seal(kmsKeyring({ generatorKeyId: primary.arn, clientProvider }), p);
    const other = kmsKeyring({ generatorKeyId: secondary.arn, clientProvider });
    await expect(beginDecryption({ keyring: other, header: msg })).rejects.toBeInstanceOf(
      KeyUnwrapError,
    );
  });

  it('the encryption context is bound by KMS: a required mismatch fails before any KMS call', async () => {
    const { msg } = await seal(kmsKeyring({ generatorKeyId: primary.arn, clientProvider }), p, {
      tenant: 'a',
    });
    let calls = 0;
    // Count the requests that reach KMS (the keyring may ask for clients up front).
    const counted = Object.create(client) as typeof client;
    const send = client.send.bind(client) as (command: never) => Promise<unknown>;
    counted.send = ((command: never) => {
      calls++;
      return send(command);
    }) as typeof client.send;
    const counting = kmsKeyring({ generatorKeyId: primary.arn, clientProvider: () => counted });
    await expect(
      beginDecryption({
        keyring: counting,
        header: msg,
        requiredEncryptionContext: { tenant: 'b' },
      }),
    ).rejects.toMatchObject({
      code: 'ERR_S3ENC_CONTEXT_MISMATCH',
    });
    expect(calls).toBe(0);
    // The same keyring does reach KMS when the context matches.
    const d = await beginDecryption({
      keyring: counting,
      header: msg,
      requiredEncryptionContext: { tenant: 'a' },
    });
    d.destroy();
    expect(calls).toBe(1);
  });

  it('streams through KMS and interoperates with @aws-crypto/client-node both ways', async () => {
    const ours = kmsKeyring({
      generatorKeyId: primary.arn,
      keyIds: [secondary.arn],
      clientProvider,
    });
    const ct = await collect(encryptStream(p, { keyring: ours, frameLength: 1024 }));
    const kms = new KMS({
      endpoint: env.kms.endpoint,
      region: env.kms.region,
      credentials: env.kms.credentials,
      requestHandler: { httpsAgent: makeHttpsAgent(env) },
    });
    const theirKeyring = new KmsKeyringNode({
      generatorKeyId: primary.arn,
      clientProvider: () => kms,
    });
    const r = await oracle.decrypt(theirKeyring, ct);
    expect(Buffer.from(r.plaintext).equals(p)).toBe(true);
    const { result } = await oracle.encrypt(theirKeyring, p, {
      frameLength: 2048,
      suiteId: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY,
    });
    expect((await collect(decryptStream(Buffer.from(result), { keyring: ours }))).equals(p)).toBe(
      true,
    );
  });

  it('kmsClientConfig builds its own clients', async () => {
    const k = kmsKeyring({
      generatorKeyId: primary.arn,
      kmsClientConfig: {
        endpoint: env.kms.endpoint,
        credentials: env.kms.credentials,
        requestHandler: { httpsAgent: makeHttpsAgent(env) },
      },
    });
    const { msg } = await seal(k, p);
    expect((await open(k, msg)).equals(p)).toBe(true);
  });

  describe('kmsDiscoveryKeyring', () => {
    const [, partition, , region, account] = primary.arn.split(':') as [
      string,
      string,
      string,
      string,
      string,
    ];
    const discovery = (o: Partial<Parameters<typeof kmsDiscoveryKeyring>[0]> = {}) =>
      kmsDiscoveryKeyring({ regions: [region], clientProvider, ...o });

    it('decrypts what a key of a filtered account wrapped, without naming the key', async () => {
      const { msg } = await seal(kmsKeyring({ generatorKeyId: secondary.arn, clientProvider }), p);
      const k = discovery({ discoveryFilter: { accountIDs: [account], partition } });
      expect((await open(k, msg)).equals(p)).toBe(true);
    });

    it('refuses keys outside the filter, and keys of another partition', async () => {
      const { msg } = await seal(kmsKeyring({ generatorKeyId: primary.arn, clientProvider }), p);
      for (const discoveryFilter of [
        { accountIDs: ['999999999999'], partition },
        { accountIDs: [account], partition: 'aws-cn' },
      ]) {
        await expect(open(discovery({ discoveryFilter }), msg)).rejects.toMatchObject({
          name: 'KeyUnwrapError',
          code: 'ERR_S3ENC_NO_DATA_KEY',
        });
      }
    });

    it('needs a filter unless trusting any key is asked for by name; cannot encrypt', async () => {
      expect(() => discovery()).toThrow(
        expect.objectContaining({ code: 'ERR_S3ENC_DISCOVERY_FILTER_REQUIRED' }) as Error,
      );
      for (const bad of [
        { regions: [] },
        { discoveryFilter: { accountIDs: [], partition } },
        { discoveryFilter: { accountIDs: ['12'], partition } },
      ]) {
        expect(() => discovery({ trustAnyKmsKeyForDecryption: true, ...bad })).toThrow(
          InvalidArgumentError,
        );
      }
      const trusting = discovery({ trustAnyKmsKeyForDecryption: true });
      const { msg } = await seal(kmsKeyring({ generatorKeyId: primary.arn, clientProvider }), p);
      expect((await open(trusting, msg)).equals(p)).toBe(true);
      await expect(seal(trusting, p)).rejects.toBeInstanceOf(KeyUnwrapError);
    });
  });
});
