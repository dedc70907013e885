/**
 * The download engine (DESIGN.md "Download"): header first, data key unwrapped once,
 * frame-aligned ranged GETs in parallel (bounded), all pinned to the version/ETag seen first,
 * each chunk of frames verified before any of its plaintext is released, the final frame
 * required.
 * @internal — reached through EncryptedS3Client.get / getToFile / head.
 */
import {
  GetObjectCommand,
  HeadObjectCommand,
  type GetObjectCommandOutput,
} from '@aws-sdk/client-s3';
import {
  AbortError,
  FormatError,
  IntegrityError,
  InvalidArgumentError,
  S3EncError,
  S3RequestError,
  beginDecryption,
  frameCounts,
  frameRangeFor,
  parseHeader,
  plaintextSize as plaintextSizeOf,
  FRAME_OVERHEAD,
  type ByteRange,
  type CommitmentPolicy,
  type EncryptionContext,
  type HeaderInfo,
  type ErrorCode,
} from '@s3enc/core';
import { checkBucketKey, checkInt, type ClientContext, type ProgressListener } from './context.js';
import { hasMarker } from './marker.js';
import { toS3Error, withRetries } from './s3-errors.js';
import { signedRead, type ReadTarget } from './download-signed.js';
import { toSseCustomerKey, type SseCustomerKeyInput } from './sse.js';

/** Options shared by `get`, `getToFile` and `head`. */
export interface ReadOptions {
  /** Read this version (otherwise the current one, pinned for the whole read). */
  versionId?: string | undefined;
  /** The SSE-C key the object was stored with. */
  sseCustomerKey?: SseCustomerKeyInput | undefined;
  signal?: AbortSignal | undefined;
}

/** Options of `get` and `getToFile`. */
export interface GetOptions extends ReadOptions {
  /** Plaintext bytes [start, end) (end exclusive); only the covering frames are fetched. */
  range?: ByteRange | undefined;
  /** Pairs the object's encryption context must contain. */
  encryptionContext?: EncryptionContext | undefined;
  /** Parallel ranged GETs. Default: the client's. */
  concurrency?: number | undefined;
  /** Target ciphertext bytes per ranged GET (whole frames). Default 8 MiB. */
  chunkSize?: number | undefined;
  /**
   * Return objects that are not s3enc messages as they are, instead of failing with
   * ERR_S3ENC_NOT_ENCRYPTED. The result's `encrypted` is then false.
   */
  allowPlaintext?: boolean | undefined;
  commitmentPolicy?: CommitmentPolicy | undefined;
  maxEncryptedDataKeys?: number | undefined;
  /**
   * Signed-suite objects only (the official library's default suite): `get` holds their
   * plaintext in memory until the whole-message signature verifies, up to this many bytes
   * (default 64 MiB); larger ones are refused with ERR_S3ENC_SIGNED_MESSAGE_TOO_LARGE — use
   * `getToFile`, which stages them in its private temporary file instead.
   */
  maxSignedPlaintextInMemory?: number | undefined;
  /**
   * Called with the plaintext bytes verified so far: handed to the body stream (`get`) or
   * written (`getToFile`). `total` is the length of the range read.
   */
  onProgress?: ProgressListener | undefined;
}

/** S3-side facts about the object read. */
export interface ObjectFacts {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string | undefined;
  readonly etag: string | undefined;
  readonly lastModified: Date | undefined;
  /** Size of the stored object (the ciphertext for an encrypted object). */
  readonly storedSize: number;
  readonly contentType: string | undefined;
  readonly sse:
    | {
        type: 'SSE-KMS' | 'SSE-S3' | 'SSE-C';
        kmsKeyId?: string | undefined;
        bucketKey?: boolean | undefined;
      }
    | undefined;
  readonly lock:
    | { mode?: string | undefined; retainUntil?: Date | undefined; legalHold?: boolean | undefined }
    | undefined;
  /** The object carries the s3enc metadata marker. */
  readonly marker: boolean;
}

/** @internal the opened object: facts plus, for an encrypted one, the parsed header. */
export interface OpenedObject {
  facts: ObjectFacts;
  /** The bytes from offset 0 fetched so far. */
  head: Buffer;
  header: { headerLength: number; info: HeaderInfo } | undefined;
  /** Pins later ranged GETs to this exact object. */
  pin: { VersionId?: string; IfMatch?: string };
  ssec: Record<string, string>;
}

export const GET_CODES = {
  PreconditionFailed: 'ERR_S3ENC_OBJECT_CHANGED',
  '412': 'ERR_S3ENC_OBJECT_CHANGED',
};
const MAX_HEADER_BYTES = 1024 * 1024;

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true)
    throw new AbortError('The download was aborted', { cause: signal.reason });
}

export async function readBody(res: GetObjectCommandOutput): Promise<Buffer> {
  const body = res.Body as AsyncIterable<Uint8Array> | undefined;
  if (body === undefined) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(Buffer.from(c.buffer, c.byteOffset, c.byteLength));
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/**
 * The body's chunks as they arrived (no copy), or undefined when it does not hold exactly
 * `want` bytes (reading stops once it holds more).
 */
async function readBodyChunks(
  res: GetObjectCommandOutput,
  want: number,
): Promise<Buffer[] | undefined> {
  const body = res.Body as AsyncIterable<Uint8Array> | undefined;
  const chunks: Buffer[] = [];
  let n = 0;
  if (body !== undefined) {
    for await (const c of body) {
      n += c.byteLength;
      if (n > want) return undefined;
      chunks.push(Buffer.from(c.buffer, c.byteOffset, c.byteLength));
    }
  }
  return n === want ? chunks : undefined;
}

function totalFromContentRange(cr: string | undefined): number | undefined {
  const m = cr === undefined ? null : /\/(\d+)\s*$/.exec(cr);
  return m === null ? undefined : Number(m[1]);
}

function factsOf(
  bucket: string,
  key: string,
  r: Partial<GetObjectCommandOutput>,
  storedSize: number,
): ObjectFacts {
  let sse: ObjectFacts['sse'];
  if (r.SSECustomerAlgorithm !== undefined) sse = { type: 'SSE-C' };
  else if (r.ServerSideEncryption === 'aws:kms' || r.ServerSideEncryption === 'aws:kms:dsse') {
    sse = { type: 'SSE-KMS', kmsKeyId: r.SSEKMSKeyId, bucketKey: r.BucketKeyEnabled };
  } else if (r.ServerSideEncryption === 'AES256') sse = { type: 'SSE-S3' };
  const lock =
    r.ObjectLockMode !== undefined || r.ObjectLockLegalHoldStatus !== undefined
      ? {
          mode: r.ObjectLockMode,
          retainUntil: r.ObjectLockRetainUntilDate,
          legalHold: r.ObjectLockLegalHoldStatus === 'ON',
        }
      : undefined;
  return {
    bucket,
    key,
    versionId: r.VersionId,
    etag: r.ETag,
    lastModified: r.LastModified,
    storedSize,
    contentType: r.ContentType,
    sse,
    lock,
    marker: hasMarker(r.Metadata),
  };
}

/**
 * Fetches the first bytes of an object (at least `firstBytes`, more until the header parses)
 * and describes it. Makes no KMS call.
 *
 * @throws S3RequestError (ERR_S3ENC_NO_SUCH_KEY, ERR_S3ENC_ACCESS_DENIED, ERR_S3ENC_OBJECT_CHANGED…);
 *   FormatError when the object carries our marker but its header is malformed.
 */
export async function openObject(
  ctx: Pick<ClientContext, 's3'>,
  bucket: string,
  key: string,
  o: ReadOptions,
  firstBytes: number,
): Promise<OpenedObject> {
  checkBucketKey(bucket, key);
  throwIfAborted(o.signal);
  const ssec =
    o.sseCustomerKey === undefined ? {} : toSseCustomerKey(o.sseCustomerKey).requestParams();
  const ranged = async (start: number, end: number, pin: OpenedObject['pin']) =>
    withRetries(
      async () => {
        const res = await ctx.s3.send(
          new GetObjectCommand({
            Bucket: bucket,
            Key: key,
            Range: `bytes=${start}-${end - 1}`,
            ...pin,
            ...ssec,
          }),
          { abortSignal: o.signal },
        );
        return { res, bytes: await readBody(res) };
      },
      3,
      o.signal,
    ).catch((err: unknown) => {
      throw toS3Error(err, 'GetObject', GET_CODES, o.signal);
    });

  let first: Awaited<ReturnType<typeof ranged>>;
  const basePin = o.versionId !== undefined ? { VersionId: o.versionId } : {};
  try {
    first = await ranged(0, firstBytes, basePin);
  } catch (err) {
    // An empty object cannot satisfy a range: describe it with HeadObject.
    if (err instanceof S3RequestError && err.statusCode === 416) {
      const h = await ctx.s3
        .send(new HeadObjectCommand({ Bucket: bucket, Key: key, ...basePin, ...ssec }), {
          abortSignal: o.signal,
        })
        .catch((e: unknown) => {
          throw toS3Error(e, 'HeadObject', {}, o.signal);
        });
      const facts = factsOf(bucket, key, h, h.ContentLength ?? 0);
      return { facts, head: Buffer.alloc(0), header: undefined, pin: pinOf(facts), ssec };
    }
    throw err;
  }
  const total = totalFromContentRange(first.res.ContentRange) ?? first.bytes.length;
  const facts = factsOf(bucket, key, first.res, total);
  const pin = pinOf(facts);
  let head = first.bytes;
  let header: OpenedObject['header'];
  for (;;) {
    try {
      header = parseHeader(head);
    } catch (err) {
      if (facts.marker) throw err;
      header = undefined;
      break;
    }
    if (header !== undefined || head.length >= total || head.length >= MAX_HEADER_BYTES) break;
    const more = await ranged(head.length, Math.min(total, head.length * 2, MAX_HEADER_BYTES), pin);
    head = Buffer.concat([head, more.bytes]);
  }
  if (header === undefined && facts.marker) {
    throw new FormatError(
      'ERR_S3ENC_BAD_HEADER',
      'The object carries the s3enc marker but its header cannot be parsed',
    );
  }
  return { facts, head, header, pin, ssec };
}

function pinOf(f: ObjectFacts): OpenedObject['pin'] {
  const pin: OpenedObject['pin'] = {};
  if (f.versionId !== undefined && f.versionId !== 'null') pin.VersionId = f.versionId;
  if (f.etag !== undefined) pin.IfMatch = f.etag;
  return pin;
}

/**
 * Size of a signed message without its signature footer (u16 length ‖ DER signature), found
 * from the object's last bytes: the footer length that is consistent with the frame layout.
 * @throws FormatError (ERR_S3ENC_BAD_MESSAGE_SIZE) when no single footer length fits.
 * @internal used by head.
 */
export async function signedBodySize(
  ctx: Pick<ClientContext, 's3'>,
  opened: OpenedObject,
  signal: AbortSignal | undefined,
): Promise<number> {
  const { facts, header } = opened;
  const C = facts.storedSize;
  const n = Math.min(C, 2 + 512);
  let tail: Buffer;
  if (opened.head.length >= C) {
    tail = opened.head.subarray(C - n, C);
  } else {
    tail = await withRetries(
      async () => {
        const res = await ctx.s3.send(
          new GetObjectCommand({
            Bucket: facts.bucket,
            Key: facts.key,
            Range: `bytes=${C - n}-${C - 1}`,
            ...opened.pin,
            ...opened.ssec,
          }),
          { abortSignal: signal },
        );
        return readBody(res);
      },
      3,
      signal,
    ).catch((err: unknown) => {
      throw toS3Error(err, 'GetObject', GET_CODES, signal);
    });
  }
  const fits: number[] = [];
  for (let L = 0; L + 2 <= tail.length; L++) {
    const at = tail.length - L - 2;
    if (tail.readUInt16BE(at) !== L || (L > 0 && tail[at + 2] !== 0x30)) continue; // DER SEQUENCE
    try {
      plaintextSizeOf(C - 2 - L, header!.info.frameLength, header!.headerLength);
      fits.push(C - 2 - L);
    } catch {
      // not a consistent split
    }
  }
  if (fits.length !== 1) {
    throw new FormatError(
      'ERR_S3ENC_BAD_MESSAGE_SIZE',
      'The signed message size does not match its frame length',
    );
  }
  return fits[0]!;
}

/** Decryption sessions (data keys) not yet destroyed. */
let liveSessions = 0;

/**
 * How many decryption sessions still hold a data key in this process.
 * @internal test hook (not exported from the package).
 */
export function liveDecryptionSessions(): number {
  return liveSessions;
}

/** A plaintext object (allowPlaintext) or an encrypted one, ready to stream. @internal */
export interface PreparedRead {
  readonly facts: ObjectFacts;
  readonly encrypted: boolean;
  readonly header: HeaderInfo | undefined;
  readonly plaintextSize: number;
  readonly range: ByteRange;
  /** Plaintext chunks in order, each verified before it is yielded. */
  chunks(): AsyncGenerator<Piece, void, undefined>;
  /** Releases the data key (also done when `chunks()` finishes or fails). */
  close(): void;
}

/** Plaintext bytes at their offset in the object's plaintext. @internal */
export interface Piece {
  offset: number;
  data: Buffer;
}

interface Chunk {
  firstSeq: number;
  lastSeq: number;
  cipherStart: number;
  cipherEnd: number;
  /** Bytes already fetched with the header, if they cover this chunk. */
  preloaded?: Buffer;
}

/**
 * Opens an object for reading: header, data key, plan of frame-aligned ranged GETs.
 *
 * @throws FormatError (ERR_S3ENC_NOT_ENCRYPTED) for an object that is not an s3enc message
 *   unless `allowPlaintext`; KeyUnwrapError from the keyring; InvalidArgumentError
 *   (ERR_S3ENC_INVALID_RANGE) for a range outside the plaintext; S3RequestError.
 */
export async function prepareRead(
  ctx: ClientContext,
  bucket: string,
  key: string,
  o: GetOptions,
  target: ReadTarget = 'stream',
): Promise<PreparedRead> {
  const d = ctx.defaults;
  const concurrency = checkInt('concurrency', o.concurrency, 1, 64) ?? d.concurrency;
  const chunkSize = checkInt('chunkSize', o.chunkSize, 1, 1024 ** 3) ?? d.downloadChunkSize;
  if (o.range !== undefined) {
    if (typeof o.range !== 'object' || o.range === null)
      throw new InvalidArgumentError('range must be { start, end }');
    checkInt('range.start', o.range.start, 0);
    checkInt('range.end', o.range.end, 0);
    if (o.range.start > o.range.end) {
      throw new InvalidArgumentError('range must satisfy start <= end', {
        code: 'ERR_S3ENC_INVALID_RANGE',
      });
    }
  }
  // A full read fetches a whole chunk with the header; a range read only what the header needs.
  const opened = await openObject(ctx, bucket, key, o, o.range === undefined ? chunkSize : 4096);
  const { facts, pin, ssec } = opened;
  const signal = o.signal;

  if (opened.header === undefined) {
    if (o.allowPlaintext !== true) {
      throw new FormatError(
        'ERR_S3ENC_NOT_ENCRYPTED',
        'The object is not encrypted by s3enc; pass allowPlaintext: true to read it as it is',
      );
    }
    return plaintextRead(ctx, opened, o, chunkSize, concurrency);
  }

  // The signature footer covers the whole message: read sequentially (download-signed.ts).
  if (opened.header.info.signed) return signedRead(ctx, opened, o, chunkSize, target);
  const session = await beginDecryption({
    keyring: ctx.keyring,
    header: opened.head.subarray(0, opened.header.headerLength),
    ...(o.encryptionContext !== undefined
      ? { requiredEncryptionContext: o.encryptionContext }
      : {}),
    ...((o.commitmentPolicy ?? d.commitmentPolicy) !== undefined
      ? { commitmentPolicy: (o.commitmentPolicy ?? d.commitmentPolicy)! }
      : {}),
    ...((o.maxEncryptedDataKeys ?? d.maxEncryptedDataKeys) !== undefined
      ? { maxEncryptedDataKeys: (o.maxEncryptedDataKeys ?? d.maxEncryptedDataKeys)! }
      : {}),
  });
  liveSessions++;
  let closed = false;
  const close = () => {
    if (!closed) {
      closed = true;
      liveSessions--;
      session.destroy();
    }
  };
  try {
    const F = session.frameLength;
    const H = session.headerLength;
    const C = facts.storedSize;
    const P = plaintextSizeOf(C, F, H);
    const layout = { frameLength: F, headerLength: H, plaintextSize: P, ciphertextSize: C };
    const range = o.range ?? { start: 0, end: P };
    if (range.end > P)
      throw new InvalidArgumentError('range must end at or before the plaintext size', {
        code: 'ERR_S3ENC_INVALID_RANGE',
      });
    const fr = frameRangeFor(range, layout);
    const { regularFrames } = frameCounts(layout);
    const finalSeq = regularFrames + 1;
    const stride = F + FRAME_OVERHEAD;
    // A read that reaches the end includes the final frame, so truncation cannot pass.
    const lastFrame = range.end === P ? finalSeq : fr.lastFrame;
    const frameEnd = (seq: number) => (seq === finalSeq ? C : H + seq * stride);
    const frameStart = (seq: number) => H + (seq - 1) * stride;
    const perChunk = Math.max(1, Math.floor(chunkSize / stride));
    const plan: Chunk[] = [];
    let seq = fr.firstFrame;
    // Frames already fetched along with the header.
    if (frameEnd(seq) <= opened.head.length) {
      let last = seq;
      while (last < lastFrame && frameEnd(last + 1) <= opened.head.length) last++;
      plan.push({
        firstSeq: seq,
        lastSeq: last,
        cipherStart: frameStart(seq),
        cipherEnd: frameEnd(last),
        preloaded: opened.head.subarray(frameStart(seq), frameEnd(last)),
      });
      seq = last + 1;
    }
    for (; seq <= lastFrame; seq += perChunk) {
      const last = Math.min(lastFrame, seq + perChunk - 1);
      plan.push({
        firstSeq: seq,
        lastSeq: last,
        cipherStart: frameStart(seq),
        cipherEnd: frameEnd(last),
      });
    }

    // The frames are opened straight from the chunks the socket delivered: no receive buffer
    // to copy into, and the plaintext goes on as the Buffers the deciphers produced.
    const fetchChunk = async (c: Chunk, abort: AbortSignal): Promise<Piece[]> => {
      const want = c.cipherEnd - c.cipherStart;
      const received =
        c.preloaded !== undefined
          ? [c.preloaded]
          : await withRetries(
              async () => {
                const res = await ctx.s3.send(
                  new GetObjectCommand({
                    Bucket: bucket,
                    Key: key,
                    Range: `bytes=${c.cipherStart}-${c.cipherEnd - 1}`,
                    ...pin,
                    ...ssec,
                  }),
                  { abortSignal: abort },
                );
                const got = await readBodyChunks(res, want);
                if (got === undefined) {
                  throw new IntegrityError(
                    'ERR_S3ENC_TRUNCATED',
                    'The object ended before its final frame',
                  );
                }
                return got;
              },
              4,
              abort,
            ).catch((err: unknown) => {
              throw toS3Error(err, 'GetObject', GET_CODES, signal);
            });
      const opened = session.openFrameChunks(c.firstSeq, received);
      const fail = (code: ErrorCode, message: string) => {
        for (const b of opened.plaintext) b.fill(0);
        return new IntegrityError(code, message);
      };
      if (c.lastSeq === finalSeq && !opened.final) {
        throw fail('ERR_S3ENC_TRUNCATED', 'The message has no final frame');
      }
      // A final frame holding F−8 bytes is exactly as long as a regular frame: one may sit
      // where the size says a regular frame is. Only the last frame may be final.
      if (
        (c.lastSeq !== finalSeq && opened.final) ||
        opened.frames !== c.lastSeq - c.firstSeq + 1
      ) {
        throw fail('ERR_S3ENC_FRAME_SEQUENCE', 'The message frames do not match its size');
      }
      // Trim to the requested range, piece by piece.
      const pieces: Piece[] = [];
      let at = (c.firstSeq - 1) * F;
      for (const b of opened.plaintext) {
        const from = Math.max(range.start, at);
        const to = Math.min(range.end, at + b.length);
        if (to > from) pieces.push({ offset: from, data: b.subarray(from - at, to - at) });
        at += b.length;
      }
      return pieces;
    };

    const chunks = () =>
      orderedPrefetch(
        plan.length,
        concurrency,
        (i, abort) => fetchChunk(plan[i]!, abort),
        signal,
        range.start === range.end,
        close,
      );
    return { facts, encrypted: true, header: session.info, plaintextSize: P, range, chunks, close };
  } catch (err) {
    close();
    throw err;
  }
}

function plaintextRead(
  ctx: ClientContext,
  opened: OpenedObject,
  o: GetOptions,
  chunkSize: number,
  concurrency: number,
): PreparedRead {
  const { facts, pin, ssec } = opened;
  const P = facts.storedSize;
  const range = o.range ?? { start: 0, end: P };
  if (range.end > P)
    throw new InvalidArgumentError('range must end at or before the object size', {
      code: 'ERR_S3ENC_INVALID_RANGE',
    });
  const count = Math.ceil((range.end - range.start) / chunkSize);
  const fetchChunk = async (i: number, abort: AbortSignal): Promise<Piece[]> => {
    const off = range.start + i * chunkSize;
    const end = Math.min(range.end, off + chunkSize);
    if (end <= opened.head.length) return [{ offset: off, data: opened.head.subarray(off, end) }];
    const data = await withRetries(
      async () => {
        const res = await ctx.s3.send(
          new GetObjectCommand({
            Bucket: facts.bucket,
            Key: facts.key,
            Range: `bytes=${off}-${end - 1}`,
            ...pin,
            ...ssec,
          }),
          { abortSignal: abort },
        );
        return readBody(res);
      },
      4,
      abort,
    ).catch((err: unknown) => {
      throw toS3Error(err, 'GetObject', GET_CODES, o.signal);
    });
    if (data.length !== end - off)
      throw new S3RequestError('ERR_S3ENC_S3_REQUEST', 'GetObject returned a short range');
    return [{ offset: off, data }];
  };
  return {
    facts,
    encrypted: false,
    header: undefined,
    plaintextSize: P,
    range,
    chunks: () => orderedPrefetch(count, concurrency, fetchChunk, o.signal, false, () => undefined),
    close: () => undefined,
  };
}

/**
 * Runs `fetch(i)` for i in 0..count−1 with at most `concurrency` in flight and yields the
 * pieces of each result in order (empty ones only when `yieldEmpty`). On failure or early
 * exit the rest is cancelled and `done` runs.
 */
async function* orderedPrefetch(
  count: number,
  concurrency: number,
  fetch: (i: number, abort: AbortSignal) => Promise<Piece[]>,
  signal: AbortSignal | undefined,
  yieldEmpty: boolean,
  done: () => void,
): AsyncGenerator<Piece, void, undefined> {
  const ac = new AbortController();
  const onAbort = () => {
    ac.abort(signal?.reason);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const inflight: Promise<Piece[]>[] = [];
  let next = 0;
  const launch = () => {
    while (inflight.length < concurrency && next < count) {
      const p = fetch(next++, ac.signal);
      p.catch(() => undefined); // observed below, in order
      inflight.push(p);
    }
  };
  try {
    launch();
    while (inflight.length > 0) {
      const pieces = await inflight.shift()!;
      launch();
      throwIfAborted(signal);
      if (pieces.length === 0 && yieldEmpty) yield { offset: 0, data: Buffer.alloc(0) };
      for (const r of pieces) if (r.data.length > 0 || yieldEmpty) yield r;
    }
  } catch (err) {
    throw err instanceof S3EncError ? err : toS3Error(err, 'GetObject', GET_CODES, signal);
  } finally {
    ac.abort();
    signal?.removeEventListener('abort', onAbort);
    done();
  }
}
