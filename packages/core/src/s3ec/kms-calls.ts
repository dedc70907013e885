/**
 * The two KMS calls the S3EC formats need (Decrypt, GenerateDataKey), made through the caller's
 * KMS clients held to https (the data key travels in the answers). Structural types keep core
 * free of a direct SDK dependency; the aggregated `KMS` class re-exported by
 * @aws-crypto/kms-keyring-node turns a bare `KMSClient` (`send`) into method calls.
 */
import { KMS } from '@aws-crypto/kms-keyring-node';
import { InvalidArgumentError } from '../errors.js';
import { enforceHttpsOnly, hasMiddlewareStack } from '../https-only.js';
import type { KmsClientLike } from './kms-types.js';
import { wipe } from '../key-material.js';

type Call = (this: unknown, input: Record<string, unknown>) => Promise<unknown>;
const aggregated = KMS.prototype as unknown as Record<'decrypt' | 'generateDataKey', Call>;

function callOn(
  client: KmsClientLike,
  name: 'decrypt' | 'generateDataKey',
  input: Record<string, unknown>,
) {
  if (hasMiddlewareStack(client)) enforceHttpsOnly(client);
  const own = (client as Record<string, unknown>)[name];
  if (typeof own === 'function') return (own as Call).call(client, input);
  if (typeof (client as { send?: unknown }).send !== 'function')
    throw new InvalidArgumentError('a KMS client must be a KMSClient or KMS');
  return aggregated[name].call(client, input);
}

/** KMS Decrypt's answer: the key that decrypted and the plaintext (the caller zeroes it). */
export interface KmsDecrypted {
  readonly keyId: string | undefined;
  readonly plaintext: Buffer;
}

export async function kmsDecrypt(
  client: KmsClientLike,
  input: {
    keyId?: string | undefined;
    ciphertext: Uint8Array;
    encryptionContext: Readonly<Record<string, string>>;
    grantTokens?: readonly string[] | undefined;
  },
): Promise<KmsDecrypted> {
  const out = (await callOn(client, 'decrypt', {
    ...(input.keyId !== undefined ? { KeyId: input.keyId } : {}),
    CiphertextBlob: input.ciphertext,
    EncryptionContext: { ...input.encryptionContext },
    ...(input.grantTokens ? { GrantTokens: [...input.grantTokens] } : {}),
  })) as { KeyId?: unknown; Plaintext?: unknown };
  if (!(out.Plaintext instanceof Uint8Array)) throw new Error('KMS Decrypt returned no plaintext');
  const plaintext = Buffer.from(out.Plaintext);
  wipe(out.Plaintext);
  return { keyId: typeof out.KeyId === 'string' ? out.KeyId : undefined, plaintext };
}

export async function kmsGenerateDataKey(
  client: KmsClientLike,
  input: {
    keyId: string;
    encryptionContext: Readonly<Record<string, string>>;
    grantTokens?: readonly string[] | undefined;
  },
): Promise<{ keyId: string | undefined; plaintext: Buffer; ciphertext: Buffer }> {
  const out = (await callOn(client, 'generateDataKey', {
    KeyId: input.keyId,
    KeySpec: 'AES_256',
    EncryptionContext: { ...input.encryptionContext },
    ...(input.grantTokens ? { GrantTokens: [...input.grantTokens] } : {}),
  })) as { KeyId?: unknown; Plaintext?: unknown; CiphertextBlob?: unknown };
  if (!(out.Plaintext instanceof Uint8Array) || !(out.CiphertextBlob instanceof Uint8Array))
    throw new Error('KMS GenerateDataKey returned no key');
  const plaintext = Buffer.from(out.Plaintext);
  wipe(out.Plaintext);
  return {
    keyId: typeof out.KeyId === 'string' ? out.KeyId : undefined,
    plaintext,
    ciphertext: Buffer.from(out.CiphertextBlob),
  };
}

/** The parts of a KMS key ARN, or undefined for a key id or alias that is not an ARN. */
export function parseKmsArn(
  id: string,
): { partition: string; region: string; account: string; resource: string } | undefined {
  const m = /^arn:([a-z0-9-]+):kms:([a-z0-9-]+):(\d{12}):((?:key|alias)\/.+)$/.exec(id);
  if (m === null) return undefined;
  return { partition: m[1]!, region: m[2]!, account: m[3]!, resource: m[4]! };
}
