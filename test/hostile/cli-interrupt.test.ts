// #13 item 8: interrupts and failed aborts during `put`. A second Ctrl-C no longer exits at
// once and leaves the multipart upload open: it waits (bounded) for the abort; when the wait
// runs out it names the upload and the command that aborts it. An AbortMultipartUpload that
// fails every retry is reported with the upload id (library error and CLI output).
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AbortMultipartUploadCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliEnv } from '../cli/cli-helpers.js';
import { errorReply } from '../harness/hostile-s3.js';
import { fixtureClient, MiB, openUploads, startCli, until, useHostileFixture } from './helpers.js';

const f = useHostileFixture('hostile-interrupt');
let source = '';
const parts = { method: 'PUT', url: /partNumber=/ };
const abortRequest = { method: 'DELETE', url: /uploadId=/ };

beforeAll(() => {
  source = join(f.dir, 'source.bin');
  writeFileSync(source, randomBytes(24 * MiB));
});

function startPut(key: string) {
  const env = cliEnv(f.env, { AWS_ENDPOINT_URL_S3: f.hostile.endpoint, AWS_CA_BUNDLE: f.caFile });
  return startCli(
    ['put', source, `s3://${f.bucket.name}/${key}`, '--part-size', '5MiB', '--concurrency', '2'],
    env,
  );
}

const seen = (m: { method: string; url: RegExp }) => () =>
  f.hostile.requests.some((r) => r.method === m.method && m.url.test(r.url));

async function uploadIds(): Promise<string[]> {
  const r = await f.s3.send(new ListMultipartUploadsCommand({ Bucket: f.bucket.name }));
  return (r.Uploads ?? []).map((u) => u.UploadId!);
}

async function abortAll(): Promise<void> {
  const r = await f.s3.send(new ListMultipartUploadsCommand({ Bucket: f.bucket.name }));
  for (const u of r.Uploads ?? [])
    await f.s3.send(
      new AbortMultipartUploadCommand({ Bucket: f.bucket.name, Key: u.Key, UploadId: u.UploadId }),
    );
}

describe('put: interrupts and failed aborts (#13.8)', () => {
  it('a second Ctrl-C while the upload is being aborted waits for the abort: no upload left', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    f.hostile.program([
      { match: parts, respond: () => ({ kind: 'stall' }) },
      { match: abortRequest, respond: () => ({ kind: 'hold', until: released }) },
    ]);
    const put = startPut('twice');
    await until('a part upload', seen(parts));
    put.child.kill('SIGINT');
    await until('AbortMultipartUpload', seen(abortRequest));
    put.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 1500));
    release(); // the abort reaches S3 only if the CLI is still waiting for it
    const end = await put.done;
    expect(end.code, put.stderr()).toBe(130);
    expect(put.stderr()).toMatch(/waiting up to/);
    expect(await openUploads(f.s3, f.bucket.name)).toBe(0);
  });

  it('a second Ctrl-C while S3 is creating the multipart upload waits for it, then aborts it', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const create = { method: 'POST', url: /[?&]uploads(=|&|$)/ };
    // S3 creates the upload at once; only its answer (the upload id) is held back.
    f.hostile.program([
      { match: create, respond: () => ({ kind: 'delay-answer', until: released }) },
    ]);
    const put = startPut('creating');
    await until('CreateMultipartUpload', seen(create));
    put.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 300));
    put.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 1500));
    release();
    const end = await put.done;
    try {
      expect(end.code, put.stderr()).toBe(130);
      expect(await openUploads(f.s3, f.bucket.name)).toBe(0);
    } finally {
      await abortAll();
    }
  });

  it('when the abort does not finish in the bounded wait, the CLI exits and names the upload to abort by hand', async () => {
    f.hostile.program([
      { match: parts, respond: () => ({ kind: 'stall' }) },
      { match: abortRequest, respond: () => ({ kind: 'stall' }) },
    ]);
    const put = startPut('stuck');
    await until('a part upload', seen(parts));
    put.child.kill('SIGINT');
    await until('AbortMultipartUpload', seen(abortRequest));
    put.child.kill('SIGINT');
    const end = await put.done;
    try {
      expect(end.signal, put.stderr()).toBeNull();
      expect(end.code, put.stderr()).toBe(130);
      const ids = await uploadIds();
      expect(ids).toHaveLength(1);
      expect(put.stderr()).toContain(
        `aws s3api abort-multipart-upload --bucket ${f.bucket.name} --key stuck --upload-id ${ids[0]}`,
      );
    } finally {
      await abortAll();
    }
  });

  it('an AbortMultipartUpload that fails every retry is reported with the upload id (library and CLI)', async () => {
    f.hostile.program([
      { match: parts, nth: 2, respond: () => errorReply(400, 'InvalidRequest', 'refused part') },
      { match: abortRequest, respond: () => errorReply(500, 'InternalError', 'no abort today') },
    ]);
    try {
      const client = fixtureClient(f, { viaHostile: true, maxAttempts: 2 });
      const err = (await client
        .put(f.bucket.name, 'lib-open', { path: source }, { partSize: 5 * MiB, concurrency: 1 })
        .catch((e: unknown) => e)) as Error & {
        code?: string;
        openMultipartUpload?: { bucket: string; key: string; uploadId: string };
      };
      client.destroy();
      const ids = await uploadIds();
      expect(ids).toHaveLength(1);
      expect(err.code).toBe('ERR_S3ENC_S3_REQUEST');
      expect(err.openMultipartUpload).toEqual({
        bucket: f.bucket.name,
        key: 'lib-open',
        uploadId: ids[0],
      });
      expect(err.message).toContain(ids[0]);
      expect(err.message).toMatch(/AbortMultipartUpload failed/);
      await abortAll();

      f.hostile.program([
        { match: parts, nth: 2, respond: () => errorReply(400, 'InvalidRequest', 'refused part') },
        { match: abortRequest, respond: () => errorReply(500, 'InternalError', 'no abort today') },
      ]);
      const put = startPut('cli-open');
      const end = await put.done;
      const cliIds = await uploadIds();
      expect(cliIds).toHaveLength(1);
      expect(end.code, put.stderr()).toBe(1);
      expect(put.stderr()).toContain(cliIds[0]);
      expect(put.stderr()).toContain(
        `aws s3api abort-multipart-upload --bucket ${f.bucket.name} --key cli-open --upload-id ${cliIds[0]}`,
      );
    } finally {
      await abortAll();
    }
  });
});
