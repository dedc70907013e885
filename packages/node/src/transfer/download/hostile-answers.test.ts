// The download engine against S3 answers that lie (issue #13, findings 2, 3, 4 and 9), with an
// in-process S3 stub that serves a real message: every claimed size is bounded before anything
// is planned, no body is read past the length asked, the header fetch cannot loop, and each
// failure has its family's code. End-to-end versions run against the hostile TLS endpoint in
// test/.
import {
  beginEncryption,
  FRAME_OVERHEAD,
  MAX_FRAME_SEQ,
  multiKeyring,
  rawAesKeyring,
  type Keyring,
} from '@s3enc/core';
import { describe, expect, it } from 'vitest';
import { lyingAboutSize, stubS3 } from '../../../test/s3-stub.js';
import { prepareRead } from './prepare-read.js';
import { getObjectStream } from './to-stream.js';
import { headObject } from '../head.js';

const keyring: Keyring = rawAesKeyring({
  key: Buffer.alloc(32, 3),
  keyName: 'hostile',
  keyNamespace: 's3enc-tests',
});

async function message(
  plain: Buffer,
  frameLength: number,
  context: Record<string, string> = {},
): Promise<{ bytes: Buffer; headerLength: number }> {
  const s = await beginEncryption({ keyring, frameLength, encryptionContext: context });
  try {
    return {
      bytes: Buffer.concat([s.header, s.sealFrames(1, plain, true)]),
      headerLength: s.headerLength,
    };
  } finally {
    s.destroy();
  }
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => new Error('resolved'),
    (e: unknown) => e,
  );
}

describe('server-claimed sizes are bounded before anything is planned', () => {
  it('a Content-Range total beyond 5 TiB (consistent with the frames) is a bad response', async () => {
    const F = 4096;
    const { bytes, headerLength: H } = await message(Buffer.alloc(10_000, 1), F);
    // 2^38 regular frames of 4 KiB: about a petabyte, and a valid layout.
    const claimed = H + 2 ** 38 * (F + FRAME_OVERHEAD) + 40;
    const { ctx, seen } = stubS3(keyring, lyingAboutSize(bytes, claimed));
    const err = await failure(prepareRead(ctx, 'b', 'k', {}));
    expect(err).toMatchObject({ name: 'S3RequestError', code: 'ERR_S3ENC_BAD_RESPONSE' });
    expect(seen.requests).toBe(1);
  });

  it('a size needing more frames than the format allows is a format error, before any key use', async () => {
    const F = 1;
    const { bytes, headerLength: H } = await message(Buffer.alloc(200, 1), F);
    const claimed = H + (MAX_FRAME_SEQ + 1) * (F + FRAME_OVERHEAD) + 40; // under 5 TiB
    const { ctx } = stubS3(keyring, lyingAboutSize(bytes, claimed));
    const err = await failure(prepareRead(ctx, 'b', 'k', { range: { start: 0, end: 10 } }));
    expect(err).toMatchObject({ name: 'FormatError', code: 'ERR_S3ENC_MESSAGE_TOO_LARGE' });
  });

  it('a size that is not a safe integer is an S3 answer error, not an argument error', async () => {
    const { bytes } = await message(Buffer.alloc(1000, 1), 4096);
    const { ctx } = stubS3(keyring, lyingAboutSize(bytes, '99999999999999999999'));
    const err = await failure(prepareRead(ctx, 'b', 'k', {}));
    expect(err).toMatchObject({ name: 'S3RequestError', code: 'ERR_S3ENC_BAD_RESPONSE' });
  });

  it('a large valid size plans lazily; the range the server then refuses is a truncation', async () => {
    const F = 1024;
    const { bytes, headerLength: H } = await message(Buffer.alloc(200_000, 1), F);
    // Consistent, 4 TiB: the plan must not be built whole (millions of ranges).
    const n = Math.floor((4 * 1024 ** 4 - H) / (F + FRAME_OVERHEAD));
    const claimed = H + n * (F + FRAME_OVERHEAD) + 40;
    const { ctx, seen } = stubS3(keyring, lyingAboutSize(bytes, claimed));
    const got = await getObjectStream(ctx, 'b', 'k', { chunkSize: 16 * 1024 });
    expect(got.plaintextSize).toBe(n * F);
    let delivered = 0;
    const err = await (async () => {
      for await (const c of got.body) delivered += (c as Buffer).length;
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ name: 'IntegrityError', code: 'ERR_S3ENC_TRUNCATED' });
    expect(delivered).toBeLessThanOrEqual(200_000);
    expect(seen.requests).toBeLessThan(40);
  });
});

describe('bodies are read up to the length asked and no further', () => {
  it('a server that ignores Range and sends the whole object is refused unread', async () => {
    const { ctx, seen } = stubS3(keyring, () => ({
      body: async function* () {
        for (let i = 0; i < 1024; i++) yield Buffer.alloc(64 * 1024, 2); // 64 MiB
      },
      contentLength: 64 * 1024 * 1024,
    }));
    const err = await failure(prepareRead(ctx, 'b', 'k', { range: { start: 0, end: 10 } }));
    expect(err).toMatchObject({ name: 'S3RequestError', code: 'ERR_S3ENC_BAD_RESPONSE' });
    expect(seen.pulled).toBeLessThanOrEqual(1024 * 1024);
  });

  it('a header answer longer than its Content-Range stops being read at the length asked', async () => {
    const { bytes } = await message(Buffer.alloc(1000, 1), 4096);
    const { ctx, seen } = stubS3(keyring, (start, end) => ({
      body: async function* () {
        yield bytes.subarray(start, Math.min(end, bytes.length));
        for (let i = 0; i < 1024; i++) yield Buffer.alloc(64 * 1024, 2);
      },
      contentRange: `bytes ${start}-${Math.min(end, bytes.length) - 1}/${bytes.length}`,
    }));
    const err = await failure(prepareRead(ctx, 'b', 'k', { range: { start: 0, end: 10 } }));
    expect(err).toMatchObject({ name: 'S3RequestError', code: 'ERR_S3ENC_BAD_RESPONSE' });
    expect(seen.pulled).toBeLessThanOrEqual(1024 * 1024);
  });
});

describe('the header fetch proves progress', () => {
  it('empty 206 bodies after the first bytes end in a typed error, in a few requests', async () => {
    // A header longer than the 4 KiB a range read fetches first.
    const context: Record<string, string> = {};
    for (let i = 0; i < 60; i++) context[`k${i}`] = 'v'.repeat(100);
    const { bytes, headerLength } = await message(Buffer.alloc(100, 1), 4096, context);
    expect(headerLength).toBeGreaterThan(4096);
    const { ctx, seen } = stubS3(keyring, (start, end, n) => {
      const to = Math.min(end, bytes.length);
      return {
        body: n === 1 ? bytes.subarray(start, to) : Buffer.alloc(0),
        contentRange: `bytes ${start}-${to - 1}/${bytes.length}`,
      };
    });
    const err = await failure(prepareRead(ctx, 'b', 'k', { range: { start: 0, end: 10 } }));
    expect(err).toMatchObject({ name: 'IntegrityError', code: 'ERR_S3ENC_TRUNCATED' });
    expect(seen.requests).toBeLessThanOrEqual(5);
  });
});

describe('the data-key cap applies while the header is read', () => {
  it('a header whose key count is over the cap is refused from the count, before its keys', async () => {
    const { bytes } = await message(Buffer.alloc(100, 1), 4096);
    // v2 header: the data-key count follows the AAD (its length at offset 35).
    const at = 37 + bytes.readUInt16BE(35);
    const forged = Buffer.alloc(1024 ** 2); // what follows the count is never looked at
    bytes.copy(forged, 0, 0, at);
    forged.writeUInt16BE(60_000, at);
    const { ctx, seen } = stubS3(keyring, lyingAboutSize(forged, 1024 ** 3));
    const err = await failure(headObject(ctx, 'b', 'k'));
    expect(err).toMatchObject({ name: 'FormatError', code: 'ERR_S3ENC_TOO_MANY_DATA_KEYS' });
    expect(seen.requests).toBe(1);
  });

  it('head applies the cap too (it used to parse and list every key)', async () => {
    const many = multiKeyring({
      generator: keyring,
      children: [1, 2, 3, 4].map((i) =>
        rawAesKeyring({ key: Buffer.alloc(32, i), keyName: `k${i}`, keyNamespace: 's3enc-tests' }),
      ),
    });
    const s = await beginEncryption({ keyring: many, maxEncryptedDataKeys: 5 });
    const bytes = Buffer.concat([s.header, s.sealFrames(1, Buffer.alloc(10), true)]);
    s.destroy();
    const { ctx } = stubS3(keyring, lyingAboutSize(bytes, bytes.length));
    const err = await failure(headObject(ctx, 'b', 'k'));
    expect(err).toMatchObject({ name: 'FormatError', code: 'ERR_S3ENC_TOO_MANY_DATA_KEYS' });
    const roomy = { ...ctx, defaults: { ...ctx.defaults, maxEncryptedDataKeys: 5 } };
    const h = await headObject(roomy, 'b', 'k');
    expect(h.encrypted && h.envelope.keyIds.length).toBe(5);
  });
});
