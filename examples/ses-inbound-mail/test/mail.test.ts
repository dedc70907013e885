// The ses-inbound-mail Lambda, bundled with esbuild and invoked with a real S3 event fixture
// against MinIO + local-kms. The stored mail is written the way Amazon SES writes it: by the AWS
// SDK for Java v1 `AmazonS3EncryptionClient` (the V1-era S3 Encryption Client SES uses), KMS key
// wrap `kms`, AES/GCM content, `aws:ses:*` entries in the material description.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EncryptedS3Client } from '@s3enc/node';
import {
  createTestBucket,
  getTestEnv,
  makeS3Client,
  type TestBucket,
} from '../../../test/harness/env.js';
import { runJavaPeer } from '../../../test/peers/peers.js';
import { bundleExample } from '../../shared/src/bundle.js';

const env = getTestEnv();
const s3 = makeS3Client(env);
let mail: TestBucket;
let archive: TestBucket;

interface Outcome {
  source: string;
  status: string;
  reason?: string;
  sesMessageId?: string;
  from?: string[];
  to?: string[];
  subject?: string;
  date?: string;
  attachments?: { filename?: string; contentType: string; size: number; sha256: string }[];
  reencrypted?: { bucket: string; key: string; versionId?: string };
}
type Handler = (event: unknown) => Promise<Outcome[]>;

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);
const eventJson = readFileSync(fixture('s3-event-ses-put.json'), 'utf8');
const emlPath = fileURLToPath(fixture('inbound-message.eml'));
const eml = readFileSync(emlPath);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const ACCOUNT = '111122223333';
const RULE = 'inbound-to-s3';
const MESSAGE_ID = 'o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1';

/** The material description SES gives the mail it stores (kms_cmk_id is added by the client). */
function sesMatdesc(messageId: string, rule = RULE): Record<string, string> {
  return {
    'aws:ses:message-id': messageId,
    'aws:ses:rule-name': rule,
    'aws:ses:source-account': ACCOUNT,
  };
}

/** Stores `file` at `inbound/<messageId>` as SES does (Java v1 encryption client). */
async function storeAsSes(messageId: string, rule = RULE): Promise<string> {
  const key = `inbound/${messageId}`;
  const r = await runJavaPeer(
    env,
    'sdk1-v1',
    'put',
    { bucket: mail.name, kmsKeyId: env.kmsKeys.primary.arn, matdesc: sesMatdesc(messageId, rule) },
    [[key, emlPath]],
  );
  expect(r.results, r.stderr).toEqual([{ key, ok: true }]);
  return key;
}

async function eventFor(key: string, eventName?: string): Promise<unknown> {
  const h = await s3.send(new HeadObjectCommand({ Bucket: mail.name, Key: key })).catch(() => ({
    ETag: '"0"',
    VersionId: '',
    ContentLength: 0,
  }));
  const ev = JSON.parse(
    eventJson
      .replaceAll('__MAIL_BUCKET__', mail.name)
      .replace('__KEY__', encodeURIComponent(key).replace(/%2F/g, '/'))
      .replace('__ETAG__', (h.ETag ?? '').replaceAll('"', ''))
      .replace('__VERSION_ID__', h.VersionId ?? ''),
  ) as { Records: { eventName: string; s3: { object: { size: number } } }[] };
  ev.Records[0]!.s3.object.size = h.ContentLength ?? 0;
  if (eventName) ev.Records[0]!.eventName = eventName;
  return ev;
}

let bundleFile = '';
let loads = 0;
/** A fresh instance of the bundled handler, configured from `vars` (as the SAM template sets). */
async function loadHandler(vars: Record<string, string>): Promise<Handler> {
  Object.assign(process.env, {
    KMS_KEY_ARN: env.kmsKeys.primary.arn,
    SES_SOURCE_ACCOUNT: ACCOUNT,
    SES_RULE_NAME: RULE,
    REENCRYPT_BUCKET: '',
    REENCRYPT_PREFIX: '',
    AWS_REGION: env.s3.region,
    AWS_ENDPOINT_URL_S3: env.s3.endpoint,
    AWS_ENDPOINT_URL_KMS: env.kms.endpoint,
    AWS_CA_BUNDLE: env.caPath,
    AWS_ACCESS_KEY_ID: env.s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: env.s3.credentials.secretAccessKey,
    ...vars,
  });
  const mod = (await import(`${pathToFileURL(bundleFile).href}?instance=${++loads}`)) as {
    handler: Handler;
  };
  // The module reads its configuration on first use: call it once with no records.
  await mod.handler({ Records: [] });
  return mod.handler;
}

beforeAll(async () => {
  mail = await createTestBucket(env, { versioning: true, prefix: 's3enc-ex-ses-mail' });
  archive = await createTestBucket(env, { prefix: 's3enc-ex-ses-archive' });
  bundleFile = (await bundleExample('ses-inbound-mail')).outfile;
});
afterAll(async () => {
  await mail.cleanup();
  await archive.cleanup();
  s3.destroy();
});

describe('ses-inbound-mail (bundled handler)', () => {
  it('decrypts mail stored in the SES format, emits sender, subject and attachments, re-encrypts', async () => {
    const key = await storeAsSes(MESSAGE_ID);
    // The object is the SES shape, not plaintext.
    const h = await s3.send(new HeadObjectCommand({ Bucket: mail.name, Key: key }));
    expect(h.Metadata?.['x-amz-wrap-alg']).toBe('kms');
    expect(h.Metadata?.['x-amz-cek-alg']).toBe('AES/GCM/NoPadding');
    expect(h.ContentLength).toBe(eml.length + 16);

    const handler = await loadHandler({
      REENCRYPT_BUCKET: archive.name,
      REENCRYPT_PREFIX: 'mail/',
    });
    const out = await handler(await eventFor(key));
    expect(out).toHaveLength(1);
    const o = out[0]!;
    expect(o).toMatchObject({
      source: `s3://${mail.name}/${key}`,
      status: 'parsed',
      sesMessageId: MESSAGE_ID,
      from: ['billing@example.org'],
      to: ['inbox@mail.example.com', 'ops@mail.example.com'],
      subject: 'Invoice 2026-11 — Grüße',
      date: '2026-11-27T09:13:58.000Z',
    });
    const pdf = readFileSync(fixture('attachment-invoice.pdf'));
    const notes = readFileSync(fixture('attachment-notes.txt'));
    expect(o.attachments).toEqual([
      {
        filename: 'invoice-2026-11.pdf',
        contentType: 'application/pdf',
        size: pdf.length,
        sha256: sha256(pdf),
      },
      {
        filename: 'Notizen-Änderungen.txt',
        contentType: 'text/plain',
        size: notes.length,
        sha256: sha256(notes),
      },
    ]);

    // The re-encrypted copy is an s3enc object holding the exact message.
    expect(o.reencrypted).toMatchObject({ bucket: archive.name, key: `mail/${key}` });
    const reader = new EncryptedS3Client({
      s3: {
        endpoint: env.s3.endpoint,
        region: env.s3.region,
        credentials: env.s3.credentials,
        forcePathStyle: true,
        ca: env.ca,
      },
      kmsKeyIds: [env.kmsKeys.primary.arn],
      kms: {
        endpoint: env.kms.endpoint,
        region: env.kms.region,
        credentials: env.kms.credentials,
        ca: env.ca,
      },
    });
    try {
      const got = await reader.get(archive.name, `mail/${key}`, {
        encryptionContext: { 'ses-mail-source': `s3://${mail.name}/${key}` },
      });
      expect(got.header?.suiteId).toBe(0x0478);
      expect((await got.bytes()).equals(eml)).toBe(true);
    } finally {
      reader.destroy();
    }
  });

  it('refuses mail stored by another receipt rule (material description checked first)', async () => {
    const key = await storeAsSes('other-rule-message-0001', 'some-other-rule');
    const handler = await loadHandler({});
    await expect(handler(await eventFor(key))).rejects.toMatchObject({
      code: 'ERR_S3ENC_CONTEXT_MISMATCH',
    });
  });

  it('refuses tampered mail and re-encrypts nothing', async () => {
    const key = await storeAsSes('tampered-message-0001');
    const stored = await s3.send(new GetObjectCommand({ Bucket: mail.name, Key: key }));
    const body = Buffer.from(await stored.Body!.transformToByteArray());
    body[200] = body[200]! ^ 0x01;
    await s3.send(
      new PutObjectCommand({ Bucket: mail.name, Key: key, Body: body, Metadata: stored.Metadata }),
    );
    const handler = await loadHandler({ REENCRYPT_BUCKET: archive.name, REENCRYPT_PREFIX: 'bad/' });
    await expect(handler(await eventFor(key))).rejects.toMatchObject({
      code: 'ERR_S3ENC_TAG_MISMATCH',
    });
    await expect(
      s3.send(new HeadObjectCommand({ Bucket: archive.name, Key: `bad/${key}` })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  });

  it("skips SES's setup notification and events other than ObjectCreated", async () => {
    await s3.send(
      new PutObjectCommand({
        Bucket: mail.name,
        Key: 'inbound/AMAZON_SES_SETUP_NOTIFICATION',
        Body: 'This is a test message from Amazon SES.',
      }),
    );
    const handler = await loadHandler({});
    const setup = await handler(await eventFor('inbound/AMAZON_SES_SETUP_NOTIFICATION'));
    expect(setup[0]).toMatchObject({ status: 'skipped', reason: 'SES setup notification' });
    const removed = await handler(await eventFor(`inbound/${MESSAGE_ID}`, 'ObjectRemoved:Delete'));
    expect(removed[0]).toMatchObject({ status: 'skipped' });
  });
});
