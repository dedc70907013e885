// deleteSourceVersionAfterVerify against MinIO + local-kms (TLS): the source version is deleted
// only after the new version is written and verified; refused before anything is written in a
// bucket without versioning and for a version under Object Lock; a new version that does not
// verify, or a DeleteObject S3 refuses, keeps the source version.
import { randomBytes } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import {
  GetObjectCommand,
  ListObjectVersionsCommand,
  PutObjectLegalHoldCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { DIAGNOSTICS_CHANNELS, type RewrapFinishEvent } from '@s3enc/node';
import { describe, expect, it } from 'vitest';
import { MiB, openUploads } from '../transfer/helpers.js';
import { F, useRewrapKit } from './rewrap-kit.js';
import { REWRAP_ACTIONS, sessionClient } from './sts-session.js';

const { env, plain, keyA, kmsSecondary, client, buckets } = useRewrapKit('rewrap-del');
const ROTATE = { addKeyring: kmsSecondary(), removeKeyIds: 'all' as const };

async function versionIds(bucket: string, key: string): Promise<string[]> {
  const r = await plain.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }));
  return (r.Versions ?? []).filter((v) => v.Key === key).map((v) => v.VersionId!);
}

async function storedBytes(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
  const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await r.Body!.transformToByteArray());
}

describe('rewrap with deleteSourceVersionAfterVerify', () => {
  it.each([
    ['one PutObject', 3 * F + 7],
    ['first part + UploadPartCopy', 23 * MiB + 123],
  ])(
    '%s: dry run, then the source version is deleted after the new one verifies',
    async (_, size) => {
      const bucket = buckets.versioned.name;
      const key = `delete/${size}`;
      const data = randomBytes(size);
      const c = client();
      await c.put(bucket, key, data);
      const [source] = await versionIds(bucket, key);

      const dry = await c.rewrap(bucket, key, {
        ...ROTATE,
        deleteSourceVersionAfterVerify: true,
        dryRun: true,
      });
      expect(dry.status).toBe('would-rewrap');
      expect(dry.sourceVersionAction).toBe('would-delete');
      expect(await versionIds(bucket, key)).toEqual([source]);

      // The finish event says the source version was deleted (an audit trail of deletions).
      const seen: RewrapFinishEvent[] = [];
      const listen = (m: unknown) => {
        seen.push(m as RewrapFinishEvent);
      };
      subscribe(DIAGNOSTICS_CHANNELS.rewrapFinish, listen);
      const r = await c
        .rewrap(bucket, key, {
          ...ROTATE,
          deleteSourceVersionAfterVerify: true,
          copyPartSize: 5 * MiB,
        })
        .finally(() => unsubscribe(DIAGNOSTICS_CHANNELS.rewrapFinish, listen));
      expect(seen).toMatchObject([
        { status: 'rewrapped', sourceVersionId: source, sourceVersionAction: 'deleted' },
      ]);
      expect(r.status).toBe('rewrapped');
      expect(r.sourceVersionAction).toBe('deleted');
      expect(r.sourceVersionId).toBe(source);
      // Only the new version is left, and it reads with the new key alone.
      expect(await versionIds(bucket, key)).toEqual([r.versionId]);
      const reader = client(kmsSecondary());
      expect((await (await reader.get(bucket, key)).bytes()).equals(data)).toBe(true);
      // The verification read a few frames, not the body.
      expect(r.bytesDownloaded).toBeLessThan(Math.min(size, 5 * MiB) + 16 * (F + 36) + 8192);
      expect(await openUploads(plain, bucket)).toBe(0);

      // Already wrapped as asked: unchanged, nothing deleted.
      const again = await reader.rewrap(bucket, key, {
        ...ROTATE,
        deleteSourceVersionAfterVerify: true,
      });
      expect(again.status).toBe('unchanged');
      expect(again.sourceVersionAction).toBe('kept');
      expect(await versionIds(bucket, key)).toEqual([r.versionId]);
      for (const x of [c, reader]) x.destroy();
    },
  );

  it('refused in a bucket without versioning, even with allowUnversionedOverwrite', async () => {
    const c = client();
    await c.put(buckets.unversioned.name, 'k', randomBytes(100));
    const before = await storedBytes(plain, buckets.unversioned.name, 'k');
    for (const dryRun of [true, false]) {
      await expect(
        c.rewrap(buckets.unversioned.name, 'k', {
          ...ROTATE,
          allowUnversionedOverwrite: true,
          deleteSourceVersionAfterVerify: true,
          dryRun,
        }),
      ).rejects.toMatchObject({ code: 'ERR_S3ENC_REWRAP_DELETE_UNVERSIONED' });
    }
    expect((await storedBytes(plain, buckets.unversioned.name, 'k')).equals(before)).toBe(true);
    c.destroy();
  });

  it.each([
    ['retention', { mode: 'GOVERNANCE', retainFor: { days: 1 } }],
    ['legal hold', { legalHold: true }],
  ] as const)(
    'refused under Object Lock (%s): nothing written, nothing deleted',
    async (_, lock) => {
      const bucket = buckets.locked.name;
      const key = `locked/${_}`;
      const c = client();
      await c.put(bucket, key, randomBytes(6 * MiB), { objectLock: lock });
      const before = await versionIds(bucket, key);
      for (const dryRun of [true, false]) {
        await expect(
          c.rewrap(bucket, key, { ...ROTATE, deleteSourceVersionAfterVerify: true, dryRun }),
        ).rejects.toMatchObject({ code: 'ERR_S3ENC_REWRAP_DELETE_LOCKED' });
      }
      expect(await versionIds(bucket, key)).toEqual(before);
      expect(await openUploads(plain, bucket)).toBe(0);
      // Without the option the same object rewraps (the source stays, as the lock wants).
      const r = await c.rewrap(bucket, key, ROTATE);
      expect(r.sourceVersionAction).toBe('kept');
      expect((await versionIds(bucket, key)).length).toBe(2);
      if ('legalHold' in lock) {
        for (const v of await versionIds(bucket, key)) {
          await plain.send(
            new PutObjectLegalHoldCommand({
              Bucket: bucket,
              Key: key,
              VersionId: v,
              LegalHold: { Status: 'OFF' },
            }),
          );
        }
      }
      c.destroy();
    },
  );

  it('a new version that does not verify keeps the source version', async () => {
    const bucket = buckets.versioned.name;
    const key = 'delete/tampered';
    const data = randomBytes(23 * MiB);
    const c = client();
    await c.put(bucket, key, data);
    const [source] = await versionIds(bucket, key);
    // A part copied from the wrong range (shifted by one frame): S3 cannot tell, verification can.
    c.s3.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { PartNumber?: number; CopySourceRange?: string };
        if (context.commandName === 'UploadPartCopyCommand' && input.PartNumber === 2) {
          const [a, b] = input.CopySourceRange!.slice(6).split('-').map(Number);
          input.CopySourceRange = `bytes=${a! + F + 32}-${b! + F + 32}`;
        }
        return next(args);
      },
      { step: 'initialize', name: 'shiftPart' },
    );
    await expect(
      c.rewrap(bucket, key, {
        ...ROTATE,
        deleteSourceVersionAfterVerify: true,
        copyPartSize: 5 * MiB,
      }),
    ).rejects.toMatchObject({
      code: 'ERR_S3ENC_REWRAP_VERIFY_FAILED',
      message: expect.stringMatching(/frames \d+\.\.\d+ do not authenticate.*was kept/),
    });
    const ids = await versionIds(bucket, key);
    expect(ids).toContain(source);
    expect(ids.length).toBe(2);
    const old = await client().get(bucket, key, { versionId: source });
    expect((await old.bytes()).equals(data)).toBe(true);
    c.destroy();
  });

  it('S3 refusing the DeleteObject (no s3:DeleteObjectVersion) keeps both versions', async () => {
    const bucket = buckets.versioned.name;
    const key = 'delete/refused';
    const data = randomBytes(2 * F);
    const writer = client();
    await writer.put(bucket, key, data);
    writer.destroy();
    const [source] = await versionIds(bucket, key);
    const c = await sessionClient(env, bucket, REWRAP_ACTIONS, keyA());
    const err = await c
      .rewrap(bucket, key, { ...ROTATE, deleteSourceVersionAfterVerify: true })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_S3ENC_REWRAP_DELETE_REFUSED' });
    expect((err as Error).message).toContain(source);
    const ids = await versionIds(bucket, key);
    expect(ids).toContain(source);
    expect(ids.length).toBe(2);
    const reader = client(kmsSecondary());
    expect((await (await reader.get(bucket, key)).bytes()).equals(data)).toBe(true);
    for (const x of [c, reader]) x.destroy();
  });
});
