/**
 * Raw AES-256 key files (`s3enc keygen`). The key is recorded in each object's header under
 * namespace `s3enc-raw-aes` and a name derived from the key itself (`sha256:` + 16 hex digits
 * of its SHA-256), so `s3enc head` tells which key file an object needs and a wrong key file is
 * reported as "no matching key" without trial decryption. The name reveals nothing usable
 * about a 256-bit random key. Accepted file contents, as the core keyring reads them: 32 raw
 * bytes, 64 hex characters, or 44 base64 characters.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { rawAesKeyring, type Keyring } from '@s3enc/core';
import { LocalFileError, UsageError } from './cli-errors.js';

export const RAW_KEY_NAMESPACE = 's3enc-raw-aes';

function decodeKey(bytes: Buffer): Buffer | undefined {
  if (bytes.length === 32) return Buffer.from(bytes);
  const text = bytes.toString('utf8').trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/]{43}=$/.test(text)) return Buffer.from(text, 'base64');
  return undefined;
}

/** The key name recorded in headers for this key. */
export function keyNameFor(key: Uint8Array): string {
  return `sha256:${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}

/** Reads a key file into a raw AES keyring; the key bytes are zeroed here once the keyring holds them. */
export async function keyringFromKeyFile(
  path: string,
): Promise<{ keyring: Keyring; keyId: string }> {
  const key = await readAesKeyFile(path);
  try {
    const keyName = keyNameFor(key);
    return {
      keyring: rawAesKeyring({ key, keyName, keyNamespace: RAW_KEY_NAMESPACE }),
      keyId: `${RAW_KEY_NAMESPACE}/${keyName}`,
    };
  } finally {
    key.fill(0);
  }
}

/** The 32 key bytes of a key file; the caller zeroes them. */
export async function readAesKeyFile(path: string): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new LocalFileError(
      'ERR_S3ENC_CLI_FILE',
      `cannot read --key-file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      { cause: e },
    );
  }
  const key = decodeKey(bytes);
  bytes.fill(0);
  if (key === undefined || key.length !== 32) {
    throw new UsageError(
      `--key-file ${path} does not hold an AES-256 key (32 raw bytes, 64 hex or 44 base64 characters); create one with \`s3enc keygen FILE\``,
    );
  }
  return key;
}
