// Prefix → prefix between buckets for objects over CopyObject's 5 GiB, by multipart copy
// (UploadPartCopy), against MinIO over TLS. The threshold and part size are lowered
// (multipartCopyThreshold, copyPartSize) so small objects take the multipart path: these tests
// prove the path, not a copy of more than 5 GiB.
import { randomBytes } from 'node:crypto';
import {
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { EncryptedS3Client, transferTree, type ObjectResult } from '@s3enc/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestBucket, getTestEnv, makeS3Client, type TestBucket } from '../harness/env.js';
import { MiB, makeClient, openUploads } from '../transfer/helpers.js';

const env = getTestEnv();
const plain = makeS3Client(env);
let src: TestBucket;
let srcVersioned: TestBucket;
let dst: TestBucket;

async function stored(bucket: string, key: string): Promise<Buffer> {
  const r = await plain.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await r.Body!.transformToByteArray());
}

/** The multipart path on small objects: over 1 MiB, in 5 MiB parts. */
const SMALL_MULTIPART = { multipartCopyThreshold: 1 * MiB, copyPartSize: 5 * MiB };

/** Writes `body` to the source key just before the copy's first UploadPartCopy is sent. */
function overwriteBeforeFirstPart(c: EncryptedS3Client, bucket: string, key: string, body: string) {
  let raced = false;
  c.s3.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'UploadPartCopyCommand' && !raced) {
        raced = true;
        await plain.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
      }
      return next(args);
    },
    { step: 'initialize', name: 'race' },
  );
}

beforeAll(async () => {
  src = await createTestBucket(env, { prefix: 'mpcopy-src' });
  srcVersioned = await createTestBucket(env, { prefix: 'mpcopy-srcv', versioning: true });
  dst = await createTestBucket(env, { prefix: 'mpcopy-dst' });
});
afterAll(async () => {
  for (const b of [src, srcVersioned, dst]) await b.cleanup();
  plain.destroy();
});

describe('cp --recursive prefix → prefix, multipart copy (threshold lowered to test the path)', () => {
  it('an object over the threshold is copied in UploadPartCopy parts with its metadata, content type and tags; a small one by CopyObject', async () => {
    const c: EncryptedS3Client = makeClient(env);
    const big = randomBytes(12 * MiB + 17);
    const small = randomBytes(1000);
    await c.put(src.name, 'tree/big.bin', big, {
      contentType: 'application/x-big',
      metadata: { owner: 'copy-test' },
      tags: { team: 'blue', 'cost center': 'a b/c' },
    });
    await c.put(src.name, 'tree/sub/small.bin', small);
    const commands: string[] = [];
    c.s3.middlewareStack.add(
      (next, context) => (args) => {
        commands.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'recordCommands' },
    );
    const results: ObjectResult[] = [];
    const summary = await transferTree(c, {
      source: { type: 's3', bucket: src.name, prefix: 'tree/' },
      destination: { type: 's3', bucket: dst.name, prefix: 'copy/' },
      mode: 'copy',
      ...SMALL_MULTIPART,
      onObject: (r) => results.push(r),
    });
    expect(summary).toMatchObject({ ok: true, done: 2, failed: 0 });
    expect(commands.filter((x) => x === 'UploadPartCopyCommand')).toHaveLength(3);
    expect(commands.filter((x) => x === 'CopyObjectCommand')).toHaveLength(1);

    // Byte for byte the stored ciphertext, still decrypting to the plaintext.
    for (const k of ['big.bin', 'sub/small.bin'])
      expect(
        (await stored(dst.name, `copy/${k}`)).equals(await stored(src.name, `tree/${k}`)),
      ).toBe(true);
    expect((await (await c.get(dst.name, 'copy/big.bin')).bytes()).equals(big)).toBe(true);
    const h = await plain.send(new HeadObjectCommand({ Bucket: dst.name, Key: 'copy/big.bin' }));
    const hs = await plain.send(new HeadObjectCommand({ Bucket: src.name, Key: 'tree/big.bin' }));
    expect(h.ETag).toMatch(/-3"$/);
    expect(h.ContentType).toBe('application/x-big');
    expect(h.Metadata).toEqual(hs.Metadata);
    expect(h.Metadata?.owner).toBe('copy-test');
    const tags = await plain.send(
      new GetObjectTaggingCommand({ Bucket: dst.name, Key: 'copy/big.bin' }),
    );
    expect(tags.TagSet).toEqual(
      expect.arrayContaining([
        { Key: 'team', Value: 'blue' },
        { Key: 'cost center', Value: 'a b/c' },
      ]),
    );
    expect(await openUploads(plain, dst.name)).toBe(0);

    // Rerun: already there, skipped.
    const again = await transferTree(c, {
      source: { type: 's3', bucket: src.name, prefix: 'tree/' },
      destination: { type: 's3', bucket: dst.name, prefix: 'copy/' },
      mode: 'copy',
      ...SMALL_MULTIPART,
    });
    expect(again).toMatchObject({ ok: true, done: 0, skipped: 2 });
    c.destroy();
  });

  it('a source overwritten after the listing: the object fails (ERR_S3ENC_OBJECT_CHANGED), the upload is aborted, nothing is written', async () => {
    const c = makeClient(env);
    await c.put(src.name, 'race/big.bin', randomBytes(11 * MiB));
    overwriteBeforeFirstPart(c, src.name, 'race/big.bin', 'x');
    const results: ObjectResult[] = [];
    const summary = await transferTree(c, {
      source: { type: 's3', bucket: src.name, prefix: 'race/' },
      destination: { type: 's3', bucket: dst.name, prefix: 'race-copy/' },
      mode: 'copy',
      ...SMALL_MULTIPART,
      onObject: (r) => results.push(r),
    });
    expect(summary).toMatchObject({ ok: false, failed: 1 });
    expect(results[0]?.error).toMatchObject({ code: 'ERR_S3ENC_OBJECT_CHANGED' });
    expect(await openUploads(plain, dst.name)).toBe(0);
    await expect(
      plain.send(new HeadObjectCommand({ Bucket: dst.name, Key: 'race-copy/big.bin' })),
    ).rejects.toMatchObject({ name: 'NotFound' });
    c.destroy();
  });

  it('a versioned source is pinned to the listed version: a newer version written meanwhile is not mixed in', async () => {
    const c = makeClient(env);
    const first = randomBytes(11 * MiB);
    await c.put(srcVersioned.name, 'pin/big.bin', first);
    const listed = await stored(srcVersioned.name, 'pin/big.bin');
    overwriteBeforeFirstPart(c, srcVersioned.name, 'pin/big.bin', 'newer');
    const summary = await transferTree(c, {
      source: { type: 's3', bucket: srcVersioned.name, prefix: 'pin/' },
      destination: { type: 's3', bucket: dst.name, prefix: 'pin-copy/' },
      mode: 'copy',
      ...SMALL_MULTIPART,
    });
    expect(summary).toMatchObject({ ok: true, done: 1 });
    expect((await stored(dst.name, 'pin-copy/big.bin')).equals(listed)).toBe(true);
    expect((await (await c.get(dst.name, 'pin-copy/big.bin')).bytes()).equals(first)).toBe(true);
    c.destroy();
  });

  it('refuses a threshold over 5 GiB or a part size under 5 MiB before any request', async () => {
    const c = makeClient(env);
    const loc = {
      source: { type: 's3', bucket: src.name, prefix: 'tree/' },
      destination: { type: 's3', bucket: dst.name, prefix: 'x/' },
      mode: 'copy',
    } as const;
    await expect(
      transferTree(c, { ...loc, multipartCopyThreshold: 5 * 1024 * MiB + 1 }),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_INVALID_ARGUMENT' });
    await expect(transferTree(c, { ...loc, copyPartSize: MiB })).rejects.toMatchObject({
      code: 'ERR_S3ENC_INVALID_ARGUMENT',
    });
    c.destroy();
  });
});
