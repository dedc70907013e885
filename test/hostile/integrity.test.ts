// The integrity classes a hostile S3 endpoint can try that already hold (issue #13: "no
// unauthenticated byte was released in any manipulation tried"): wrong bytes, shifted, cut,
// empty or longer bodies for a ranged GET, frames reordered or taken from another object, the
// object swapped between requests with If-Match ignored, a truncated or extended object, a
// failing or stalled range. Each runs through the library (`get` stream, `getToFile`) and the
// built CLI (`get -`, `get FILE`) in child processes, asserting the exit and error codes, that
// nothing but authenticated plaintext was released, that no file was left, peak memory and
// that the run ended by itself.
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  errorReply,
  objectReply,
  captureObject,
  parseRange,
  type StoredObject,
} from '../harness/hostile-s3.js';
import {
  expectOnlyAuthenticated,
  expectTypedFailure,
  GET_MODES,
  MiB,
  RSS_BOUND,
  runAllModes,
  runGet,
  useHostileFixture,
} from './helpers.js';

const f = useHostileFixture('hostile-integrity');
const CHUNK = 1 * MiB;
const FRAME = 64 * 1024;
const plain = randomBytes(3 * MiB + 12345);
const other = randomBytes(plain.length);
let A: StoredObject; // the object asked for
let B: StoredObject; // another object under the same key, same layout
let headerLength = 0;
const stride = FRAME + 32;

const INTEGRITY = [
  'ERR_S3ENC_TAG_MISMATCH',
  'ERR_S3ENC_FRAME_SEQUENCE',
  'ERR_S3ENC_BAD_FRAME',
  'ERR_S3ENC_TRUNCATED',
  'ERR_S3ENC_TRAILING_DATA',
  'ERR_S3ENC_RANGE_MISMATCH',
] as const;

/** Requests for `key` whose Range starts after the header (the frame ranges). */
const laterRanges = (key: string) => ({
  method: 'GET',
  url: new RegExp(`/${key}(\\?|$)`),
  range: /^bytes=[1-9]/,
});
const anyGet = (key: string) => ({ method: 'GET', url: new RegExp(`/${key}(\\?|$)`) });

beforeAll(async () => {
  await f.writer.put(f.bucket.name, 'obj', plain, { frameLength: FRAME });
  await f.writer.put(f.bucket.name, 'other', other, { frameLength: FRAME });
  A = await captureObject(f.s3, f.bucket.name, 'obj');
  B = await captureObject(f.s3, f.bucket.name, 'other');
  const env = (await f.writer.head(f.bucket.name, 'obj')).envelope;
  if (env?.format !== 'aws-encryption-sdk') throw new Error('expected an s3enc object');
  headerLength = env.headerLength;
  expect(B.bytes.length).toBe(A.bytes.length);
});

describe('hostile S3: integrity classes', () => {
  it('an honest answer through the hostile endpoint reads in every mode (the baseline)', async () => {
    f.hostile.program([{ match: anyGet('obj'), respond: (req) => objectReply(A, req) }]);
    const runs = await runAllModes(f, 'obj', { chunkSize: CHUNK });
    for (const r of runs) {
      expect(r.exitCode, `${r.mode} ${r.stderr}`).toBe(0);
      expect(r.delivered.equals(plain), r.mode).toBe(true);
      expect(r.maxRss!, r.mode).toBeLessThan(RSS_BOUND);
    }
  });

  it('a flipped bit in a frame: IntegrityError, exit 3, nothing unauthenticated released', async () => {
    const bad = Buffer.from(A.bytes);
    bad[headerLength + 2 * stride + 100]! ^= 1;
    f.hostile.program([
      { match: anyGet('obj'), respond: (req) => objectReply({ ...A, bytes: bad }, req) },
    ]);
    expectTypedFailure(await runAllModes(f, 'obj', { chunkSize: CHUNK }), {
      plain,
      codes: INTEGRITY,
      exitCode: 3,
    });
  });

  it('a flipped bit in the header (its authentication tag covers it)', async () => {
    for (const at of [20, headerLength - 10]) {
      const bad = Buffer.from(A.bytes);
      bad[at]! ^= 0x10;
      f.hostile.program([
        { match: anyGet('obj'), respond: (req) => objectReply({ ...A, bytes: bad }, req) },
      ]);
      expectTypedFailure(await runAllModes(f, 'obj', { chunkSize: CHUNK }), {
        plain,
        codes: [
          ...INTEGRITY,
          'ERR_S3ENC_HEADER_TAG_MISMATCH',
          'ERR_S3ENC_COMMITMENT_MISMATCH',
          'ERR_S3ENC_BAD_HEADER',
          'ERR_S3ENC_NO_DATA_KEY',
          'ERR_S3ENC_DATA_KEY_UNAVAILABLE',
        ],
        exitCode: [3, 4],
      });
    }
  });

  it("another object's header in front of this object's frames", async () => {
    const spliced = Buffer.concat([
      B.bytes.subarray(0, headerLength),
      A.bytes.subarray(headerLength),
    ]);
    f.hostile.program([
      { match: anyGet('obj'), respond: (req) => objectReply({ ...A, bytes: spliced }, req) },
    ]);
    expectTypedFailure(await runAllModes(f, 'obj', { chunkSize: CHUNK }), {
      plain,
      codes: INTEGRITY,
      exitCode: 3,
    });
  });

  it('a shifted body (the bytes one frame further on, headers naming the range asked)', async () => {
    f.hostile.program([
      { match: laterRanges('obj'), respond: (req) => objectReply(A, req, { shift: stride }) },
    ]);
    expectTypedFailure(await runAllModes(f, 'obj', { chunkSize: CHUNK }), {
      plain,
      codes: INTEGRITY,
      exitCode: 3,
    });
  });

  it('frames reordered: two frames swapped inside a range', async () => {
    const bad = Buffer.from(A.bytes);
    const at = (k: number) => headerLength + k * stride;
    A.bytes.copy(bad, at(20), at(21), at(22));
    A.bytes.copy(bad, at(21), at(20), at(21));
    f.hostile.program([
      { match: anyGet('obj'), respond: (req) => objectReply({ ...A, bytes: bad }, req) },
    ]);
    expectTypedFailure(await runAllModes(f, 'obj', { chunkSize: CHUNK }), {
      plain,
      codes: INTEGRITY,
      exitCode: 3,
    });
  });

  it("frames replaced by another object's frames at the same offsets", async () => {
    f.hostile.program([
      { match: laterRanges('obj'), respond: (req) => objectReply(A, req, { from: { object: B } }) },
    ]);
    expectTypedFailure(await runAllModes(f, 'obj', { chunkSize: CHUNK }), {
      plain,
      codes: INTEGRITY,
      exitCode: 3,
    });
  });

  it('the object swapped between requests, If-Match ignored (header of A, frames of B with its ETag)', async () => {
    f.hostile.program([
      { match: laterRanges('obj'), respond: (req) => objectReply(B, req) },
      { match: anyGet('obj'), respond: (req) => objectReply(A, req) },
    ]);
    expectTypedFailure(await runAllModes(f, 'obj', { chunkSize: CHUNK }), {
      plain,
      codes: [...INTEGRITY, 'ERR_S3ENC_OBJECT_CHANGED'],
      exitCode: [1, 3],
    });
  });

  it('a frame range answered with the wrong range of the same object (an earlier one)', async () => {
    f.hostile.program([
      {
        match: laterRanges('obj'),
        respond: (req) =>
          objectReply(A, req, {
            shift: -(parseRange(req.range, A.bytes.length)!.start - headerLength),
          }),
      },
    ]);
    expectTypedFailure(await runAllModes(f, 'obj', { chunkSize: CHUNK }), {
      plain,
      codes: INTEGRITY,
      exitCode: 3,
    });
  });

  it('a frame range whose body is shorter than asked (Content-Length honest about it)', async () => {
    f.hostile.program([
      { match: laterRanges('obj'), respond: (req) => objectReply(A, req, { cut: 1000 }) },
    ]);
    expectTypedFailure(await runAllModes(f, 'obj', { chunkSize: CHUNK }), {
      plain,
      // Fewer bytes than asked: the object ends early (truncated) or the answer is not the
      // range asked (a bad response) — both refuse it.
      codes: ['ERR_S3ENC_TRUNCATED', 'ERR_S3ENC_BAD_RESPONSE'],
      exitCode: [3, 1],
    });
  });

  it('a frame range whose body is empty', async () => {
    f.hostile.program([
      { match: laterRanges('obj'), respond: (req) => objectReply(A, req, { empty: true }) },
    ]);
    expectTypedFailure(await runAllModes(f, 'obj', { chunkSize: CHUNK }), {
      plain,
      // Fewer bytes than asked: the object ends early (truncated) or the answer is not the
      // range asked (a bad response) — both refuse it.
      codes: ['ERR_S3ENC_TRUNCATED', 'ERR_S3ENC_BAD_RESPONSE'],
      exitCode: [3, 1],
    });
  });

  it('a frame range whose body is longer than asked (64 MiB more)', async () => {
    f.hostile.program([
      { match: laterRanges('obj'), respond: (req) => objectReply(A, req, { extra: 64 * MiB }) },
    ]);
    expectTypedFailure(await runAllModes(f, 'obj', { chunkSize: CHUNK }), {
      plain,
      codes: ['ERR_S3ENC_BAD_RESPONSE'],
      exitCode: 1,
    });
  });

  it('a frame range cut mid-body (Content-Length promises more; the connection drops), every retry', async () => {
    f.hostile.program([
      {
        match: laterRanges('obj'),
        respond: (req) => objectReply(A, req, { cut: 5000, contentLength: CHUNK }),
      },
    ]);
    expectTypedFailure(await runAllModes(f, 'obj', { chunkSize: CHUNK }), {
      plain,
      codes: ['ERR_S3ENC_S3_REQUEST', ...INTEGRITY],
      exitCode: [1, 3],
    });
  });

  it('the object served truncated (last frame missing, total honest about it)', async () => {
    const cut = { ...A, bytes: A.bytes.subarray(0, A.bytes.length - 4000) };
    f.hostile.program([{ match: anyGet('obj'), respond: (req) => objectReply(cut, req) }]);
    expectTypedFailure(await runAllModes(f, 'obj', { chunkSize: CHUNK }), {
      plain,
      codes: [...INTEGRITY, 'ERR_S3ENC_BAD_MESSAGE_SIZE'],
      exitCode: 3,
    });
  });

  it('the object served with bytes after the final frame', async () => {
    const longer = { ...A, bytes: Buffer.concat([A.bytes, Buffer.alloc(stride, 1)]) };
    f.hostile.program([{ match: anyGet('obj'), respond: (req) => objectReply(longer, req) }]);
    expectTypedFailure(await runAllModes(f, 'obj', { chunkSize: CHUNK }), {
      plain,
      codes: [...INTEGRITY, 'ERR_S3ENC_BAD_MESSAGE_SIZE'],
      exitCode: 3,
    });
  });

  it('a frame range that fails with 503 every time: S3 error, exit 1, no file', async () => {
    f.hostile.program([{ match: laterRanges('obj'), respond: () => errorReply(503, 'SlowDown') }]);
    expectTypedFailure(await runAllModes(f, 'obj', { chunkSize: CHUNK }), {
      plain,
      codes: ['ERR_S3ENC_S3_REQUEST'],
      exitCode: 1,
    });
  });

  it('a frame range that stalls: the library gives up after its request timeout, typed error, no file', async () => {
    f.hostile.program([{ match: laterRanges('obj'), respond: () => ({ kind: 'stall' }) }]);
    const runs = await Promise.all(
      (['lib-stream', 'lib-file'] as const).map((m) =>
        runGet(f, m, 'obj', { chunkSize: CHUNK, requestTimeout: 1500 }),
      ),
    );
    expectTypedFailure(runs, { plain, codes: ['ERR_S3ENC_S3_REQUEST'], exitCode: 1 });
  });

  it('a ranged get whose frames are replaced: nothing of the range is released', async () => {
    f.hostile.program([
      { match: laterRanges('obj'), respond: (req) => objectReply(A, req, { from: { object: B } }) },
    ]);
    const range = { start: 100_000, end: 2 * MiB };
    const runs = await runAllModes(f, 'obj', { range }, GET_MODES);
    const want = plain.subarray(range.start, range.end);
    for (const r of runs) {
      expect(r.ok, r.mode).toBe(false);
      expectOnlyAuthenticated(r, want);
      expect(r.leftFiles, r.mode).toEqual([]);
    }
  });
});
