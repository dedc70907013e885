// Rewrap against MinIO + local-kms (TLS): the new version decrypts with the new key alone, no
// longer with a removed key, to the same plaintext (also with the Python AWS Encryption SDK);
// only the new header and the first ~5 MiB of the body travel; the source version is kept.
import { randomBytes } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import {
  CopyObjectCommand,
  GetObjectCommand,
  GetObjectLegalHoldCommand,
  GetObjectRetentionCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { describeMessage } from '@s3enc/core';
import {
  DIAGNOSTICS_CHANNELS,
  EncryptedS3Client,
  SseCustomerKey,
  rewrapObject,
  type RewrapFinishEvent,
} from '@s3enc/node';
import { describe, expect, it } from 'vitest';
import { runEsdkPeer, tempFile } from '../peers/peers.js';
import { MiB, openUploads } from '../transfer/helpers.js';
import { F, useRewrapKit } from './rewrap-kit.js';

const { env, plain, keyA, kmsPrimary, kmsSecondary, client, buckets } = useRewrapKit('rewrap');

/** Request body bytes this client sent, and response body bytes it received, by command. */
interface Traffic {
  up: number;
  down: number;
  commands: string[];
}
function counted(c: EncryptedS3Client): Traffic {
  const t: Traffic = { up: 0, down: 0, commands: [] };
  c.s3.middlewareStack.add(
    (next, context) => async (args) => {
      t.commands.push(String(context.commandName));
      const body = (args.input as { Body?: unknown }).Body;
      if (body instanceof Uint8Array) t.up += body.byteLength;
      const out = await next(args);
      const len = (out.output as { ContentLength?: number }).ContentLength;
      if (context.commandName === 'GetObjectCommand' && typeof len === 'number') t.down += len;
      return out;
    },
    { step: 'initialize', name: 'countTraffic' },
  );
  return t;
}

async function stored(s3: S3Client, bucket: string, key: string, versionId?: string) {
  const r = await s3.send(
    new GetObjectCommand({
      Bucket: bucket,
      Key: key,
      ...(versionId ? { VersionId: versionId } : {}),
    }),
  );
  return Buffer.from(await r.Body!.transformToByteArray());
}

async function versionCount(bucket: string, key: string): Promise<number> {
  const r = await plain.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }));
  return (r.Versions ?? []).filter((v) => v.Key === key).length;
}

describe('rewrapObject', () => {
  it.each([
    ['one PutObject', 1000],
    ['first part + UploadPartCopy', 23 * MiB + 123],
  ])('%s: replaces a key file with a KMS key; the old key no longer opens it', async (_, size) => {
    const bucket = buckets.versioned.name;
    const key = `replace/${size}`;
    const data = randomBytes(size);
    const writer = client();
    await writer.put(bucket, key, data, { contentType: 'application/x-test' });
    // put has no metadata or tag options: add them with a server-side copy (a new version).
    const h0 = await plain.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    await plain.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: key,
        CopySource: `${bucket}/${key}?versionId=${h0.VersionId!}`,
        MetadataDirective: 'REPLACE',
        ContentType: 'application/x-test',
        Metadata: { ...h0.Metadata, owner: 'rewrap-test' },
        TaggingDirective: 'REPLACE',
        Tagging: 'team=blue',
      }),
    );
    const before = await stored(plain, bucket, key);
    const srcVersion = (await plain.send(new HeadObjectCommand({ Bucket: bucket, Key: key })))
      .VersionId!;

    const c = client();
    const traffic = counted(c);
    const r = await c.rewrap(bucket, key, {
      addKeyring: kmsSecondary(),
      removeKeyIds: 'all',
      copyPartSize: 5 * MiB,
    });
    expect(r.status).toBe('rewrapped');
    expect(r.keyIdsBefore).toEqual(['s3enc-tests/rewrap-a']);
    expect(r.keyIdsAfter).toEqual([env.kmsKeys.secondary.arn]);
    expect(r.sourceVersionId).toBe(srcVersion);
    expect(r.versionId).not.toBe(srcVersion);
    // What travelled: the new header and at most the first ~5 MiB of the body, whatever the size.
    expect(traffic.up).toBe(r.bytesUploaded);
    expect(traffic.down).toBe(r.bytesDownloaded);
    expect(r.bytesUploaded).toBeLessThan(Math.min(size, 5 * MiB + 2 * (F + 32)) + 2048);
    expect(r.bytesDownloaded).toBeLessThan(Math.min(size, 5 * MiB + 2 * (F + 32)) + 4096 + 1);
    expect(r.bytesUploaded + r.bytesCopied).toBe(r.sizeAfter);
    if (size > 6 * MiB) {
      expect(r.parts).toBe(1 + Math.ceil((size - 5 * MiB) / (5 * MiB)));
      expect(traffic.commands).toContain('UploadPartCopyCommand');
    }

    // Same message id and frames; new header.
    const after = await stored(plain, bucket, key);
    const hb = describeMessage(before);
    const ha = describeMessage(after);
    expect(ha.messageId).toBe(hb.messageId);
    expect(ha.encryptedDataKeys.map((k) => k.keyId)).toEqual([env.kmsKeys.secondary.arn]);
    expect(after.length).toBe(r.sizeAfter);

    // The new key alone decrypts it; the removed key does not.
    const reader = client(kmsSecondary());
    const got = await reader.get(bucket, key);
    expect((await got.bytes()).equals(data)).toBe(true);
    await expect(client().get(bucket, key)).rejects.toMatchObject({
      code: 'ERR_S3ENC_NO_DATA_KEY',
    });

    // Carried over; the source version is kept and still opens with the old key.
    const h = await plain.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(h.ContentType).toBe('application/x-test');
    expect(h.Metadata?.owner).toBe('rewrap-test');
    const tags = await plain.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }));
    expect(tags.TagSet).toEqual([{ Key: 'team', Value: 'blue' }]);
    const old = await client().get(bucket, key, { versionId: srcVersion });
    expect((await old.bytes()).equals(data)).toBe(true);
    expect(await openUploads(plain, bucket)).toBe(0);

    // Idempotent: asked again, nothing is written.
    const n = await versionCount(bucket, key);
    const again = await reader.rewrap(bucket, key, {
      addKeyring: kmsSecondary(),
      removeKeyIds: 'all',
    });
    expect(again.status).toBe('unchanged');
    expect(again.bytesUploaded).toBe(0);
    expect(await versionCount(bucket, key)).toBe(n);
    for (const x of [writer, c, reader]) x.destroy();
  });

  it('adds a key, then removes one; a dry run writes nothing', async () => {
    const bucket = buckets.versioned.name;
    const key = 'add-remove';
    const data = randomBytes(3 * F + 5);
    const c = client(kmsPrimary());
    await c.put(bucket, key, data);
    const dry = await c.rewrap(bucket, key, { addKeyring: keyA(), dryRun: true });
    expect(dry.status).toBe('would-rewrap');
    expect(dry.keyIdsAfter).toEqual([env.kmsKeys.primary.arn, 's3enc-tests/rewrap-a']);
    expect(await versionCount(bucket, key)).toBe(1);

    const added = await c.rewrap(bucket, key, { addKeyring: keyA() });
    expect(added.status).toBe('rewrapped');
    for (const k of [keyA(), kmsPrimary()]) {
      const r = client(k);
      expect((await (await r.get(bucket, key)).bytes()).equals(data)).toBe(true);
      r.destroy();
    }
    const removed = await c.rewrap(bucket, key, { removeKeyIds: [env.kmsKeys.primary.arn] });
    expect(removed.keyIdsAfter).toEqual(['s3enc-tests/rewrap-a']);
    await expect(c.get(bucket, key)).rejects.toMatchObject({ code: 'ERR_S3ENC_NO_DATA_KEY' });
    expect(await versionCount(bucket, key)).toBe(3);
    // The finish event says what changed (key ids, never key bytes), and failures by code.
    const seen: RewrapFinishEvent[] = [];
    const listen = (m: unknown) => {
      seen.push(m as RewrapFinishEvent);
    };
    subscribe(DIAGNOSTICS_CHANNELS.rewrapFinish, listen);
    try {
      await c.rewrap(bucket, key, {
        decryptKeyring: keyA(),
        addKeyring: kmsPrimary(),
        dryRun: true,
      });
      await expect(c.rewrap(bucket, key, { removeKeyIds: 'all' })).rejects.toMatchObject({
        code: 'ERR_S3ENC_REWRAP_NO_KEYS_LEFT',
      });
    } finally {
      unsubscribe(DIAGNOSTICS_CHANNELS.rewrapFinish, listen);
    }
    expect(seen.map((e) => e.status)).toEqual(['would-rewrap', 'failed']);
    expect(seen[0]).toMatchObject({
      keyIdsBefore: ['s3enc-tests/rewrap-a'],
      keyIdsAfter: ['s3enc-tests/rewrap-a', env.kmsKeys.primary.arn],
    });
    expect(seen[1]!.error?.code).toBe('ERR_S3ENC_REWRAP_NO_KEYS_LEFT');
    c.destroy();
  });

  it('the Python AWS Encryption SDK decrypts a rewrapped object with the new KMS key', async () => {
    const bucket = buckets.versioned.name;
    const key = 'python';
    const data = randomBytes(7 * MiB + 77);
    const c = client();
    await c.put(bucket, key, data, { encryptionContext: { purpose: 'rewrap' } });
    const r = await c.rewrap(bucket, key, { addKeyring: kmsSecondary(), removeKeyIds: 'all' });
    expect(r.status).toBe('rewrapped');
    const pair: [string, string] = [
      tempFile('ct', await stored(plain, bucket, key)),
      tempFile('pt', ''),
    ];
    const dec = await runEsdkPeer(env, 'decrypt', [pair], { kmsKeyId: env.kmsKeys.secondary.arn });
    expect(dec.code, dec.stderr).toBe(0);
    expect(dec.results.map((x) => x.error ?? 'ok')).toEqual(['ok']);
    expect(dec.results[0]?.encryptionContext).toEqual({ purpose: 'rewrap' });
    expect(readFileSync(pair[1]).equals(data)).toBe(true);
    c.destroy();
  });

  it('SSE-C: the copy source and the new version use the same customer key', async () => {
    const bucket = buckets.versioned.name;
    const key = 'sse-c';
    const ssec = randomBytes(32);
    const data = randomBytes(11 * MiB);
    const c = client();
    await c.put(bucket, key, data, { sse: { type: 'SSE-C', key: new Uint8Array(ssec) } });
    const r = await rewrapObject(c.s3, bucket, key, {
      decryptKeyring: keyA(),
      addKeyring: kmsSecondary(),
      removeKeyIds: 'all',
      sseCustomerKey: new Uint8Array(ssec),
    });
    expect(r.status).toBe('rewrapped');
    const reader = client(kmsSecondary());
    const got = await reader.get(bucket, key, {
      sseCustomerKey: new SseCustomerKey(new Uint8Array(ssec)),
    });
    expect((await got.bytes()).equals(data)).toBe(true);
    for (const x of [c, reader]) x.destroy();
  });

  it.each([
    ['SSE-KMS', 'aws:kms'],
    ['SSE-S3', 'AES256'],
  ] as const)(
    '%s of the source is kept on the new version (multipart path)',
    async (type, header) => {
      const bucket = buckets.versioned.name;
      const key = `sse/${type}`;
      const c = client();
      const data = randomBytes(8 * MiB + 5);
      await c.put(bucket, key, data, { sse: { type } });
      const r = await c.rewrap(bucket, key, { addKeyring: kmsSecondary(), removeKeyIds: 'all' });
      expect(r.parts).toBeGreaterThan(1);
      const h = await plain.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      expect(h.VersionId).toBe(r.versionId);
      expect(h.ServerSideEncryption).toBe(header);
      const reader = client(kmsSecondary());
      expect((await (await reader.get(bucket, key)).bytes()).equals(data)).toBe(true);
      for (const x of [c, reader]) x.destroy();
    },
  );

  it('a version written during the rewrap is not buried: refused, upload aborted', async () => {
    const bucket = buckets.versioned.name;
    const key = 'race';
    const c = client();
    await c.put(bucket, key, randomBytes(9 * MiB));
    let raced = false;
    c.s3.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'UploadPartCommand' && !raced) {
          raced = true;
          await plain.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'newer' }));
        }
        return next(args);
      },
      { step: 'initialize', name: 'race' },
    );
    await expect(
      c.rewrap(bucket, key, { addKeyring: kmsSecondary(), removeKeyIds: 'all' }),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_REWRAP_NOT_CURRENT' });
    expect((await stored(plain, bucket, key)).toString()).toBe('newer');
    expect(await openUploads(plain, bucket)).toBe(0);
    // An explicit version that is no longer current is refused before anything is read.
    await expect(
      c.rewrap(bucket, key, { versionId: 'not-the-current-one', addKeyring: kmsSecondary() }),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_REWRAP_NOT_CURRENT' });
    c.destroy();
  });

  it('refuses an unversioned bucket unless allowUnversionedOverwrite, and plaintext objects', async () => {
    const c = client();
    await c.put(buckets.unversioned.name, 'k', randomBytes(100));
    await expect(
      c.rewrap(buckets.unversioned.name, 'k', { addKeyring: kmsSecondary() }),
    ).rejects.toMatchObject({
      code: 'ERR_S3ENC_REWRAP_UNVERSIONED',
    });
    const ok = await c.rewrap(buckets.unversioned.name, 'k', {
      addKeyring: kmsSecondary(),
      allowUnversionedOverwrite: true,
    });
    expect(ok.status).toBe('rewrapped');
    await plain.send(
      new PutObjectCommand({ Bucket: buckets.versioned.name, Key: 'plain', Body: 'hello' }),
    );
    await expect(
      c.rewrap(buckets.versioned.name, 'plain', { addKeyring: kmsSecondary() }),
    ).rejects.toMatchObject({
      code: 'ERR_S3ENC_NOT_ENCRYPTED',
    });
    await plain.send(
      new PutObjectCommand({ Bucket: buckets.versioned.name, Key: 'empty', Body: '' }),
    );
    await expect(
      c.rewrap(buckets.versioned.name, 'empty', { addKeyring: kmsSecondary() }),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_NOT_ENCRYPTED' });
    c.destroy();
  });

  it.each([1000, 6 * MiB])(
    'Object Lock retention and legal hold are carried over (%i bytes)',
    async (size) => {
      const bucket = buckets.locked.name;
      const key = `locked/${size}`;
      const c = client();
      const data = randomBytes(size);
      await c.put(bucket, key, data, {
        objectLock: { mode: 'GOVERNANCE', retainFor: { days: 1 }, legalHold: true },
      });
      const src = await plain.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: key }));
      const r = await c.rewrap(bucket, key, { addKeyring: kmsSecondary(), removeKeyIds: 'all' });
      expect(r.status).toBe('rewrapped');
      const at = { Bucket: bucket, Key: key, VersionId: r.versionId! };
      const ret = await plain.send(new GetObjectRetentionCommand(at));
      expect(ret.Retention?.Mode).toBe('GOVERNANCE');
      expect(ret.Retention?.RetainUntilDate?.getTime()).toBe(
        src.Retention?.RetainUntilDate?.getTime(),
      );
      const hold = await plain.send(new GetObjectLegalHoldCommand(at));
      expect(hold.LegalHold?.Status).toBe('ON');
      const reader = client(kmsSecondary());
      expect((await (await reader.get(bucket, key)).bytes()).equals(data)).toBe(true);
      for (const x of [c, reader]) x.destroy();
    },
  );
});
