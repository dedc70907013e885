// The decrypting-read Lambda (response streaming), bundled with esbuild and invoked with a
// realistic function URL event against MinIO + local-kms. The Lambda runtime's `awslambda`
// global is stood in for by a fake that records the status and headers.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PassThrough, type Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { kmsKeyring } from '@s3enc/core';
import { EncryptedS3Client } from '@s3enc/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestBucket,
  getTestEnv,
  makeKmsClient,
  makeS3Client,
  type TestBucket,
} from '../../../test/harness/env.js';
import { bundleExample } from '../../shared/src/bundle.js';

const env = getTestEnv();
let bucket: TestBucket;
let bundleBytes = 0;
type Handler = (event: unknown, responseStream: Writable) => Promise<void>;
let handler: Handler;

const fixture = readFileSync(new URL('./fixtures/function-url-get.json', import.meta.url), 'utf8');
const small = randomBytes(100_000);
const big = randomBytes(9 * 1024 * 1024 + 5); // more than one 8 MiB download chunk

interface Response {
  statusCode: number | undefined;
  headers: Record<string, string>;
  body: Buffer;
  /** The stream ended with an error (the body was cut short). */
  error: Error | undefined;
}

/** Invokes the handler the way the Lambda runtime does, collecting the streamed response. */
async function invoke(
  path: string,
  o: { range?: string; method?: string; query?: Record<string, string> } = {},
): Promise<Response> {
  const ev = JSON.parse(fixture.replaceAll('__PATH__', path));
  if (o.range) ev.headers.range = o.range;
  if (o.method) ev.requestContext.http.method = o.method;
  if (o.query) ev.queryStringParameters = o.query;
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  const res: Response = {
    statusCode: undefined,
    headers: {},
    body: Buffer.alloc(0),
    error: undefined,
  };
  (stream as PassThrough & { meta?: unknown }).on(
    'meta',
    (m: { statusCode: number; headers: Record<string, string> }) => {
      res.statusCode = m.statusCode;
      res.headers = m.headers;
    },
  );
  const done = new Promise<void>((resolve) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', (e) => {
      res.error = e;
      resolve();
    });
  });
  await handler(ev, stream).catch((e: unknown) => {
    res.error = e as Error;
    stream.destroy();
  });
  await done;
  res.body = Buffer.concat(chunks);
  return res;
}

async function putEncrypted(key: string, data: Buffer) {
  const kms = makeKmsClient(env);
  const c = new EncryptedS3Client({
    s3: makeS3Client(env),
    keyring: kmsKeyring({ generatorKeyId: env.kmsKeys.primary.arn, clientProvider: () => kms }),
    frameLength: 4096,
  });
  try {
    await c.put(bucket.name, key, data, { encryptionContext: { app: 'reader-test' } });
  } finally {
    c.s3.destroy();
    kms.destroy();
  }
}

async function flipBit(key: string, fromEnd: number) {
  const s3 = makeS3Client(env);
  try {
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket.name, Key: key }));
    const body = Buffer.from(await got.Body!.transformToByteArray());
    body[body.length - fromEnd]! ^= 0x80;
    await s3.send(
      new PutObjectCommand({ Bucket: bucket.name, Key: key, Body: body, Metadata: got.Metadata }),
    );
  } finally {
    s3.destroy();
  }
}

beforeAll(async () => {
  bucket = await createTestBucket(env, { prefix: 's3enc-ex-read' });
  await putEncrypted('docs/small.bin', small);
  await putEncrypted('docs/big.bin', big);
  await putEncrypted('docs/tampered-early.bin', small);
  await flipBit('docs/tampered-early.bin', 50);
  await putEncrypted('docs/tampered-late.bin', big);
  await flipBit('docs/tampered-late.bin', 100);
  const s3 = makeS3Client(env);
  await s3.send(
    new PutObjectCommand({ Bucket: bucket.name, Key: 'docs/plain.txt', Body: 'plain' }),
  );
  s3.destroy();

  const b = await bundleExample('decrypting-read');
  bundleBytes = b.bytes;
  Object.assign(process.env, {
    BUCKET: bucket.name,
    KMS_KEY_ARN: env.kmsKeys.primary.arn,
    CONTEXT_JSON: JSON.stringify({ app: 'reader-test' }),
    AWS_REGION: env.s3.region,
    AWS_ENDPOINT_URL_S3: env.s3.endpoint,
    AWS_ENDPOINT_URL_KMS: env.kms.endpoint,
    AWS_CA_BUNDLE: env.caPath,
    AWS_ACCESS_KEY_ID: env.s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: env.s3.credentials.secretAccessKey,
  });
  // The Lambda Node.js runtime's global, as far as this handler uses it.
  (globalThis as Record<string, unknown>).awslambda = {
    streamifyResponse: (fn: Handler) => fn,
    HttpResponseStream: {
      from(stream: Writable, metadata: { statusCode: number; headers: Record<string, string> }) {
        stream.emit('meta', metadata);
        return stream;
      },
    },
  };
  const mod = (await import(pathToFileURL(b.outfile).href)) as { handler: Handler };
  handler = mod.handler;
});
afterAll(async () => {
  delete (globalThis as Record<string, unknown>).awslambda;
  await bucket.cleanup();
});

describe('decrypting-read (bundled, response streaming)', () => {
  it('bundles to one file and exports a streaming handler', () => {
    console.log(`decrypting-read bundle: ${(bundleBytes / 1024).toFixed(1)} KiB`);
    expect(typeof handler).toBe('function');
  });

  it('streams the whole plaintext', async () => {
    const r = await invoke('/docs/small.bin');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-length']).toBe(String(small.length));
    expect(r.body.equals(small)).toBe(true);
  });

  it('streams a large object across several ranged GETs', async () => {
    const r = await invoke('/docs/big.bin');
    expect(r.statusCode).toBe(200);
    expect(r.error).toBeUndefined();
    expect(r.body.equals(big)).toBe(true);
  });

  it.each([
    ['bytes=100-199', 100, 200],
    ['bytes=4090-4100', 4090, 4101],
    ['bytes=99990-', 99_990, 100_000],
    ['bytes=-10', 99_990, 100_000],
    ['bytes=99000-999999', 99_000, 100_000],
  ])('Range %s → 206 with only those bytes', async (range, start, end) => {
    const r = await invoke('/docs/small.bin', { range });
    expect(r.statusCode).toBe(206);
    expect(r.headers['content-range']).toBe(`bytes ${start}-${end - 1}/${small.length}`);
    expect(r.body.equals(small.subarray(start, end))).toBe(true);
  });

  it('an unsatisfiable range → 416', async () => {
    const r = await invoke('/docs/small.bin', { range: 'bytes=100000-100010' });
    expect(r.statusCode).toBe(416);
    expect(r.headers['content-range']).toBe(`bytes */${small.length}`);
  });

  it('HEAD answers the plaintext length without a body', async () => {
    const r = await invoke('/docs/small.bin', { method: 'HEAD' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-length']).toBe(String(small.length));
    expect(r.body.length).toBe(0);
  });

  it('a missing key → 404, a plaintext object → 415, POST → 405', async () => {
    expect((await invoke('/docs/nope.bin')).statusCode).toBe(404);
    expect((await invoke('/docs/plain.txt')).statusCode).toBe(415);
    expect((await invoke('/docs/small.bin', { method: 'POST' })).statusCode).toBe(405);
  });

  it('tampering found before the first byte → 502 with a generic message', async () => {
    const r = await invoke('/docs/tampered-early.bin');
    expect(r.statusCode).toBe(502);
    expect(JSON.parse(r.body.toString('utf8'))).toEqual({
      error: 'the object could not be authenticated or decrypted',
    });
  });

  it('tampering found mid-stream cuts the body short: no unauthenticated byte is sent', async () => {
    const r = await invoke('/docs/tampered-late.bin');
    expect(r.statusCode).toBe(200);
    expect(r.body.length).toBeLessThan(big.length);
    expect(r.body.equals(big.subarray(0, r.body.length))).toBe(true);
  });
});
