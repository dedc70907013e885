// #13 item 6: text that comes from an object (its encryption context, the ids of the keys that
// wrapped its data key) or from a server (an S3 error code) never reaches the terminal raw:
// `s3enc head` and the error output escape control characters; `--json` keeps them exact.
import { rawAesKeyring } from '@s3enc/core';
import { EncryptedS3Client } from '@s3enc/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from '../cli/cli-helpers.js';
import { errorReply } from '../harness/hostile-s3.js';
import { useHostileFixture } from './helpers.js';

const f = useHostileFixture('hostile-terminal');
/** Anything a terminal would act on: C0 and C1 controls, DEL, bidi overrides. */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const context = {
  'env\x1b[31m': 'red\x1b]0;window title\x07',
  project: 'txt.\u202eexe',
  'line\nbreak': 'cr\rhere',
};
const keyName = 'key\x1b[2J\x1b[H';

beforeAll(async () => {
  const client = new EncryptedS3Client({
    s3: {
      endpoint: f.env.s3.endpoint,
      region: f.env.s3.region,
      credentials: f.env.s3.credentials,
      forcePathStyle: f.env.s3.forcePathStyle,
      ca: f.env.ca,
    },
    keyring: rawAesKeyring({ key: Buffer.alloc(32, 3), keyName, keyNamespace: 'ns\x1b[1m' }),
  });
  await client.put(f.bucket.name, 'ctx', 'hello', { encryptionContext: context });
  client.destroy();
});

describe('terminal control characters from objects and servers (#13.6)', () => {
  it('head escapes the encryption context and key ids; --json keeps them exact', async () => {
    const env = cliEnv(f.env);
    const human = await runCli(['head', `s3://${f.bucket.name}/ctx`], { env });
    expect(human.code, human.stderr).toBe(0);
    expect(human.out).not.toMatch(RAW_CONTROL);
    expect(human.out).toContain('env\\x1b[31m=red\\x1b]0;window title\\x07');
    expect(human.out).toContain('txt.\\u202eexe');
    expect(human.out).toContain('key\\x1b[2J\\x1b[H');

    const json = await runCli(['head', `s3://${f.bucket.name}/ctx`, '--json'], { env });
    expect(json.code, json.stderr).toBe(0);
    const doc = JSON.parse(json.out) as {
      envelope: { encryptionContext: Record<string, string>; keyIds: string[] };
    };
    for (const [k, v] of Object.entries(context)) expect(doc.envelope.encryptionContext[k]).toBe(v);
    expect(doc.envelope.keyIds.join('\n')).toContain(keyName);
  });

  it("a server's error code is escaped in the error output and exact in --json", async () => {
    const code = 'Evil\x1b[2J\x1b]0;pwned\x07';
    f.hostile.program([
      { match: { method: 'GET' }, respond: () => errorReply(400, code, 'no\x1b[5m') },
    ]);
    const env = cliEnv(f.env, { AWS_ENDPOINT_URL_S3: f.hostile.endpoint, AWS_CA_BUNDLE: f.caFile });
    for (const args of [
      ['get', `s3://${f.bucket.name}/ctx`, '-'],
      ['head', `s3://${f.bucket.name}/ctx`],
    ]) {
      const human = await runCli(args, { env });
      expect(human.code, human.stderr).toBe(1);
      expect(human.stderr).toMatch(/Evil\\x1b\[2J\\x1b\]0;pwned\\x07/);
      expect(human.stderr).not.toMatch(RAW_CONTROL);

      const json = await runCli([...args, '--json'], { env });
      expect(json.code).toBe(1);
      const line = `${json.out}\n${json.stderr}`
        .split('\n')
        .find((l) => l.startsWith('{"ok":false'));
      expect(line, json.stderr).toBeDefined();
      const doc = JSON.parse(line!) as { error: { message: string } };
      expect(doc.error.message).toContain(code);
      expect(
        json.stderr
          .split('\n')
          .filter((l) => !l.startsWith('{'))
          .join('\n'),
      ).not.toMatch(RAW_CONTROL);
    }
  });
});
