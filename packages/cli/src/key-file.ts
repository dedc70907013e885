/**
 * Raw AES-256 key files (`s3enc keygen`). The key is recorded in each object's header under
 * namespace `s3enc-raw-aes` and a name derived from the key itself with a keyed,
 * domain-separated function (`hmac-sha256:` + 32 hex digits; core's `rawKeyName`), so
 * `s3enc head` tells which key file an object needs and a wrong key file is reported as "no
 * matching key" without trial decryption. Objects written by s3enc 0.1 name the key
 * `sha256:` + 16 hex digits of its SHA-256; they are read under that name too. Accepted file
 * contents (core's `decodeKey256`): 32 raw bytes, 64 hex digits or 44 base64 characters, text
 * optionally followed by one line ending.
 */
import { readFile } from 'node:fs/promises';
import {
  decodeKey256,
  legacyRawKeyName,
  RAW_KEY_NAMESPACE,
  rawAesKeyring,
  rawKeyName,
  wipe,
  type Keyring,
} from '@s3enc/core';
import { LocalFileError, UsageError } from './cli-errors.js';

export { RAW_KEY_NAMESPACE };

/** The key name recorded in headers for this key. */
export function keyNameFor(key: Uint8Array): string {
  return rawKeyName(key);
}

/** Reads a key file into a raw AES keyring; the key bytes are wiped here once the keyring holds them. */
export async function keyringFromKeyFile(
  path: string,
): Promise<{ keyring: Keyring; keyId: string }> {
  const key = await readAesKeyFile(path);
  try {
    const keyName = rawKeyName(key);
    return {
      keyring: rawAesKeyring({
        key,
        keyName,
        keyNamespace: RAW_KEY_NAMESPACE,
        legacyKeyNames: [legacyRawKeyName(key)],
      }),
      keyId: `${RAW_KEY_NAMESPACE}/${keyName}`,
    };
  } finally {
    wipe(key);
  }
}

/**
 * The 32 key bytes of a key file (for S3 Encryption Client objects wrapped with an AES key,
 * which a keyring cannot reach). The caller wipes them.
 */
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
  try {
    return decodeKey256(bytes, { what: '--key-file' });
  } catch {
    throw new UsageError(
      `--key-file ${path} does not hold an AES-256 key (32 raw bytes, 64 hex or 44 base64 characters); create one with \`s3enc keygen FILE\``,
    );
  } finally {
    wipe(bytes);
  }
}
