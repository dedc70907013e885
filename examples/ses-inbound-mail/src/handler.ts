/**
 * SES inbound mail: an Amazon SES receipt rule stores each received message in S3, encrypted
 * client-side with KMS (the S3 Encryption Client V1 format SES writes: `kms` key wrap, AES/GCM
 * content, the material description holding `kms_cmk_id` and `aws:ses:*` entries). The bucket's
 * `ObjectCreated` event invokes this function, which
 *
 * 1. reads and decrypts the message with `EncryptedS3Client.get` — the whole object is
 *    authenticated (GCM) before any byte is released, and the SES entries of the material
 *    description (source account, and the receipt rule when configured) must match;
 * 2. parses the MIME message with `mailparser`;
 * 3. emits sender, recipients, subject, date and the attachment list (name, type, size,
 *    SHA-256) — never the message body;
 * 4. optionally re-encrypts the message into the s3enc format (authenticated ranged reads,
 *    AWS Encryption SDK message format) under REENCRYPT_BUCKET.
 *
 * A failure throws, so Lambda retries the event and then sends it to the failure destination.
 *
 * Configuration (environment): KMS_KEY_ARN, SES_SOURCE_ACCOUNT (the account whose SES wrote
 * the mail), SES_RULE_NAME (optional: the receipt rule that must have written it),
 * REENCRYPT_BUCKET and REENCRYPT_PREFIX (optional). On premises / in tests also
 * AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_KMS and AWS_CA_BUNDLE. Credentials: the function's
 * execution role.
 */
import { createHash } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { KMSClient } from '@aws-sdk/client-kms';
import { simpleParser, type AddressObject } from 'mailparser';
import { EncryptedS3Client, buildKmsClientConfig, buildS3ClientConfig } from '@s3enc/node';

/** The parts of an S3 event notification record this handler reads. */
export interface S3EventRecord {
  eventName: string;
  s3: {
    bucket: { name: string };
    object: { key: string; size?: number; versionId?: string };
  };
}
export interface S3Event {
  Records: S3EventRecord[];
}

export interface MailConfig {
  kmsKeyArn: string;
  sesSourceAccount: string;
  sesRuleName: string | undefined;
  reencryptBucket: string | undefined;
  reencryptPrefix: string;
  s3: S3Client;
  kms: KMSClient;
}

export interface AttachmentSummary {
  filename: string | undefined;
  contentType: string;
  size: number;
  sha256: string;
}

export interface MailOutcome {
  source: string;
  status: 'parsed' | 'skipped';
  reason?: string;
  /** The SES message id (the object key's last segment, as SES names it). */
  sesMessageId?: string;
  from?: string[];
  to?: string[];
  subject?: string;
  date?: string;
  attachments?: AttachmentSummary[];
  reencrypted?: { bucket: string; key: string; versionId: string | undefined };
}

/** SES writes this plaintext object when a receipt rule's S3 action is set up. */
const SETUP_NOTIFICATION = 'AMAZON_SES_SETUP_NOTIFICATION';

/** Reads the configuration from environment variables (see the file comment). */
export function configFromEnv(env: Record<string, string | undefined> = process.env): MailConfig {
  const need = (k: string) => {
    const v = env[k];
    if (v === undefined || v === '') throw new Error(`environment variable ${k} is required`);
    return v;
  };
  const account = need('SES_SOURCE_ACCOUNT');
  if (!/^\d{12}$/.test(account))
    throw new Error('SES_SOURCE_ACCOUNT must be a 12-digit account id');
  const ca = env.AWS_CA_BUNDLE || undefined;
  const region = env.AWS_REGION;
  const s3Endpoint = env.AWS_ENDPOINT_URL_S3 || undefined;
  return {
    kmsKeyArn: need('KMS_KEY_ARN'),
    sesSourceAccount: account,
    sesRuleName: env.SES_RULE_NAME || undefined,
    reencryptBucket: env.REENCRYPT_BUCKET || undefined,
    reencryptPrefix: env.REENCRYPT_PREFIX ?? '',
    s3: new S3Client(
      buildS3ClientConfig({
        region,
        endpoint: s3Endpoint,
        forcePathStyle: s3Endpoint !== undefined,
        ca,
      }),
    ),
    kms: new KMSClient(
      buildKmsClientConfig({ region, endpoint: env.AWS_ENDPOINT_URL_KMS || undefined, ca }),
    ),
  };
}

/** S3 event keys are URL-encoded, with '+' for spaces. */
export function decodeEventKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

function addresses(a: AddressObject | AddressObject[] | undefined): string[] {
  const list = a === undefined ? [] : Array.isArray(a) ? a : [a];
  return list.flatMap((o) => o.value.map((v) => v.address ?? v.name));
}

/** Builds the handler around a configuration (tests inject clients for the local servers). */
export function createHandler(cfg: MailConfig): (event: S3Event) => Promise<MailOutcome[]> {
  const client = new EncryptedS3Client({
    s3: cfg.s3,
    kmsKeyIds: [cfg.kmsKeyArn],
    kms: cfg.kms,
  });
  // The SES entries of the material description (the KMS encryption context) that must match:
  // checked before the data key is unwrapped, so mail from another account or rule is refused.
  const required: Record<string, string> = { 'aws:ses:source-account': cfg.sesSourceAccount };
  if (cfg.sesRuleName !== undefined) required['aws:ses:rule-name'] = cfg.sesRuleName;

  return async (event) => {
    const outcomes: MailOutcome[] = [];
    for (const record of event.Records ?? []) {
      const bucket = record.s3.bucket.name;
      const key = decodeEventKey(record.s3.object.key);
      const versionId = record.s3.object.versionId || undefined;
      const source = `s3://${bucket}/${key}`;
      if (!record.eventName.startsWith('ObjectCreated:')) {
        outcomes.push({ source, status: 'skipped', reason: `event ${record.eventName}` });
        continue;
      }
      if (key.endsWith(SETUP_NOTIFICATION)) {
        outcomes.push({ source, status: 'skipped', reason: 'SES setup notification' });
        continue;
      }
      const got = await client.get(bucket, key, {
        encryptionContext: required,
        ...(versionId ? { versionId } : {}),
      });
      const mime = await got.bytes();
      try {
        const mail = await simpleParser(mime, { skipHtmlToText: true, skipTextLinks: true });
        const attachments = mail.attachments.map((a) => ({
          filename: a.filename,
          contentType: a.contentType,
          size: a.size,
          sha256: createHash('sha256').update(a.content).digest('hex'),
        }));
        const outcome: MailOutcome = {
          source,
          status: 'parsed',
          // SES names each stored message by its SES message id (after the rule's key prefix).
          sesMessageId: key.slice(key.lastIndexOf('/') + 1),
          from: addresses(mail.from),
          to: addresses(mail.to),
          subject: mail.subject ?? '',
          ...(mail.date ? { date: mail.date.toISOString() } : {}),
          attachments,
        };
        if (cfg.reencryptBucket !== undefined) {
          const put = await client.put(cfg.reencryptBucket, `${cfg.reencryptPrefix}${key}`, mime, {
            // Not secret, bound to the object and logged by KMS: where the mail came from.
            encryptionContext: { 'ses-mail-source': source },
            contentType: 'message/rfc822',
          });
          outcome.reencrypted = { bucket: put.bucket, key: put.key, versionId: put.versionId };
        }
        outcomes.push(outcome);
        // Headers only: the body and attachments never reach the logs.
        console.log(
          JSON.stringify({
            msg: 'mail',
            source,
            from: outcome.from,
            subject: outcome.subject,
            attachments: attachments.map((a) => a.filename),
          }),
        );
      } finally {
        mime.fill(0);
      }
    }
    return outcomes;
  };
}

let cached: ((event: S3Event) => Promise<MailOutcome[]>) | undefined;

/** The Lambda entry point (configured from the environment on first use). */
export const handler = async (event: S3Event): Promise<MailOutcome[]> => {
  cached ??= createHandler(configFromEnv());
  return cached(event);
};
