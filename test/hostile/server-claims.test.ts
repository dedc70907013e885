// Issue #13, the findings where a hostile S3 endpoint is believed too far (items 2, 3, 4 and
// the engine parts of 9): sizes it claims, bodies longer than asked, a header fetch that makes
// no progress, a size that is not a safe integer, a truncation shown by refusing the last range,
// and a ranged read of a signed object. Each run goes through the library (`get` stream,
// `getToFile`) and the built CLI (`get`, `head`) in child processes; the assertions are those of
// every hostile test (typed error, exit code, nothing unauthenticated released, no file left,
// peak memory under the bound, the run ends by itself).
import { randomBytes } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  KmsKeyringNode,
} from '@aws-crypto/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { KMS } from '@aws-sdk/client-kms';
import { makeHttpsAgent } from '../harness/env.js';
import {
  captureObject,
  objectReply,
  parseRange,
  type StoredObject,
} from '../harness/hostile-s3.js';
import {
  expectTypedFailure,
  GET_MODES,
  MiB,
  runAllModes,
  runGet,
  useHostileFixture,
  type Run,
} from './helpers.js';

const f = useHostileFixture('hostile-claims');
const FRAME = 64 * 1024;
const CHUNK = 1 * MiB;
const plain = randomBytes(2 * MiB + 777);
let A: StoredObject;
let headerLength = 0;

/** Codes a refused server claim may carry: anything typed except "fix your command line". */
const NOT_USAGE = (r: Run) =>
  r.code !== undefined && /^ERR_S3ENC_/.test(r.code) && !/USAGE|INVALID_ARGUMENT/.test(r.code);

const objGet = (key: string) => ({ method: 'GET', url: new RegExp(`/${key}(\\?|$)`) });
const firstRange = (key: string) => ({ ...objGet(key), range: /^bytes=0-/ });

beforeAll(async () => {
  await f.writer.put(f.bucket.name, 'obj', plain, { frameLength: FRAME });
  A = await captureObject(f.s3, f.bucket.name, 'obj');
  const env = (await f.writer.head(f.bucket.name, 'obj')).envelope;
  if (env?.format !== 'aws-encryption-sdk') throw new Error('expected an s3enc object');
  headerLength = env.headerLength;
});

/** A ciphertext size consistent with the header's frame layout, about `approx` bytes long. */
function layoutSize(approx: number): number {
  const stride = FRAME + 32;
  const frames = Math.floor((approx - headerLength) / stride);
  return headerLength + frames * stride + 40; // frames regular frames, then an empty final frame
}

/**
 * A refused server claim: S3RequestError ERR_S3ENC_BAD_RESPONSE (the server answered something
 * S3 cannot mean), CLI exit 1 — never "fix the command line" (exit 2) — with everything
 * `expectTypedFailure` checks (ended by itself, nothing released, no file, peak RSS bounded).
 */
function expectRefusedClaim(runs: Run[]): void {
  for (const r of runs) expect(NOT_USAGE(r), r.mode).toBe(true);
  expectTypedFailure(runs, { plain, codes: ['ERR_S3ENC_BAD_RESPONSE'], exitCode: 1 });
}

describe('hostile S3: sizes and lengths the server claims (#13 items 2, 3, 4, 9)', () => {
  it('#13.2: a Content-Range total consistent with the frame layout but petabytes long', async () => {
    const total = layoutSize(2 ** 50);
    expect(total).toBeLessThan(Number.MAX_SAFE_INTEGER);
    f.hostile.program([{ match: objGet('obj'), respond: (req) => objectReply(A, req, { total }) }]);
    const runs = await runAllModes(f, 'obj', { chunkSize: CHUNK, killAfterMs: 60_000 }, [
      ...GET_MODES,
      'cli-head',
    ]);
    expectRefusedClaim(runs);
  });

  it('#13.2: a total just above S3’s 5 TiB object size maximum, consistent with the layout', async () => {
    const total = layoutSize(5 * 1024 ** 4 + 100 * MiB);
    f.hostile.program([{ match: objGet('obj'), respond: (req) => objectReply(A, req, { total }) }]);
    const runs = [
      await runGet(f, 'lib-stream', 'obj', { chunkSize: CHUNK, killAfterMs: 60_000 }),
      await runGet(f, 'cli-head', 'obj', { killAfterMs: 60_000 }),
    ];
    expectRefusedClaim(runs);
  });

  it('#13.3: the header request answered with the whole object plus 384 MiB (Range ignored)', async () => {
    f.hostile.program([
      {
        match: firstRange('obj'),
        respond: (req) => objectReply(A, req, { ignoreRange: true, extra: 384 * MiB }),
      },
      { match: objGet('obj'), respond: (req) => objectReply(A, req) },
    ]);
    // One at a time: before the fix each child buffers the whole answer.
    const runs: Run[] = [];
    for (const m of [...GET_MODES, 'cli-head'] as const)
      runs.push(await runGet(f, m, 'obj', { chunkSize: CHUNK }));
    expectRefusedClaim(runs);
  });

  it('#13.3: the header request answered 206 with 384 MiB more than the range asked', async () => {
    f.hostile.program([
      { match: firstRange('obj'), respond: (req) => objectReply(A, req, { extra: 384 * MiB }) },
      { match: objGet('obj'), respond: (req) => objectReply(A, req) },
    ]);
    const runs: Run[] = [];
    for (const m of ['lib-stream', 'cli-file', 'cli-head'] as const)
      runs.push(await runGet(f, m, 'obj', { chunkSize: CHUNK }));
    expectRefusedClaim(runs);
  });

  it('#13.4: a few header bytes, then empty 206 bodies for every later range: a typed error, not a loop', async () => {
    f.hostile.program([
      { match: firstRange('obj'), respond: (req) => objectReply(A, req, { cut: 10 }) },
      { match: objGet('obj'), respond: (req) => objectReply(A, req, { empty: true }) },
    ]);
    const runs = await runAllModes(f, 'obj', { chunkSize: CHUNK, killAfterMs: 60_000 }, [
      ...GET_MODES,
      'cli-head',
    ]);
    // Fewer bytes than asked is a truncation (the object ends early) — a typed error either way.
    for (const r of runs) expect(NOT_USAGE(r), r.mode).toBe(true);
    expectTypedFailure(runs, {
      plain,
      codes: ['ERR_S3ENC_TRUNCATED', 'ERR_S3ENC_BAD_RESPONSE'],
      exitCode: [1, 3],
    });
    // Five runs; a bounded fetch makes a handful of requests each (with retries), not thousands.
    expect(f.hostile.requests.length).toBeLessThan(5 * 40);
  });

  it('#13.9: a size that is not a safe integer is a server fault, not "fix the command line" (exit 2)', async () => {
    f.hostile.program([
      { match: objGet('obj'), respond: (req) => objectReply(A, req, { total: 2 ** 60 }) },
    ]);
    const runs = await runAllModes(f, 'obj', { chunkSize: CHUNK, killAfterMs: 60_000 }, [
      ...GET_MODES,
      'cli-head',
    ]);
    expectRefusedClaim(runs);
  });

  it('#13.9: a truncation shown by refusing the last range (416) is an integrity error, exit 3', async () => {
    const size = A.bytes.length;
    f.hostile.program([
      {
        match: { ...objGet('obj'), range: /^bytes=[1-9]/ },
        respond: (req) => {
          const r = parseRange(req.range, size);
          // The range that reaches the last frame: answered as if the object ended before it.
          if (r !== undefined && r.end >= size)
            return {
              kind: 'reply',
              reply: { status: 416, headers: { 'content-range': `bytes */${r.start}` } },
            };
          return objectReply(A, req);
        },
      },
      { match: objGet('obj'), respond: (req) => objectReply(A, req) },
    ]);
    const runs = await runAllModes(f, 'obj', { chunkSize: CHUNK });
    expectTypedFailure(runs, { plain, codes: ['ERR_S3ENC_TRUNCATED'], exitCode: 3 });
  });
});

describe('a ranged get of a signed-suite object (#13.9)', () => {
  it('is refused as a usage limit (the object is intact): not "damaged", not exit 3', async () => {
    const signedPlain = randomBytes(200_000);
    const kms = new KMS({
      endpoint: f.env.kms.endpoint,
      region: f.env.kms.region,
      credentials: f.env.kms.credentials,
      requestHandler: { httpsAgent: makeHttpsAgent(f.env) },
    });
    const { encrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
    const keyring = new KmsKeyringNode({
      generatorKeyId: f.env.kmsKeys.primary.arn,
      clientProvider: () => kms,
    });
    // KmsKeyringNode is built by a mixin in @aws-crypto, so its type is not its constructor's.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    const { result } = await encrypt(keyring, signedPlain, {
      frameLength: 4096,
      suiteId: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY_ECDSA_P384,
    });
    kms.destroy();
    await f.s3.send(new PutObjectCommand({ Bucket: f.bucket.name, Key: 'signed', Body: result }));
    f.hostile.program([]);
    const range = { start: 1000, end: 5000 };
    const runs = await runAllModes(f, 'signed', { range });
    for (const r of runs) {
      const what = `${r.mode}: exit ${r.exitCode} code ${r.code} ${r.message} ${r.stderr.slice(0, 400)}`;
      expect(r.ok, what).toBe(false);
      expect(r.delivered.length, what).toBe(0);
      expect(r.leftFiles, what).toEqual([]);
      expect(r.name ?? '', what).not.toBe('FormatError');
      expect(r.code, what).toBe('ERR_S3ENC_RANGE_UNSUPPORTED');
      if (r.mode.startsWith('cli')) {
        expect(r.exitCode, what).toBe(2);
        expect(r.stderr, what).not.toMatch(/damaged/);
      }
    }
  });
});
