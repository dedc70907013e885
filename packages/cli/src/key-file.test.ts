import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from './cli-errors.js';
import { keyNameFor, keyringFromKeyFile } from './key-file.js';
import { mfaOf, sseCKeyOf } from './common.js';

const dir = mkdtempSync(join(tmpdir(), 's3enc-keyfile-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('key files', () => {
  const key = randomBytes(32);
  it('reads raw, hex and base64 files to the same key id', async () => {
    const ids = [];
    for (const [name, data] of [
      ['raw', key],
      ['hex', Buffer.from(`${key.toString('hex')}\n`)],
      ['b64', Buffer.from(key.toString('base64'))],
    ] as const) {
      const p = join(dir, name);
      writeFileSync(p, data);
      ids.push((await keyringFromKeyFile(p)).keyId);
    }
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toBe(`s3enc-raw-aes/${keyNameFor(key)}`);
    expect(ids[0]).toMatch(/^s3enc-raw-aes\/hmac-sha256:[0-9a-f]{32}$/);
    expect(ids[0]).not.toContain(key.toString('hex').slice(0, 16));
  });
  it('rejects a file that holds no AES-256 key, and a missing file', async () => {
    const p = join(dir, 'short');
    writeFileSync(p, randomBytes(16));
    await expect(keyringFromKeyFile(p)).rejects.toThrow(UsageError);
    await expect(keyringFromKeyFile(join(dir, 'nope'))).rejects.toMatchObject({
      code: 'ERR_S3ENC_CLI_FILE',
    });
  });
});

describe('--sse-c-key and --mfa', () => {
  it('reads an SSE-C key only from fileb:// or file://, a 256-bit key (raw, hex or base64)', async () => {
    const p = join(dir, 'ssec');
    writeFileSync(p, randomBytes(32), { mode: 0o600 }); // key files must be private
    expect((await sseCKeyOf({ 'sse-c-key': `fileb://${p}` }))?.key.length).toBe(32);
    expect(await sseCKeyOf({})).toBeUndefined();
    await expect(sseCKeyOf({ 'sse-c-key': Buffer.alloc(32).toString('base64') })).rejects.toThrow(
      /fileb:\/\//,
    );
    await expect(sseCKeyOf({ 'sse-c': 'AES256' })).rejects.toThrow(UsageError);
    await expect(sseCKeyOf({ 'sse-c': 'DES', 'sse-c-key': `fileb://${p}` })).rejects.toThrow(
      /AES256/,
    );
    const short = join(dir, 'ssec-short');
    writeFileSync(short, randomBytes(31), { mode: 0o600 });
    await expect(sseCKeyOf({ 'sse-c-key': `fileb://${short}` })).rejects.toThrow(/32 bytes/);
    const hex = join(dir, 'ssec-hex');
    const k = randomBytes(32);
    writeFileSync(hex, `${k.toString('hex')}\n`, { mode: 0o600 });
    expect(Buffer.from((await sseCKeyOf({ 'sse-c-key': `fileb://${hex}` }))!.key).equals(k)).toBe(
      true,
    );
    // file:// reads the file as text, as the AWS CLI does.
    expect(Buffer.from((await sseCKeyOf({ 'sse-c-key': `file://${hex}` }))!.key).equals(k)).toBe(
      true,
    );
    await expect(sseCKeyOf({ 'sse-c-key': `file://${p}` })).rejects.toThrow(
      /not text|32 bytes|AES-256/,
    );
    const junk = join(dir, 'ssec-junk');
    writeFileSync(junk, ` ${k.toString('hex')}`, { mode: 0o600 });
    await expect(sseCKeyOf({ 'sse-c-key': `fileb://${junk}` })).rejects.toThrow(UsageError);
  });
  it('splits --mfa into serial and code', () => {
    expect(mfaOf({ mfa: 'arn:aws:iam::123456789012:mfa/me 123456' })).toEqual({
      serialNumber: 'arn:aws:iam::123456789012:mfa/me',
      tokenCode: '123456',
    });
    expect(mfaOf({})).toBeUndefined();
    expect(() => mfaOf({ mfa: '123456' })).toThrow(UsageError);
  });
});
