// Copied into the consumer project as put-get.jest.test.js by test/consumer-testing/run.sh:
// the Jest entries of the kit, and a bucket made from a test.
import { randomBytes } from 'node:crypto';
import { expect, test } from '@jest/globals';
import { EncryptedS3Client } from '@s3enc/node';
import { createTestBucket, encryptedClientOptions, testEnv } from '@s3enc/testing';

test('puts and gets an encrypted object through @s3enc/testing under Jest', async () => {
  const env = testEnv();
  const bucket = await createTestBucket(env, { versioning: true, prefix: 'consumer-jest' });
  try {
    const client = new EncryptedS3Client(encryptedClientOptions(env));
    const plaintext = randomBytes(50_000);
    await client.put(bucket.name, 'a.bin', plaintext);
    const got = await client.get(bucket.name, 'a.bin');
    expect((await got.bytes()).equals(plaintext)).toBe(true);
  } finally {
    await bucket.cleanup();
  }
});
