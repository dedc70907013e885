// Issue #14, through the built CLI: objects the official clients wrote are read by `s3enc get`
// (format detected; the legacy ones only with the flag that names them, refused otherwise with
// that flag in the message and no file left), described by `s3enc head --json`, and an object
// `s3enc put --format s3ec-v3` wrote is read by the Python and Java clients.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CopyObjectCommand, DeleteObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { getTestEnv, makeS3Client } from '../harness/env.js';
import { tempFile } from '../peers/peers.js';
import { runCli, useCliFixture, type CliFixture } from '../cli/cli-helpers.js';
import { makeKeys, peerFlags, peerRun, plaintexts, type MatrixCase } from './s3ec-matrix.js';

const env = getTestEnv();
const keys = makeKeys();
let f: CliFixture;
useCliFixture({ prefix: 's3ec-cli' }, (x) => {
  f = x;
});

const ses = { 'aws:ses:rule-name': 'inbound', 'aws:ses:source-account': '111122223333' };
const url = (k: string) => `s3://${f.bucket.name}/${k}`;
let n = 0;
const target = () => join(f.dir, `out-${++n}`);

async function write(c: Pick<MatrixCase, 'writer' | 'key' | 'flags'>, key: string, size = 4099) {
  const [plain] = plaintexts([size]);
  await peerRun(env, c.writer, 'put', peerFlags(env, keys, f.bucket.name, c), [[key, plain!.file]]);
  return plain!.bytes;
}

/** The AES key as a key file the CLI accepts (owner-only, as it requires). */
function aesKeyFile(): string {
  const p = join(f.dir, 'aes.key');
  if (!existsSync(p)) writeFileSync(p, keys.aesKey, { mode: 0o600 });
  return p;
}

describe('s3enc get / head on peer-written objects', () => {
  it('the SES shape (Java SDK v1, kms wrap, GCM): no flag needed; head names it', async () => {
    const plain = await write({ writer: 'sdk1-v1', key: 'kms', flags: { matdesc: ses } }, 'ses');
    const out = target();
    const get = await runCli(['get', url('ses'), out, '--context', 'aws:ses:rule-name=inbound'], {
      env: f.cli,
    });
    expect(get.code, get.stderr).toBe(0);
    expect(readFileSync(out).equals(plain)).toBe(true);
    const head = await runCli(['head', url('ses'), '--json'], { env: f.cli });
    expect(head.code, head.stderr).toBe(0);
    expect(head.out).toContain('s3ec-v1');
    expect(head.out).toContain('aws:ses:rule-name');
  });

  it('AES/CBC content: refused without --allow-unauthenticated-legacy-content, read with it', async () => {
    const plain = await write({ writer: 'sdk1-v1', key: 'kms', flags: { cbc: true } }, 'cbc');
    const refusedAt = target();
    const refused = await runCli(['get', url('cbc'), refusedAt], { env: f.cli });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('--allow-unauthenticated-legacy-content');
    expect(existsSync(refusedAt)).toBe(false);
    const out = target();
    const ok = await runCli(['get', url('cbc'), out, '--allow-unauthenticated-legacy-content'], {
      env: f.cli,
    });
    expect(ok.code, ok.stderr).toBe(0);
    expect(readFileSync(out).equals(plain)).toBe(true);
  });

  it('AESWrap (V1-era AES key): --key-file, refused without --allow-legacy-key-wrapping', async () => {
    const plain = await write({ writer: 'sdk1-v1', key: 'aes', flags: {} }, 'aeswrap');
    const args = ['get', url('aeswrap'), '--key-file', aesKeyFile()];
    const refusedAt = target();
    const refused = await runCli([...args.slice(0, 2), refusedAt, ...args.slice(2)], {
      env: f.cli,
    });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('--allow-legacy-key-wrapping');
    expect(existsSync(refusedAt)).toBe(false);
    const out = target();
    const ok = await runCli(
      [...args.slice(0, 2), out, ...args.slice(2), '--allow-legacy-key-wrapping'],
      { env: f.cli },
    );
    expect(ok.code, ok.stderr).toBe(0);
    expect(readFileSync(out).equals(plain)).toBe(true);
  });

  it('V3 with an RSA key pair (Java S3EC 4.x): --rsa-private-key', async () => {
    const plain = await write({ writer: 'v4', key: 'rsa', flags: {} }, 'rsa');
    const out = target();
    const r = await runCli(['get', url('rsa'), out, '--rsa-private-key', keys.rsaKeyFile], {
      env: f.cli,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out).equals(plain)).toBe(true);
  });

  it('V2 with its instruction file under another suffix: --instruction-file-suffix', async () => {
    const plain = await write(
      { writer: 'v4', key: 'kms', flags: { format: 'v2', instructionFile: true } },
      'suffix',
    );
    const s3 = makeS3Client(env);
    try {
      await s3.send(
        new CopyObjectCommand({
          Bucket: f.bucket.name,
          Key: 'suffix.keys',
          CopySource: `${f.bucket.name}/suffix.instruction`,
        }),
      );
      await s3.send(new DeleteObjectCommand({ Bucket: f.bucket.name, Key: 'suffix.instruction' }));
    } finally {
      s3.destroy();
    }
    const missing = await runCli(['get', url('suffix'), target()], { env: f.cli });
    expect(missing.code).not.toBe(0);
    const out = target();
    const r = await runCli(['get', url('suffix'), out, '--instruction-file-suffix', '.keys'], {
      env: f.cli,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out).equals(plain)).toBe(true);
  });
});

describe('s3enc put --format s3ec-v3', () => {
  it('the Python and Java clients read it', async () => {
    const [plain] = plaintexts([70_001]);
    const put = await runCli(
      ['put', plain!.file, url('cli-v3'), '--format', 's3ec-v3', '--context', 'Team=cli'],
      { env: f.cli },
    );
    expect(put.code, put.stderr).toBe(0);
    const flags = peerFlags(env, keys, f.bucket.name, {
      key: 'kms',
      flags: { context: { Team: 'cli' } },
    });
    for (const reader of ['python', 'v4'] as const) {
      const out = tempFile('out', '');
      await peerRun(env, reader, 'get', flags, [['cli-v3', out]]);
      expect(readFileSync(out).equals(plain!.bytes), reader).toBe(true);
    }
  });
});
