// #13 item 7: a key file that group or others can access is refused by default, with a clear
// error that names the fix and the explicitly named override; with the override it is used.
// The same holds for an SSE-C key file.
import { chmodSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, useCliFixture, type CliFixture } from '../cli/cli-helpers.js';
import { getTestEnv, makeS3Client } from '../harness/env.js';
import { openUploads } from './helpers.js';

let f: CliFixture;
useCliFixture({ prefix: 'hostile-key-perms' }, (x) => (f = x));
const url = (k: string) => `s3://${f.bucket.name}/${k}`;
const s3 = makeS3Client(getTestEnv());
afterAll(() => {
  s3.destroy();
});

describe('key file permissions (#13.7)', () => {
  for (const mode of [0o644, 0o640, 0o604, 0o620]) {
    it(`--key-file with mode ${mode.toString(8)} is refused before any request; the override uses it`, async () => {
      const keyFile = join(f.dir, `key-${mode.toString(8)}`);
      const kg = await runCli(['keygen', keyFile], { env: f.cli });
      expect(kg.code, kg.stderr).toBe(0);
      chmodSync(keyFile, mode);
      const put = await runCli(['put', '-', url('k.txt'), '--key-file', keyFile, '--json'], {
        env: f.cli,
        input: 'secret',
      });
      expect(put.code).toBe(1);
      const err = JSON.parse(put.out) as { error: { code: string; message: string } };
      expect(err.error.code).toBe('ERR_S3ENC_CLI_KEY_FILE_PERMISSIONS');
      expect(put.stderr).toContain(`chmod 600 ${keyFile}`);
      expect(put.stderr).toContain('--allow-insecure-key-file-permissions');
      expect(put.stderr).toContain(`mode 0${mode.toString(8)}`);
      expect(await openUploads(s3, f.bucket.name)).toBe(0);

      const forced = await runCli(
        ['put', '-', url('k.txt'), '--key-file', keyFile, '--allow-insecure-key-file-permissions'],
        { env: f.cli, input: 'secret' },
      );
      expect(forced.code, forced.stderr).toBe(0);
      const get = await runCli(['get', url('k.txt'), '-', '--key-file', keyFile], { env: f.cli });
      expect(get.code).toBe(1);
      expect(get.stderr).toMatch(/ERR_S3ENC_CLI_KEY_FILE_PERMISSIONS/);
      expect(get.stdout.length).toBe(0);
      chmodSync(keyFile, 0o600);
      const ok = await runCli(['get', url('k.txt'), '-', '--key-file', keyFile], { env: f.cli });
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.out).toBe('secret');
    });
  }

  it('an SSE-C key file readable by others is refused the same way', async () => {
    const keyPath = join(f.dir, 'ssec.bin');
    writeFileSync(keyPath, randomBytes(32), { mode: 0o644 });
    chmodSync(keyPath, 0o644);
    const put = await runCli(['put', '-', url('c.txt'), '--sse-c-key', `fileb://${keyPath}`], {
      env: f.cli,
      input: 'x',
    });
    expect(put.code).toBe(1);
    expect(put.stderr).toMatch(/ERR_S3ENC_CLI_KEY_FILE_PERMISSIONS/);
    chmodSync(keyPath, 0o600);
    const ok = await runCli(['put', '-', url('c.txt'), '--sse-c-key', `fileb://${keyPath}`], {
      env: f.cli,
      input: 'x',
    });
    expect(ok.code, ok.stderr).toBe(0);
  });
});
