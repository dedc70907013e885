// Copied into the consumer project as put-get.test.ts by test/consumer-testing/run.sh: an
// encrypted object put and got through the kit's client configuration, in a bucket it made.
import { randomBytes } from 'node:crypto';
import { EncryptedS3Client } from '@s3enc/node';
import { encryptedClientOptions, testEnv } from '@s3enc/testing';
import { expect, it } from 'vitest';

it('puts and gets an encrypted object through @s3enc/testing', async () => {
  const env = testEnv();
  const client = new EncryptedS3Client(encryptedClientOptions(env));
  const plaintext = randomBytes(100_000);
  const put = await client.put('consumer-vault', 'reports/2026.bin', plaintext, {
    encryptionContext: { project: 'consumer' },
  });
  expect(put.keyIds).toEqual([env.kmsKeys.primary.arn]);
  expect(put.versionId).toBeTruthy(); // Object Lock implies versioning
  const got = await client.get('consumer-vault', 'reports/2026.bin', {
    encryptionContext: { project: 'consumer' },
  });
  expect((await got.bytes()).equals(plaintext)).toBe(true);
});
