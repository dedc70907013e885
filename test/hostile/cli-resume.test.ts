// #16 "Interrupted runs resume": a `put --resume-state` killed with SIGINT keeps its upload and
// the same command run again sends only the missing parts; a bulk run's second Ctrl-C exits at
// once and names the uploads it could not abort; `s3enc uploads ls|abort` lists and aborts
// incomplete uploads (s3enc's own marked from this machine's journal).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from '../cli/cli-helpers.js';
import type { Verdict } from '../harness/hostile-s3.js';
import { fixtureClient, MiB, startCli, until, useHostileFixture } from './helpers.js';

const f = useHostileFixture('hostile-resume');
const parts = { method: 'PUT', url: /partNumber=/ };
const abortRequest = { method: 'DELETE', url: /uploadId=/ };
let source = '';
let plain: Buffer;
let stateDir = '';

beforeAll(() => {
  plain = randomBytes(24 * MiB + 777);
  source = join(f.dir, 'source.bin');
  writeFileSync(source, plain);
  stateDir = join(f.dir, 'state');
});

const env = (hostile: boolean) =>
  cliEnv(f.env, {
    S3ENC_STATE_DIR: stateDir,
    ...(hostile ? { AWS_ENDPOINT_URL_S3: f.hostile.endpoint, AWS_CA_BUNDLE: f.caFile } : {}),
  });

const start = (args: string[]) => startCli(args, env(true));

const count = (m: { method: string; url: RegExp }) =>
  f.hostile.requests.filter((r) => r.method === m.method && m.url.test(r.url)).length;

/** The bucket's incomplete uploads under `prefix` (MinIO's Prefix matches whole keys only). */
async function uploads(prefix: string) {
  const r = await f.s3.send(new ListMultipartUploadsCommand({ Bucket: f.bucket.name }));
  return (r.Uploads ?? [])
    .filter((u) => u.Key!.startsWith(prefix))
    .map((u) => ({ key: u.Key!, uploadId: u.UploadId! }));
}

function partsInState(path: string): number {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { parts: unknown[] }).parts.length;
  } catch {
    return 0;
  }
}

interface LsRow {
  key: string;
  uploadId: string;
  s3enc: boolean;
  resumeStatePath?: string;
  status?: string;
}
const rowsOf = (out: string) => (JSON.parse(out) as { uploads: LsRow[] }).uploads;

describe('put --resume-state (#16)', () => {
  it('SIGINT keeps the upload; the same command again sends only the missing parts', async () => {
    const statePath = join(f.dir, 'put.resume.json');
    const args = [
      'put',
      source,
      `s3://${f.bucket.name}/resumed`,
      '--part-size',
      '5MiB',
      '--concurrency',
      '1',
      '--resume-state',
      statePath,
    ];
    // Two parts go through; the third hangs until the interrupt.
    f.hostile.program([{ match: parts, nth: 3, respond: () => ({ kind: 'stall' }) }]);
    const first = start(args);
    await until('two stored parts in the state file', () => partsInState(statePath) === 2);
    await until('the third part', () => count(parts) === 3);
    first.child.kill('SIGINT');
    const end = await first.done;
    expect(end.code, first.stderr()).toBe(130);
    expect(count(abortRequest)).toBe(0); // kept, not aborted
    const open = await uploads('resumed');
    expect(open).toHaveLength(1);
    expect(first.stderr()).toContain('stays open for a resume');
    expect(first.stderr()).toContain(
      `s3enc uploads abort s3://${f.bucket.name}/resumed --upload-id ${open[0]!.uploadId}`,
    );
    expect(partsInState(statePath)).toBe(2);

    // uploads ls marks it as s3enc's, with its state file.
    const ls = await runCli(['uploads', 'ls', `s3://${f.bucket.name}/resumed`, '--json'], {
      env: env(false),
    });
    expect(ls.code, ls.stderr).toBe(0);
    expect(rowsOf(ls.out)).toMatchObject([
      { key: 'resumed', uploadId: open[0]!.uploadId, s3enc: true, resumeStatePath: statePath },
    ]);

    f.hostile.program([]);
    const again = start(args);
    const end2 = await again.done;
    expect(end2.code, again.stderr()).toBe(0);
    // Parts 3, 4 and 5 only (24 MiB in 5 MiB parts).
    expect(count(parts)).toBe(3);
    expect(existsSync(statePath)).toBe(false);
    expect(await uploads('resumed')).toEqual([]);
    expect(readdirSync(join(stateDir, 'uploads'))).toEqual([]);
    const got = await runCli(['get', `s3://${f.bucket.name}/resumed`, '-'], { env: env(false) });
    expect(got.code, got.stderr).toBe(0);
    expect(got.stdout.equals(plain)).toBe(true);
    const head = await f.s3.send(new HeadObjectCommand({ Bucket: f.bucket.name, Key: 'resumed' }));
    expect(head.Metadata).toMatchObject({ 's3enc-format': 'aws-encryption-sdk' });
  });
});

describe('cp --recursive: a second Ctrl-C (#16)', () => {
  it('exits at once and names the uploads it could not abort; uploads abort cleans them', async () => {
    const dir = join(f.dir, 'tree');
    mkdirSync(dir, { recursive: true });
    for (const name of ['a.bin', 'b.bin']) writeFileSync(join(dir, name), randomBytes(12 * MiB));
    f.hostile.program([
      { match: parts, respond: () => ({ kind: 'stall' }) },
      { match: abortRequest, respond: () => ({ kind: 'stall' }) },
    ]);
    const run = start([
      'cp',
      '--recursive',
      dir,
      `s3://${f.bucket.name}/tree/`,
      '--concurrency',
      '4',
    ]);
    await until('both objects sending parts', () => count(parts) >= 2);
    run.child.kill('SIGINT');
    await until('an AbortMultipartUpload', () => count(abortRequest) >= 1);
    run.child.kill('SIGINT');
    const end = await run.done;
    expect(end.code, run.stderr()).toBe(130);
    expect(run.stderr()).not.toMatch(/waiting up to/); // no bounded wait: out at once
    const open = await uploads('tree/');
    expect(open).toHaveLength(2);
    for (const u of open) {
      expect(run.stderr()).toContain(
        `s3enc uploads abort s3://${f.bucket.name}/${u.key} --upload-id ${u.uploadId}`,
      );
    }
    f.hostile.program([]);
    // This machine's journal knows them: uploads abort takes them (no --include-unknown).
    const dry = await runCli(
      [
        'uploads',
        'abort',
        `s3://${f.bucket.name}/tree/`,
        '--older-than',
        '0s',
        '--dryrun',
        '--json',
      ],
      { env: env(false) },
    );
    expect(dry.code, dry.stderr).toBe(0);
    expect(rowsOf(dry.out).map((r) => [r.s3enc, r.status])).toEqual([
      [true, 'dry-run'],
      [true, 'dry-run'],
    ]);
    expect(await uploads('tree/')).toHaveLength(2);
    const abort = await runCli(
      ['uploads', 'abort', `s3://${f.bucket.name}/tree/`, '--older-than', '0s', '--json'],
      { env: env(false) },
    );
    expect(abort.code, abort.stderr).toBe(0);
    expect(rowsOf(abort.out).map((r) => r.status)).toEqual(['aborted', 'aborted']);
    expect(await uploads('tree/')).toEqual([]);
  });
});

describe('uploads ls|abort (#16)', () => {
  it('three uploads, one older: age, origin, dry run and upload id decide what is aborted', async () => {
    const create = async (key: string) =>
      (await f.s3.send(new CreateMultipartUploadCommand({ Bucket: f.bucket.name, Key: key })))
        .UploadId!;
    const old = await create('three/old');
    await new Promise((r) => setTimeout(r, 1500));
    const b = await create('three/b');
    const c = await create('three/c');
    try {
      const ls = await runCli(['uploads', 'ls', `s3://${f.bucket.name}/three/`, '--json'], {
        env: env(false),
      });
      expect(ls.code, ls.stderr).toBe(0);
      const rows = rowsOf(ls.out) as (LsRow & { initiated: string })[];
      expect(rows.map((r) => [r.key, r.s3enc]).sort()).toEqual([
        ['three/b', false],
        ['three/c', false],
        ['three/old', false],
      ]);
      const t = (k: string) => Date.parse(rows.find((r) => r.key === k)!.initiated);
      expect(t('three/old')).toBeLessThan(t('three/b'));
      const before = new Date((t('three/old') + t('three/b')) / 2 + 1).toISOString();
      const abortArgs = ['uploads', 'abort', `s3://${f.bucket.name}/three/`, '--before', before];

      // Not s3enc's (no journal entry): left alone unless --include-unknown.
      const mine = await runCli([...abortArgs, '--json'], { env: env(false) });
      expect(rowsOf(mine.out)).toEqual([]);
      const dry = await runCli([...abortArgs, '--include-unknown', '--dryrun', '--json'], {
        env: env(false),
      });
      expect(rowsOf(dry.out).map((r) => [r.key, r.status])).toEqual([['three/old', 'dry-run']]);
      const real = await runCli([...abortArgs, '--include-unknown', '--json'], { env: env(false) });
      expect(real.code, real.stderr).toBe(0);
      expect(rowsOf(real.out).map((r) => [r.uploadId, r.status])).toEqual([[old, 'aborted']]);
      expect((await uploads('three/')).map((u) => u.uploadId).sort()).toEqual([b, c].sort());

      // An upload named by id is aborted whatever its age and origin.
      const one = await runCli(
        ['uploads', 'abort', `s3://${f.bucket.name}/three/`, '--upload-id', b, '--json'],
        { env: env(false) },
      );
      expect(rowsOf(one.out).map((r) => [r.key, r.status])).toEqual([['three/b', 'aborted']]);
      expect((await uploads('three/')).map((u) => u.uploadId)).toEqual([c]);

      // A journal entry for an upload S3 no longer lists is dropped by a whole listing.
      mkdirSync(join(stateDir, 'uploads'), { recursive: true });
      const ghost = join(stateDir, 'uploads', 'ghost.json');
      writeFileSync(
        ghost,
        JSON.stringify({
          bucket: f.bucket.name,
          key: 'three/gone',
          uploadId: 'x',
          recordedAt: '2026-01-01T00:00:00Z',
        }),
      );
      const tidy = await runCli(['uploads', 'ls', `s3://${f.bucket.name}/three/`, '--json'], {
        env: env(false),
      });
      expect(rowsOf(tidy.out).map((r) => r.uploadId)).toEqual([c]);
      expect(existsSync(ghost)).toBe(false);

      const bad = await runCli(
        ['uploads', 'abort', `s3://${f.bucket.name}/`, '--older-than', '3 days'],
        {
          env: env(false),
        },
      );
      expect(bad.code).toBe(2);
    } finally {
      for (const u of await uploads('three/'))
        await f.s3.send(
          new AbortMultipartUploadCommand({
            Bucket: f.bucket.name,
            Key: u.key,
            UploadId: u.uploadId,
          }),
        );
    }
  });
});

/** A ListParts page as S3 writes it. */
function listPartsPage(o: {
  next: number;
  truncated: boolean;
  parts: [number, string, number][];
}): Verdict {
  const parts = o.parts
    .map(
      ([n, etag, size]) =>
        `<Part><PartNumber>${n}</PartNumber><ETag>${etag}</ETag><Size>${size}</Size></Part>`,
    )
    .join('');
  return {
    kind: 'reply',
    reply: {
      status: 200,
      headers: { 'content-type': 'application/xml' },
      body: Buffer.from(
        `<?xml version="1.0" encoding="UTF-8"?><ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${f.bucket.name}</Bucket><Key>listed</Key><UploadId>u</UploadId><PartNumberMarker>0</PartNumberMarker><NextPartNumberMarker>${o.next}</NextPartNumberMarker><MaxParts>1000</MaxParts><IsTruncated>${o.truncated}</IsTruncated>${parts}</ListPartsResult>`,
      ),
    },
  };
}

describe('a resumed put reads ListParts as hostile input (#16)', () => {
  it('a page that does not advance, a part number out of the plan, a part of another size: refused, nothing sent', async () => {
    const direct = fixtureClient(f, { partSize: 5 * MiB, concurrency: 1 });
    const viaHostile = fixtureClient(f, {
      viaHostile: true,
      maxAttempts: 1,
      partSize: 5 * MiB,
      concurrency: 1,
    });
    const statePath = join(f.dir, 'listed.resume.json');
    try {
      const ac = new AbortController();
      const first = await direct
        .put(
          f.bucket.name,
          'listed',
          { path: source },
          {
            resumeStatePath: statePath,
            signal: ac.signal,
            onProgress: () => {
              ac.abort(new Error('stop'));
            },
          },
        )
        .catch((e: unknown) => e as { code?: string });
      expect(first).toMatchObject({ code: 'ERR_S3ENC_ABORTED' });
      const saved = JSON.parse(readFileSync(statePath, 'utf8')) as {
        parts: { partNumber: number; etag: string; size: number }[];
      };
      const p1 = saved.parts[0]!;
      const listParts = { method: 'GET', url: /uploadId=/ };
      const cases: [Verdict, string][] = [
        // A truncated page that lists nothing and does not move the marker.
        [listPartsPage({ next: 0, truncated: true, parts: [] }), 'ERR_S3ENC_BAD_RESPONSE'],
        // The same page again and again: part 1 listed twice.
        [
          listPartsPage({ next: 1, truncated: true, parts: [[1, p1.etag, p1.size]] }),
          'ERR_S3ENC_RESUME_STATE_MISMATCH',
        ],
        [
          listPartsPage({
            next: 0,
            truncated: false,
            parts: [
              [1, p1.etag, p1.size],
              [99, p1.etag, 5],
            ],
          }),
          'ERR_S3ENC_RESUME_STATE_MISMATCH',
        ],
        [
          listPartsPage({ next: 0, truncated: false, parts: [[1, p1.etag, p1.size + 1]] }),
          'ERR_S3ENC_RESUME_STATE_MISMATCH',
        ],
        [
          listPartsPage({ next: 0, truncated: false, parts: [[1, '"other"', p1.size]] }),
          'ERR_S3ENC_RESUME_STATE_MISMATCH',
        ],
        [
          listPartsPage({ next: 0, truncated: false, parts: [] }),
          'ERR_S3ENC_RESUME_STATE_MISMATCH',
        ],
      ];
      for (const [answer, code] of cases) {
        f.hostile.program([{ match: listParts, respond: () => answer }]);
        await expect(
          viaHostile.put(f.bucket.name, 'listed', { path: source }, { resumeStatePath: statePath }),
        ).rejects.toMatchObject({ code });
        expect(count(parts)).toBe(0);
        expect(f.hostile.requests.filter((r) => r.method === 'POST').length).toBe(0); // no Complete
      }
      // The upload and its state are untouched: a resume through the honest server completes it.
      f.hostile.program([]);
      const r = await viaHostile.put(
        f.bucket.name,
        'listed',
        { path: source },
        { resumeStatePath: statePath },
      );
      expect(r.plaintextSize).toBe(plain.length);
      expect(existsSync(statePath)).toBe(false);
    } finally {
      direct.destroy();
      viaHostile.destroy();
    }
  });
});
