/**
 * One strict decoder for key inputs, one wipe, and the raw-key name: keyed and
 * domain-separated, with the 0.1 name still read.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../src/errors.js';
import { decodeKey256, legacyRawKeyName, rawKeyName, wipe } from '../src/key-material.js';

const key = randomBytes(32);
const hex = key.toString('hex');
const b64 = key.toString('base64');

describe('decodeKey256', () => {
  it('accepts 32 raw bytes, 64 hex digits and 44 base64 characters, with one line ending', () => {
    const forms: (Uint8Array | string)[] = [
      key,
      hex,
      hex.toUpperCase(),
      `${hex}\n`,
      `${hex}\r\n`,
      b64,
      `${b64}\n`,
      Buffer.from(`${b64}\r\n`),
      Buffer.from(hex),
    ];
    for (const f of forms) expect(decodeKey256(f).equals(key)).toBe(true);
  });

  it('rejects junk, other whitespace, other lengths and non-canonical base64', () => {
    const lastB64 = b64.charAt(42);
    const flipped =
      'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.indexOf(lastB64) ^ 1;
    const nonCanonical = `${b64.slice(0, 42)}${'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'[flipped]}=`;
    const bad: (Uint8Array | string)[] = [
      key.subarray(0, 31),
      Buffer.concat([key, Buffer.from([0])]),
      ` ${hex}`,
      `${hex} `,
      `${hex}\n\n`,
      `${hex.slice(0, 32)} ${hex.slice(32)}`,
      hex.slice(0, 63),
      `${hex}0`,
      `${hex.slice(0, 63)}g`,
      b64.replace(/=$/, ''),
      b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=$/, '-'),
      nonCanonical,
      `${b64}#comment`,
      '',
    ];
    for (const b of bad) {
      expect(() => decodeKey256(b)).toThrow(InvalidArgumentError);
    }
    expect(() => decodeKey256(`${hex} `, { code: 'ERR_S3ENC_INVALID_SSE_C_KEY' })).toThrow(
      expect.objectContaining({ code: 'ERR_S3ENC_INVALID_SSE_C_KEY' }),
    );
    // The message never shows the input.
    try {
      decodeKey256(`${hex} `);
    } catch (e) {
      expect((e as Error).message).not.toContain(hex.slice(0, 8));
    }
  });

  it('accepts only the encodings asked for', () => {
    expect(() => decodeKey256(key, { accept: ['hex', 'base64'] })).toThrow(InvalidArgumentError);
    expect(() => decodeKey256(hex, { accept: ['raw'] })).toThrow(InvalidArgumentError);
    expect(decodeKey256(b64, { accept: ['base64'] }).equals(key)).toBe(true);
  });

  it('returns a copy the caller owns; wipe zeroes it', () => {
    const input = Buffer.from(key);
    const out = decodeKey256(input);
    expect(out.byteOffset).toBe(0);
    expect(out.buffer.byteLength).toBe(32); // owns its memory: not a slice of the shared pool
    wipe(out, undefined, input);
    expect(out.every((b) => b === 0)).toBe(true);
    expect(input.every((b) => b === 0)).toBe(true);
  });
});

describe('raw key names', () => {
  it('derives the name with HMAC-SHA256 keyed by the key over a fixed label', () => {
    const mac = createHmac('sha256', key).update('s3enc raw AES key name v1').digest('hex');
    expect(rawKeyName(key)).toBe(`hmac-sha256:${mac.slice(0, 32)}`);
    // Not the bare hash the 0.1 name was, and not a prefix of it either way.
    const sha = createHash('sha256').update(key).digest('hex');
    expect(rawKeyName(key)).not.toContain(sha.slice(0, 16));
    expect(legacyRawKeyName(key)).toBe(`sha256:${sha.slice(0, 16)}`);
    expect(rawKeyName(randomBytes(32))).not.toBe(rawKeyName(key));
    expect(() => rawKeyName(key.subarray(1))).toThrow(InvalidArgumentError);
  });
});
