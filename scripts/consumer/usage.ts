// Type-checked by scripts/pack-check.sh in a fresh project that installed the packed tarballs,
// with `tsc --strict` and WITHOUT skipLibCheck: the published declarations must compile as a
// consumer sees them, and no public value may silently be `any`.
import { randomBytes } from 'node:crypto';
import {
  SUITE_ID,
  S3EncError,
  decryptStream,
  encryptStream,
  rawAesKeyring,
  type EncryptionContext,
  type Keyring,
} from '@s3enc/core';
import { EncryptedS3Client, type PutOptions } from '@s3enc/node';
import { ExitCode, run } from 's3enc';

type IsAny<T> = 0 extends 1 & T ? true : false;
type NotAny<T> = IsAny<T> extends true ? false : true;
type Assert<T extends true> = T;

export type PublicTypesAreNotAny = [
  Assert<NotAny<typeof SUITE_ID>>,
  Assert<NotAny<typeof encryptStream>>,
  Assert<NotAny<ReturnType<typeof encryptStream>>>,
  Assert<NotAny<Keyring>>,
  Assert<NotAny<EncryptedS3Client>>,
  Assert<NotAny<PutOptions>>,
  Assert<NotAny<typeof run>>,
];

export const suite: 0x0478 = SUITE_ID;
export const usageExit: 2 = ExitCode.USAGE;

export async function roundTrip(text: string): Promise<string> {
  const key = randomBytes(32);
  const keyring = (): Keyring => rawAesKeyring({ key, keyName: 'k', keyNamespace: 'consumer' });
  const context: EncryptionContext = { purpose: 'pack-check' };
  const sealed = encryptStream(Buffer.from(text), {
    keyring: keyring(),
    encryptionContext: context,
  });
  const chunks: Buffer[] = [];
  for await (const chunk of decryptStream(sealed, {
    keyring: keyring(),
    requiredEncryptionContext: context,
  })) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function client(): EncryptedS3Client {
  return new EncryptedS3Client({
    s3: { region: 'eu-west-1' },
    kmsKeyIds: ['arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000000'],
  });
}

export function codeOf(e: unknown): string | undefined {
  return e instanceof S3EncError ? e.code : undefined;
}
