// Key hygiene of the transfer engine (issue #12, item 6): the plaintext and key buffers the
// engine owns are wiped when released, and this test inspects every one it can reach after a
// transfer — source staging buffers, getToFile's write batches, verified bytes a range read
// drops, SSE-C key objects made internally. The caller's own buffers are left alone.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { beginEncryption, rawAesKeyring } from '@s3enc/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { lyingAboutSize, stubS3 } from '../../test/s3-stub.js';
import { SseCustomerKey, resolveSse } from '../sse.js';
import { getObjectStream } from './download/to-stream.js';
import { writePieces } from './download/to-file.js';
import { resolveSource, type PutSource } from './upload/sources.js';

const isZero = (b: Uint8Array) => b.every((x) => x === 0);
const PIECE = 64 * 1024;

/** Reads every piece, keeping a reference to each buffer (not a copy), and what it held. */
async function drain(source: PutSource, size?: number) {
  const src = await resolveSource(source, size === undefined ? {} : { size });
  const seen: Buffer[] = [];
  const content: Buffer[] = [];
  for await (const p of src.pieces(PIECE)) {
    seen.push(p.data);
    content.push(Buffer.from(p.data));
  }
  src.release();
  return { seen, content: Buffer.concat(content) };
}

describe('upload sources wipe the plaintext they staged', () => {
  const plain = Buffer.alloc(3 * PIECE + 123, 0x41);

  it('file source: both staging buffers are zero once read', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 's3enc-wipe-')), 'f');
    writeFileSync(path, plain);
    const { seen, content } = await drain({ path });
    expect(content.equals(plain)).toBe(true);
    expect(seen.length).toBe(4);
    for (const b of seen) expect(isZero(b)).toBe(true);
  });

  it('stream source: staging buffers are zero once read, and when stopped early', async () => {
    const chunks = () => Readable.from([plain.subarray(0, 1000), plain.subarray(1000)]);
    const { seen, content } = await drain(chunks());
    expect(content.equals(plain)).toBe(true);
    for (const b of seen) expect(isZero(b)).toBe(true);

    const src = await resolveSource(chunks());
    const it = src.pieces(PIECE);
    const first = await it.next();
    expect(first.done).toBe(false);
    const held = first.done === false ? first.value.data : Buffer.alloc(0);
    expect(isZero(held)).toBe(false);
    await it.return(undefined);
    expect(isZero(held)).toBe(true);
  });

  it("string source: our UTF-8 copy is zero once read; a caller's bytes are untouched", async () => {
    const text = 'A'.repeat(2 * PIECE + 5);
    const { seen, content } = await drain(text);
    expect(content.toString()).toBe(text);
    for (const b of seen) expect(isZero(b)).toBe(true);

    const mine = Buffer.from(plain);
    await drain(mine);
    expect(mine.equals(plain)).toBe(true);
  });
});

describe("getToFile's write batches", () => {
  const pieces = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ offset: i * 1000, data: Buffer.alloc(1000, 0x42) }));

  it('are zero once written; the file got the plaintext', async () => {
    const ps = pieces(5);
    const file: Buffer[] = [];
    const fh = {
      writev: (bufs: Buffer[]) => {
        for (const b of bufs) file.push(Buffer.from(b));
        return Promise.resolve({
          bytesWritten: bufs.reduce((s, b) => s + b.length, 0),
          buffers: bufs,
        });
      },
    };
    const n = await writePieces(fh as never, Readable.from(ps), { start: 0, end: 5000 }, undefined);
    expect(n).toBe(5000);
    expect(Buffer.concat(file).equals(Buffer.alloc(5000, 0x42))).toBe(true);
    for (const p of ps) expect(isZero(p.data)).toBe(true);
  });

  it('are zero when the write fails', async () => {
    const ps = pieces(3);
    const fh = { writev: () => Promise.reject(new Error('disk full')) };
    await expect(
      writePieces(fh, Readable.from(ps), { start: 0, end: 3000 }, undefined),
    ).rejects.toThrow('disk full');
    for (const p of ps) expect(isZero(p.data)).toBe(true);
  });
});

describe('a range read', () => {
  it('wipes the verified plaintext of its frames outside the range', async () => {
    const keyring = rawAesKeyring({ key: Buffer.alloc(32, 5), keyName: 'w', keyNamespace: 't' });
    const F = 4096;
    const s = await beginEncryption({ keyring, frameLength: F });
    const bytes = Buffer.concat([s.header, s.sealFrames(1, Buffer.alloc(3 * F, 0x43), true)]);
    s.destroy();
    const { ctx } = stubS3(keyring, lyingAboutSize(bytes, bytes.length));
    const got = await getObjectStream(ctx, 'b', 'k', { range: { start: F + 100, end: F + 200 } });
    const out: Buffer[] = [];
    for await (const c of got.body) out.push(c as Buffer);
    expect(Buffer.concat(out).equals(Buffer.alloc(100, 0x43))).toBe(true);
    // The rest of the frame's plaintext sits in the same memory as the bytes delivered.
    for (const c of out) {
      const whole = new Uint8Array(c.buffer, 0, c.buffer.byteLength);
      const outside = [
        ...whole.subarray(0, c.byteOffset),
        ...whole.subarray(c.byteOffset + c.length),
      ];
      expect(outside.filter((x) => x === 0x43).length).toBe(0);
    }
  });
});

describe('SSE-C keys', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('a key object made from bytes is destroyed once its request fields exist', () => {
    const destroy = vi.spyOn(SseCustomerKey.prototype, 'destroy');
    const raw = Buffer.alloc(32, 9);
    const p = resolveSse({ type: 'SSE-C', key: raw });
    expect(p.perRequest.SSECustomerKey).toBe(raw.toString('base64'));
    expect(destroy).toHaveBeenCalledTimes(1);
    expect(raw.equals(Buffer.alloc(32, 9))).toBe(true); // the caller's bytes stay theirs
  });

  it("a caller's key object is left to the caller", () => {
    const destroy = vi.spyOn(SseCustomerKey.prototype, 'destroy');
    const key = new SseCustomerKey(Buffer.alloc(32, 8));
    resolveSse({ type: 'SSE-C', key });
    expect(destroy).not.toHaveBeenCalled();
    expect(key.requestParams().SSECustomerKeyMD5).toBe(key.md5);
  });
});
