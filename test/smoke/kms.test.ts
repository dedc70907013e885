// Smoke: KMS GenerateDataKey + Decrypt over TLS (through the terminator in front of local-kms)
// with an encryption context; a different context fails.
import {
  DecryptCommand,
  DescribeKeyCommand,
  GenerateDataKeyCommand,
  InvalidCiphertextException,
} from '@aws-sdk/client-kms';
import { afterAll, describe, expect, it } from 'vitest';
import { getTestEnv, makeKmsClient } from '../harness/env.js';

const env = getTestEnv();
const kms = makeKmsClient(env, { maxAttempts: 1 });
afterAll(() => {
  kms.destroy();
});

describe('KMS through TLS', () => {
  it('uses an https endpoint', () => {
    expect(new URL(env.kms.endpoint).protocol).toBe('https:');
  });

  it('has two distinct seeded keys', async () => {
    const { primary, secondary } = env.kmsKeys;
    expect(primary.arn).not.toBe(secondary.arn);
    for (const k of [primary, secondary]) {
      const d = await kms.send(new DescribeKeyCommand({ KeyId: k.alias || k.keyId }));
      expect(d.KeyMetadata?.Arn).toBe(k.arn);
      expect(d.KeyMetadata?.KeyState).toBe('Enabled');
    }
  });

  it('GenerateDataKey + Decrypt with an encryption context; another context fails', async () => {
    const context = { purpose: 's3enc-smoke', bucket: 'b1' };
    const gen = await kms.send(
      new GenerateDataKeyCommand({
        KeyId: env.kmsKeys.primary.keyId,
        KeySpec: 'AES_256',
        EncryptionContext: context,
      }),
    );
    expect(gen.Plaintext?.length).toBe(32);
    expect(gen.KeyId).toBe(env.kmsKeys.primary.arn);

    const dec = await kms.send(
      new DecryptCommand({ CiphertextBlob: gen.CiphertextBlob, EncryptionContext: context }),
    );
    expect(Buffer.from(dec.Plaintext!)).toEqual(Buffer.from(gen.Plaintext!));
    expect(dec.KeyId).toBe(env.kmsKeys.primary.arn);

    const wrong = await kms
      .send(
        new DecryptCommand({
          CiphertextBlob: gen.CiphertextBlob,
          EncryptionContext: { ...context, bucket: 'b2' },
        }),
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(wrong).toBeInstanceOf(InvalidCiphertextException);

    const missing = await kms.send(new DecryptCommand({ CiphertextBlob: gen.CiphertextBlob })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(missing).toBeInstanceOf(InvalidCiphertextException);
  });

  it.skipIf(env.external)('the KMS endpoint refuses TLS 1.1', async () => {
    const tls = await import('node:tls');
    const { hostname, port } = new URL(env.kms.endpoint);
    const err = await new Promise<Error | undefined>((resolve) => {
      const sock = tls.connect(
        {
          host: hostname,
          port: Number(port),
          ca: env.ca,
          maxVersion: 'TLSv1.1',
          minVersion: 'TLSv1',
        },
        () => {
          sock.end();
          resolve(undefined);
        },
      );
      sock.on('error', resolve);
    });
    expect(err).toBeInstanceOf(Error);
  });
});
