import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { s3ecSettings, wipeS3ecSettings } from './settings.js';

describe('s3ec settings', () => {
  it('copies the AES key and wipes only its copy', () => {
    const key = randomBytes(32);
    const s = s3ecSettings({ aesKey: key }, []);
    expect(Buffer.from(s.keys.aesKey!).equals(key)).toBe(true);
    wipeS3ecSettings(s);
    expect(s.keys.aesKey!.every((b) => b === 0)).toBe(true);
    expect(key.every((b) => b === 0)).toBe(false);
  });

  it('refuses keys that cannot be used, before any request', () => {
    const code = (f: () => unknown) => {
      try {
        f();
        return 'none';
      } catch (e) {
        return (e as { code: string }).code;
      }
    };
    expect(code(() => s3ecSettings({ aesKey: randomBytes(16) }, []))).toBe('ERR_S3ENC_INVALID_KEY');
    expect(code(() => s3ecSettings({ rsaPrivateKey: 'not a pem' }, []))).toBe(
      'ERR_S3ENC_INVALID_KEY',
    );
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect(code(() => s3ecSettings({ rsaPrivateKey: ec }, []))).toBe('ERR_S3ENC_INVALID_KEY');
    expect(code(() => s3ecSettings({ instructionFileSuffix: '' }, []))).toBe(
      'ERR_S3ENC_INVALID_ARGUMENT',
    );
    expect(code(() => s3ecSettings({ instructionFileSuffix: 'a\nb' }, []))).toBe(
      'ERR_S3ENC_INVALID_ARGUMENT',
    );
    expect(
      code(() => s3ecSettings({ allowLegacyKeyWrapping: 'yes' as unknown as boolean }, [])),
    ).toBe('ERR_S3ENC_INVALID_ARGUMENT');
  });

  it('defaults are the safe choice', () => {
    const s = s3ecSettings(undefined, []);
    expect(s).toMatchObject({
      instructionFileSuffix: '.instruction',
      allowUnauthenticatedLegacyContent: false,
      allowLegacyKeyWrapping: false,
    });
    expect(s.keys).toEqual({});
  });
});
