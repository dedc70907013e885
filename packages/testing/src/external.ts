// Existing servers named by S3ENC_TEST_* variables (AWS included): nothing is started for a
// side that is external. See docs/testing.md.
import https from 'node:https';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import type { TestCredentials, TestEnv, TestKmsKey } from './types.js';

function credentialsFrom(prefix: string): TestCredentials | undefined {
  const accessKeyId = process.env[`${prefix}_ACCESS_KEY_ID`];
  const secretAccessKey = process.env[`${prefix}_SECRET_ACCESS_KEY`];
  if (!accessKeyId || !secretAccessKey) return undefined;
  const sessionToken = process.env[`${prefix}_SESSION_TOKEN`];
  return sessionToken
    ? { accessKeyId, secretAccessKey, sessionToken }
    : { accessKeyId, secretAccessKey };
}

/** Which sides the environment names as existing servers. */
export function externalSides(): { s3: boolean; kms: boolean } {
  const e = process.env;
  return {
    s3: Boolean(e.S3ENC_TEST_S3_ENDPOINT),
    kms: Boolean(e.S3ENC_TEST_KMS_ENDPOINT || e.S3ENC_TEST_KMS_KEY_ID),
  };
}

/** The external S3 from S3ENC_TEST_S3_* (credentials default to AWS_*). */
export function externalS3(): TestEnv['s3'] {
  const e = process.env;
  const credentials = credentialsFrom('S3ENC_TEST_S3') ?? credentialsFrom('AWS');
  if (!credentials) {
    throw new Error(
      'S3ENC_TEST_S3_ENDPOINT is set but no credentials: set S3ENC_TEST_S3_ACCESS_KEY_ID and ' +
        'S3ENC_TEST_S3_SECRET_ACCESS_KEY (or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)',
    );
  }
  const endpoint = e.S3ENC_TEST_S3_ENDPOINT ?? '';
  const fps = e.S3ENC_TEST_S3_FORCE_PATH_STYLE;
  return {
    endpoint,
    region: e.S3ENC_TEST_S3_REGION || 'us-east-1',
    credentials,
    forcePathStyle: fps ? fps !== '0' && fps !== 'false' : !/amazonaws\.com/.test(endpoint),
  };
}

async function externalKey(id: string, kms: TestEnv['kms'], ca: string): Promise<TestKmsKey> {
  const alias = id.startsWith('alias/') ? id : '';
  let arn = id.startsWith('arn:') ? id : '';
  const client = new KMSClient({
    endpoint: kms.endpoint,
    region: kms.region,
    credentials: kms.credentials,
    ...(ca
      ? { requestHandler: { httpsAgent: new https.Agent({ ca, minVersion: 'TLSv1.2' }) } }
      : {}),
  });
  try {
    const out = await client.send(new DescribeKeyCommand({ KeyId: id }));
    arn = out.KeyMetadata?.Arn ?? arn;
  } catch (err) {
    throw new Error(
      `DescribeKey(${id}) against ${kms.endpoint} failed: ${(err as Error).message}`,
      { cause: err },
    );
  } finally {
    client.destroy();
  }
  return { keyId: id, arn: arn || id, alias };
}

/** The external KMS from S3ENC_TEST_KMS_*: two keys, resolved to ARNs with DescribeKey. */
export async function externalKms(
  s3: TestEnv['s3'] | undefined,
  ca: string,
): Promise<{ kms: TestEnv['kms']; kmsKeys: TestEnv['kmsKeys'] }> {
  const e = process.env;
  const region = e.S3ENC_TEST_KMS_REGION || e.S3ENC_TEST_S3_REGION || 'us-east-1';
  const credentials =
    credentialsFrom('S3ENC_TEST_KMS') ?? s3?.credentials ?? credentialsFrom('AWS');
  if (!credentials) {
    throw new Error(
      'External KMS configured but no credentials: set S3ENC_TEST_KMS_ACCESS_KEY_ID and ' +
        'S3ENC_TEST_KMS_SECRET_ACCESS_KEY (or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)',
    );
  }
  const id1 = e.S3ENC_TEST_KMS_KEY_ID;
  const id2 = e.S3ENC_TEST_KMS_KEY_ID_2;
  if (!id1 || !id2) {
    throw new Error(
      'External KMS needs two symmetric keys: set S3ENC_TEST_KMS_KEY_ID and S3ENC_TEST_KMS_KEY_ID_2',
    );
  }
  const kms = {
    endpoint: e.S3ENC_TEST_KMS_ENDPOINT || `https://kms.${region}.amazonaws.com`,
    region,
    credentials,
  };
  return {
    kms,
    kmsKeys: {
      primary: await externalKey(id1, kms, ca),
      secondary: await externalKey(id2, kms, ca),
    },
  };
}
