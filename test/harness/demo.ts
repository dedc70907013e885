// The README demo (until the CLI lands): start the local servers, then do an encrypted-transport
// round trip — TLS-only S3 with the run's CA, an SSE-C object, an SSE-KMS object, a KMS data key
// with an encryption context — printing each step, and stop the servers.
// Run with ./scripts/demo.sh.
import { createHash, randomBytes } from 'node:crypto';
import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { DecryptCommand, GenerateDataKeyCommand } from '@aws-sdk/client-kms';
import { createTestBucket, makeKmsClient, makeS3Client, startTestServers } from './env.js';

const say = (msg: string) => {
  console.log(msg);
};
const step = (n: number, msg: string) => {
  say(`\n[${n}] ${msg}`);
};

async function main(): Promise<void> {
  step(1, 'Starting the local test servers (fresh CA, MinIO over TLS, local-kms behind TLS)');
  const servers = await startTestServers({
    log: (m) => {
      say(`    ${m}`);
    },
  });
  const { env } = servers;
  try {
    say(`    S3  endpoint: ${env.s3.endpoint}`);
    say(`    KMS endpoint: ${env.kms.endpoint}`);
    say(`    CA          : ${env.caPath || '(system trust store)'}`);

    const s3 = makeS3Client(env, { maxAttempts: 1 });
    const kms = makeKmsClient(env, { maxAttempts: 1 });
    const bucket = await createTestBucket(env, { prefix: 'demo' });
    try {
      step(2, `Bucket ${bucket.name} created over TLS (certificate verified against the run's CA)`);

      const key = randomBytes(32);
      const sseC = {
        SSECustomerAlgorithm: 'AES256',
        SSECustomerKey: key.toString('base64'),
        SSECustomerKeyMD5: createHash('md5').update(key).digest('base64'),
      };
      const body = Buffer.from('s3enc demo: this object is encrypted by the server with my key\n');
      await s3.send(
        new PutObjectCommand({ Bucket: bucket.name, Key: 'sse-c.txt', Body: body, ...sseC }),
      );
      step(3, `PUT sse-c.txt with an SSE-C key (${body.length} bytes; key sent only over TLS)`);

      const got = await s3.send(
        new GetObjectCommand({ Bucket: bucket.name, Key: 'sse-c.txt', ...sseC }),
      );
      const back = Buffer.from(await got.Body!.transformToByteArray());
      if (!back.equals(body)) throw new Error('SSE-C round trip returned different bytes');
      step(4, `GET sse-c.txt with the same key: ${back.length} bytes, identical`);

      const wrong = randomBytes(32);
      const status = await s3
        .send(
          new GetObjectCommand({
            Bucket: bucket.name,
            Key: 'sse-c.txt',
            SSECustomerAlgorithm: 'AES256',
            SSECustomerKey: wrong.toString('base64'),
            SSECustomerKeyMD5: createHash('md5').update(wrong).digest('base64'),
          }),
        )
        .then(
          () => 200,
          (e: unknown) =>
            e instanceof S3ServiceException ? (e.$metadata.httpStatusCode ?? 0) : -1,
        );
      if (status !== 403) throw new Error(`GET with a wrong SSE-C key answered ${status}, not 403`);
      step(5, 'GET sse-c.txt with a wrong key: refused (403)');

      await s3.send(
        new PutObjectCommand({
          Bucket: bucket.name,
          Key: 'sse-kms.txt',
          Body: 'SSE-KMS demo',
          ServerSideEncryption: 'aws:kms',
        }),
      );
      const head = await s3.send(
        new HeadObjectCommand({ Bucket: bucket.name, Key: 'sse-kms.txt' }),
      );
      step(
        6,
        `PUT sse-kms.txt with SSE-KMS: HeadObject reports ServerSideEncryption=${head.ServerSideEncryption ?? '-'}`,
      );

      const context = { bucket: bucket.name, key: 'demo-object' };
      const dk = await kms.send(
        new GenerateDataKeyCommand({
          KeyId: env.kmsKeys.primary.alias || env.kmsKeys.primary.keyId,
          KeySpec: 'AES_256',
          EncryptionContext: context,
        }),
      );
      step(
        7,
        `KMS GenerateDataKey over TLS under ${dk.KeyId ?? '?'} (context ${JSON.stringify(context)})`,
      );
      const dec = await kms.send(
        new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob, EncryptionContext: context }),
      );
      if (!Buffer.from(dec.Plaintext!).equals(Buffer.from(dk.Plaintext!))) {
        throw new Error('KMS Decrypt returned a different data key');
      }
      const refused = await kms
        .send(
          new DecryptCommand({
            CiphertextBlob: dk.CiphertextBlob,
            EncryptionContext: { ...context, key: 'other-object' },
          }),
        )
        .then(
          () => 'accepted (unexpected!)',
          (e: unknown) => `refused (${(e as Error).name})`,
        );
      step(
        8,
        `KMS Decrypt with the same context: data key recovered; with another context: ${refused}`,
      );
    } finally {
      await bucket.cleanup();
      s3.destroy();
      kms.destroy();
    }
  } finally {
    step(9, 'Stopping the servers and removing the temp dir');
    await servers.stop();
  }
  say('\nDemo finished: every request above went over TLS 1.2+ to loopback servers.');
}

main().catch((err: unknown) => {
  console.error('\nDemo FAILED:', err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
