// A client for a MinIO STS session (AssumeRole with a session policy) limited to the given S3
// actions on one bucket, so a refusal comes from the real server.
import { Agent } from 'node:https';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { Keyring } from '@s3enc/core';
import { EncryptedS3Client } from '@s3enc/node';
import type { TestEnv } from '../harness/env.js';
import { s3Settings } from '../transfer/helpers.js';

/** Every S3 action a rewrap uses (deleting the source version excluded). */
export const REWRAP_ACTIONS = [
  's3:GetObject',
  's3:GetObjectVersion',
  's3:GetObjectTagging',
  's3:GetObjectVersionTagging',
  's3:GetObjectRetention',
  's3:GetObjectLegalHold',
  's3:PutObject',
  's3:PutObjectTagging',
  's3:PutObjectRetention',
  's3:PutObjectLegalHold',
  's3:AbortMultipartUpload',
  's3:ListMultipartUploadParts',
  's3:ListBucket',
  's3:ListBucketVersions',
  's3:ListBucketMultipartUploads',
];

/** An EncryptedS3Client whose credentials allow only `actions` on `bucket`. */
export async function sessionClient(
  env: TestEnv,
  bucket: string,
  actions: readonly string[],
  keyring: Keyring,
): Promise<EncryptedS3Client> {
  const sts = new STSClient({
    endpoint: env.s3.endpoint,
    region: env.s3.region,
    credentials: env.s3.credentials,
    requestHandler: { httpsAgent: new Agent({ ca: env.ca }) },
  });
  try {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: actions,
          Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
        },
      ],
    };
    const r = await sts.send(
      new AssumeRoleCommand({
        RoleArn: 'arn:minio:iam:::role/s3enc-test',
        RoleSessionName: 'rewrap-permissions',
        Policy: JSON.stringify(policy),
        DurationSeconds: 900,
      }),
    );
    const c = r.Credentials!;
    return new EncryptedS3Client({
      s3: {
        ...s3Settings(env),
        credentials: {
          accessKeyId: c.AccessKeyId!,
          secretAccessKey: c.SecretAccessKey!,
          sessionToken: c.SessionToken!,
        },
      },
      keyring,
      frameLength: 4096,
    });
  } finally {
    sts.destroy();
  }
}
