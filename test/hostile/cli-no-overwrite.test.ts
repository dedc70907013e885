// #13 item 9: `get --no-overwrite FILE` creates the target exclusively. A file that appears
// under the target's name while the download runs (after the early check) is kept, the command
// fails with ERR_S3ENC_CLI_FILE_EXISTS, and nothing else is left in the directory.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from '../cli/cli-helpers.js';
import { useHostileFixture } from './helpers.js';

const f = useHostileFixture('hostile-no-overwrite');
const plain = randomBytes(300_000);

beforeAll(async () => {
  await f.writer.put(f.bucket.name, 'obj', plain);
});

describe('get --no-overwrite (#13.9)', () => {
  it('a file created during the download is not replaced', async () => {
    const dir = mkdtempSync(join(f.dir, 'race-'));
    const target = join(dir, 'out.bin');
    // The file appears when the first GET of the object reaches the server: after the CLI's
    // existence check, before the download ends.
    f.hostile.program([
      {
        match: { method: 'GET', url: /\/obj(\?|$)/ },
        nth: 1,
        times: 1,
        respond: () => {
          writeFileSync(target, 'theirs');
          return { kind: 'forward' };
        },
      },
    ]);
    const env = cliEnv(f.env, { AWS_ENDPOINT_URL_S3: f.hostile.endpoint, AWS_CA_BUNDLE: f.caFile });
    const r = await runCli(
      ['get', `s3://${f.bucket.name}/obj`, target, '--no-overwrite', '--json'],
      {
        env,
      },
    );
    expect(f.hostile.fired()).toEqual([1]);
    expect(r.code, r.stderr).toBe(1);
    expect((JSON.parse(r.out) as { error: { code: string } }).error.code).toBe(
      'ERR_S3ENC_CLI_FILE_EXISTS',
    );
    expect(readFileSync(target, 'utf8')).toBe('theirs');
    expect(readdirSync(dir)).toEqual(['out.bin']);
  });

  it('without a race it writes the file, and leaves nothing else', async () => {
    const dir = mkdtempSync(join(f.dir, 'plain-'));
    const target = join(dir, 'out.bin');
    f.hostile.program([]);
    const env = cliEnv(f.env, { AWS_ENDPOINT_URL_S3: f.hostile.endpoint, AWS_CA_BUNDLE: f.caFile });
    const r = await runCli(['get', `s3://${f.bucket.name}/obj`, target, '--no-overwrite'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(target).equals(plain)).toBe(true);
    expect(readdirSync(dir)).toEqual(['out.bin']);
    const again = await runCli(['get', `s3://${f.bucket.name}/obj`, target, '--no-overwrite'], {
      env,
    });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/ERR_S3ENC_CLI_FILE_EXISTS/);
    expect(readdirSync(dir)).toEqual(['out.bin']);
  });
});
