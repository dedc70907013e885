// A put interrupted after some parts and resumed from its state file (docs/transfer.md,
// "Resuming a put"): the object is the one an uninterrupted put stores, the official library
// decrypts it, and a state file or source that no longer fits is refused with a typed error.
import { mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { KMS } from '@aws-sdk/client-kms';
import { buildClient, CommitmentPolicy, KmsKeyringNode } from '@aws-crypto/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ciphertextSize } from '@s3enc/core';
import type { EncryptedS3Client, PutOptions } from '@s3enc/node';
import { createTestBucket, getTestEnv, makeHttpsAgent, type TestBucket } from '../harness/env.js';
import { data, F, makeClient, MiB } from './helpers.js';

const env = getTestEnv();
let bucket: TestBucket;
let client: EncryptedS3Client;
const dir = mkdtempSync(join(tmpdir(), 's3enc-resume-'));

beforeAll(async () => {
  bucket = await createTestBucket(env, { prefix: 'transfer-resume' });
  // KMS: the resumed run unwraps the data key again with KMS Decrypt.
  client = makeClient(env, { kms: true, concurrency: 1 });
});
afterAll(async () => {
  client.destroy();
  await bucket.cleanup();
});

interface StateDoc {
  uploadId: string;
  header: string;
  parts: { partNumber: number; etag: string }[];
}

const readState = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as StateDoc;

async function uploadsOf(key: string): Promise<string[]> {
  const r = await client.s3.send(
    new ListMultipartUploadsCommand({ Bucket: bucket.name, Prefix: key }),
  );
  return (r.Uploads ?? []).filter((u) => u.Key === key).map((u) => u.UploadId!);
}

/** Starts a resumable put of `file` and aborts it once `parts` parts are stored. */
async function interruptedPut(file: string, key: string, statePath: string, parts: number) {
  const ac = new AbortController();
  let seen = 0;
  const err: unknown = await client
    .put(
      bucket.name,
      key,
      { path: file },
      {
        resumeStatePath: statePath,
        signal: ac.signal,
        onProgress: () => {
          if (++seen === parts) ac.abort(new Error('stop here'));
        },
      },
    )
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  return err as { code?: string; openMultipartUpload?: unknown; resumeStatePath?: string };
}

async function storedBytes(key: string): Promise<Buffer> {
  const raw = await client.s3.send(new GetObjectCommand({ Bucket: bucket.name, Key: key }));
  return Buffer.from(await raw.Body!.transformToByteArray());
}

describe('a put resumed from its state file', () => {
  it('continues with the missing parts and stores what one put would', async () => {
    const plain = data(23 * MiB + 1234);
    const file = join(dir, 'big.bin');
    writeFileSync(file, plain);
    const statePath = join(dir, 'big.state');
    const err = await interruptedPut(file, 'resume/big', statePath, 2);
    expect(err.code).toBe('ERR_S3ENC_ABORTED');
    expect(err.resumeStatePath).toBe(statePath);
    // The upload stays open, and the state names it with the parts stored so far.
    const state = readState(statePath);
    expect(statSync(statePath).mode & 0o777).toBe(0o600);
    expect(state.parts.map((p) => p.partNumber)).toEqual([1, 2]);
    expect(await uploadsOf('resume/big')).toEqual([state.uploadId]);
    expect(err.openMultipartUpload).toEqual({
      bucket: bucket.name,
      key: 'resume/big',
      uploadId: state.uploadId,
    });

    const sent: number[] = [];
    const r = await client.put(
      bucket.name,
      'resume/big',
      { path: file },
      {
        resumeStatePath: statePath,
        onProgress: (p) => sent.push(p.bytes),
      },
    );
    // Only the missing parts were sent: progress starts past the two stored parts.
    expect(sent[0]).toBeGreaterThan(2 * 5 * MiB * (F / (F + 32)) - 1);
    expect(r.multipart).toBe(true);
    expect(r.plaintextSize).toBe(plain.length);
    expect(r.ciphertextSize).toBe(ciphertextSize(plain.length, F, r.headerLength));
    expect(r.messageId).toBe(
      Buffer.from(state.header, 'base64')
        .subarray(1 + 2, 1 + 2 + 32)
        .toString('hex'),
    );
    expect(() => statSync(statePath)).toThrow(); // deleted once completed
    expect(await uploadsOf('resume/big')).toEqual([]);

    const got = await client.get(bucket.name, 'resume/big');
    expect(Buffer.concat(await got.body.toArray()).equals(plain)).toBe(true);
    // The same bytes through the official library.
    const bytes = await storedBytes('resume/big');
    expect(bytes.length).toBe(r.ciphertextSize);
    const kms = new KMS({
      endpoint: env.kms.endpoint,
      region: env.kms.region,
      credentials: env.kms.credentials,
      requestHandler: { httpsAgent: makeHttpsAgent(env) },
    });
    const keyring = new KmsKeyringNode({
      keyIds: [env.kmsKeys.primary.arn],
      clientProvider: () => kms,
    });
    const { decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- the oracle's own keyring class
    const { plaintext } = await decrypt(keyring, bytes);
    expect(Buffer.from(plaintext).equals(plain)).toBe(true);
  });

  it('refuses a state file whose part list S3 does not hold, and starts over when asked', async () => {
    const plain = data(12 * MiB);
    const file = join(dir, 'tamper.bin');
    writeFileSync(file, plain);
    const statePath = join(dir, 'tamper.state');
    await interruptedPut(file, 'resume/tamper', statePath, 1);
    const state = JSON.parse(readFileSync(statePath, 'utf8')) as Record<string, unknown> & StateDoc;
    const oldUpload = state.uploadId;
    state.parts[0]!.etag = '"0123456789abcdef0123456789abcdef"';
    writeFileSync(statePath, JSON.stringify(state));
    await expect(
      client.put(bucket.name, 'resume/tamper', { path: file }, { resumeStatePath: statePath }),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_RESUME_STATE_MISMATCH' });
    // Nothing completed, the old upload untouched.
    expect(await uploadsOf('resume/tamper')).toEqual([oldUpload]);

    // A part range that does not fit the plan is refused before any request.
    const shifted = structuredClone(state) as unknown as { parts: { plaintextOffset: number }[] };
    shifted.parts[0]!.plaintextOffset = 4096;
    writeFileSync(statePath, JSON.stringify(shifted));
    await expect(
      client.put(bucket.name, 'resume/tamper', { path: file }, { resumeStatePath: statePath }),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_RESUME_STATE_INVALID' });

    writeFileSync(statePath, JSON.stringify(state));
    const r = await client.put(
      bucket.name,
      'resume/tamper',
      { path: file },
      {
        resumeStatePath: statePath,
        restartIfStale: true,
      },
    );
    expect(r.plaintextSize).toBe(plain.length);
    expect(await uploadsOf('resume/tamper')).toEqual([]);
    const got = await client.get(bucket.name, 'resume/tamper');
    expect(Buffer.concat(await got.body.toArray()).equals(plain)).toBe(true);
  });

  it('refuses a source that changed, by time or by content', async () => {
    const plain = data(12 * MiB);
    const file = join(dir, 'changed.bin');
    writeFileSync(file, plain);
    // A whole second, so the time can be set back exactly after the edit below.
    const when = new Date(1_700_000_000_000);
    utimesSync(file, when, when);
    const statePath = join(dir, 'changed.state');
    await interruptedPut(file, 'resume/changed', statePath, 1);
    const opts: PutOptions = { resumeStatePath: statePath };

    // Same size and time, other bytes in the stored first part: the re-sealed part differs.
    const edited = Buffer.from(plain);
    edited[100] = edited[100]! ^ 1;
    writeFileSync(file, edited);
    utimesSync(file, when, when);
    await expect(
      client.put(bucket.name, 'resume/changed', { path: file }, opts),
    ).rejects.toMatchObject({
      code: 'ERR_S3ENC_RESUME_SOURCE_CHANGED',
      message: expect.stringContaining('the bytes of part 1 differ') as unknown,
    });

    // Another modification time.
    writeFileSync(file, plain);
    await expect(
      client.put(bucket.name, 'resume/changed', { path: file }, opts),
    ).rejects.toMatchObject({
      code: 'ERR_S3ENC_RESUME_SOURCE_CHANGED',
      message: expect.stringContaining('another modification time') as unknown,
    });
    // A state for another key is refused.
    await expect(
      client.put(bucket.name, 'resume/other', { path: file }, opts),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_RESUME_STATE_INVALID' });

    const r = await client.put(
      bucket.name,
      'resume/changed',
      { path: file },
      {
        ...opts,
        restartIfStale: true,
      },
    );
    expect(r.plaintextSize).toBe(plain.length);
    expect(await uploadsOf('resume/changed')).toEqual([]);
  });

  it('refuses a stream source', async () => {
    await expect(
      client.put(bucket.name, 'resume/stream', new Uint8Array(10), {
        resumeStatePath: join(dir, 'x.state'),
      }),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_RESUME_UNSUPPORTED' });
  });
});
