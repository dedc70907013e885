// A hostile S3 endpoint: a TLS server in front of the test S3 that each test programs per
// request. A rule matches by method, URL, Range and position (nth / times) and decides what the
// client gets: the real answer (the request is forwarded unchanged, so SigV4 stays valid), an
// error of the server's choosing, silence (a stall), a reset, or an answer built from bytes the
// test holds (`objectReply`): a Content-Range or Content-Length that lies, a body that is longer,
// shorter, empty or shifted, the whole object for a ranged GET, bytes of another object or
// another range, any ETag whatever If-Match said. See DESIGN.md "Test environment".
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { startTlsFront } from './tls-front.js';

/** What a rule sees of a request. */
export interface HostileRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  /** The Range header, if any. */
  range: string | undefined;
  headers: IncomingHttpHeaders;
  /** 0-based position among every request the server received since the last `program`. */
  index: number;
}

/** An answer built by the test. Content-Length is the body's length unless given in `headers`. */
export interface HostileReply {
  status: number;
  headers?: Record<string, string | number>;
  /** Bytes, or chunks produced on demand (a long body never exists in memory at once). */
  body?: Buffer | Iterable<Buffer> | AsyncIterable<Buffer>;
  /** Destroy the connection once the body is sent (a body shorter than its Content-Length). */
  resetAfterBody?: boolean;
}

export type Verdict =
  | { kind: 'forward' }
  /** Never answer (until the client gives up or the server closes). */
  | { kind: 'stall' }
  /** Destroy the connection without an answer. */
  | { kind: 'reset' }
  /** Forward once `until` settles, and only if the client is still connected. */
  | { kind: 'hold'; until: Promise<unknown> }
  /** Forward at once (the server acts on it), but hold the answer back until `until` settles. */
  | { kind: 'delay-answer'; until: Promise<unknown> }
  | { kind: 'reply'; reply: HostileReply };

export interface HostileMatch {
  method?: string;
  /** Tested against the path and query, e.g. /uploadId=/ */
  url?: RegExp;
  /** true: only requests with a Range header; false: only without. */
  ranged?: boolean;
  /** Tested against the Range header. */
  range?: RegExp;
}

export interface HostileRule {
  match?: HostileMatch;
  /** The first matching request (1-based) the rule answers; default 1. */
  nth?: number;
  /** How many matching requests in a row it answers; default every one from `nth` on. */
  times?: number;
  respond(req: HostileRequest): Verdict | Promise<Verdict>;
}

export interface HostileRecord {
  method: string;
  url: string;
  range: string | undefined;
  /** Which rule answered (index in the program), or -1 when forwarded by default. */
  rule: number;
  verdict: Verdict['kind'];
  status: number;
  bodyBytes: number;
}

export interface HostileS3 {
  /** https://127.0.0.1:port */
  endpoint: string;
  /** PEM of this server's CA (trust it alongside the upstream CA). */
  ca: string;
  requests: HostileRecord[];
  /** Installs rules (replacing earlier ones; first match wins) and clears `requests`. */
  program(rules: HostileRule[]): void;
  /** How many requests each rule answered. */
  fired(): number[];
  /** Connections currently open from clients. */
  openConnections(): number;
  close(): Promise<void>;
}

/** An object's stored bytes and the headers S3 returns with them. */
export interface StoredObject {
  bytes: Buffer;
  etag: string;
  versionId?: string | undefined;
  metadata: Record<string, string>;
}

/** Reads an object's raw (ciphertext) bytes and headers directly from S3, past any proxy. */
export async function captureObject(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<StoredObject> {
  const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return {
    bytes: Buffer.from(await r.Body!.transformToByteArray()),
    etag: r.ETag ?? '"0"',
    versionId: r.VersionId,
    metadata: r.Metadata ?? {},
  };
}

/** Parses `bytes=a-b`, `bytes=a-`, `bytes=-n` against a size; undefined when unsatisfiable. */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | undefined {
  if (header === undefined) return { start: 0, end: size };
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (m === null) return { start: 0, end: size };
  if (m[1] === '') {
    const n = Number(m[2]);
    return n === 0 ? undefined : { start: Math.max(0, size - n), end: size };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size : Math.min(size, Number(m[2]) + 1);
  return start >= size ? undefined : { start, end };
}

/** How an `objectReply` lies. Every field is optional; none = an honest answer. */
export interface Lies {
  /** The total claimed in Content-Range (and Content-Length of a whole-object answer). */
  total?: number;
  /** Answer 200 with the whole object whatever Range asked. */
  ignoreRange?: boolean;
  /** Append this many bytes beyond the asked range (produced on demand; headers count them). */
  extra?: number;
  /** Send only the first `cut` bytes of the range, headers honest about the length sent. */
  cut?: number;
  /** Serve the bytes `shift` further on (headers still name the asked range). */
  shift?: number;
  /** Send the range's bytes from another object (same offsets unless `offset` moves them). */
  from?: { object: StoredObject; offset?: number };
  /** Claim this Content-Length and send the body anyway; the connection is cut afterwards. */
  contentLength?: number;
  /** An empty body with the asked range's headers (Content-Length 0). */
  empty?: boolean;
  /** The Content-Range header exactly, overriding the computed one. */
  contentRange?: string;
}

const FILL = Buffer.alloc(1024 * 1024, 0x5a);

function* repeat(n: number): Generator<Buffer> {
  for (let left = n; left > 0; left -= FILL.length)
    yield FILL.subarray(0, Math.min(left, FILL.length));
}

/**
 * Answers a GET or HEAD for `object` as S3 would (ranges included), with the given lies.
 * If-Match and version ids are ignored: the bytes are whatever the test holds.
 */
export function objectReply(object: StoredObject, req: HostileRequest, lies: Lies = {}): Verdict {
  const size = object.bytes.length;
  const total = lies.total ?? size;
  const headers: Record<string, string | number> = {
    etag: object.etag,
    'accept-ranges': 'bytes',
    'content-type': 'application/octet-stream',
    'last-modified': new Date(0).toUTCString(),
  };
  if (object.versionId !== undefined) headers['x-amz-version-id'] = object.versionId;
  for (const [k, v] of Object.entries(object.metadata)) headers[`x-amz-meta-${k}`] = v;
  const ranged = req.range !== undefined && lies.ignoreRange !== true;
  const r = ranged ? parseRange(req.range, total) : { start: 0, end: total };
  if (r === undefined) {
    return {
      kind: 'reply',
      reply: {
        status: 416,
        headers: { 'content-range': `bytes */${total}` },
        body: Buffer.alloc(0),
      },
    };
  }
  const src = lies.from?.object.bytes ?? object.bytes;
  const off = (lies.shift ?? 0) + (lies.from?.offset ?? 0);
  let body: Buffer = src.subarray(
    Math.min(src.length, r.start + off),
    Math.min(src.length, r.end + off),
  );
  if (lies.cut !== undefined) body = body.subarray(0, lies.cut);
  if (lies.empty === true) body = Buffer.alloc(0);
  const extra = lies.extra ?? 0;
  const length = body.length + extra;
  headers['content-length'] = lies.contentLength ?? length;
  if (ranged)
    headers['content-range'] =
      lies.contentRange ?? `bytes ${r.start}-${r.start + Math.max(length, 1) - 1}/${total}`;
  if (req.method === 'HEAD') return { kind: 'reply', reply: { status: 200, headers } };
  const chunks: Iterable<Buffer> =
    extra === 0
      ? [body]
      : (function* () {
          yield body;
          yield* repeat(extra);
        })();
  return {
    kind: 'reply',
    reply: {
      status: ranged ? 206 : 200,
      headers,
      body: chunks,
      resetAfterBody: lies.contentLength !== undefined && lies.contentLength !== length,
    },
  };
}

/** An S3 XML error answer with the code and message the server chooses. */
export function errorReply(status: number, code: string, message = 'hostile'): Verdict {
  return {
    kind: 'reply',
    reply: {
      status,
      headers: { 'content-type': 'application/xml' },
      body: Buffer.from(
        `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>hostile</RequestId></Error>`,
      ),
    },
  };
}

function matches(m: HostileMatch | undefined, req: HostileRequest): boolean {
  if (m === undefined) return true;
  if (m.method !== undefined && m.method !== req.method) return false;
  if (m.url !== undefined && !m.url.test(req.url)) return false;
  if (m.ranged !== undefined && m.ranged !== (req.range !== undefined)) return false;
  if (m.range !== undefined && (req.range === undefined || !m.range.test(req.range))) return false;
  return true;
}

async function writeBody(
  res: ServerResponse,
  body: HostileReply['body'],
  rec: HostileRecord,
): Promise<void> {
  if (body === undefined) return;
  const chunks: Iterable<Buffer> | AsyncIterable<Buffer> = Buffer.isBuffer(body) ? [body] : body;
  for await (const c of chunks) {
    if (res.destroyed) return;
    rec.bodyBytes += c.length;
    if (!res.write(c)) {
      await new Promise<void>((r) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          r();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
}

/** Starts the hostile endpoint in front of `upstream` (the test S3, TLS). */
export async function startHostileS3(o: {
  upstream: string;
  upstreamCa: string;
}): Promise<HostileS3> {
  const requests: HostileRecord[] = [];
  let rules: { r: HostileRule; seen: number; fired: number }[] = [];
  let index = 0;

  const pick = (req: HostileRequest): number => {
    for (let i = 0; i < rules.length; i++) {
      const s = rules[i]!;
      if (!matches(s.r.match, req)) continue;
      s.seen++;
      const nth = s.r.nth ?? 1;
      const times = s.r.times ?? Infinity;
      if (s.seen >= nth && s.seen < nth + times) {
        s.fired++;
        return i;
      }
    }
    return -1;
  };

  const forward = (
    req: IncomingMessage,
    res: ServerResponse,
    rec: HostileRecord,
    answerAfter: Promise<unknown> = Promise.resolve(),
  ): void => {
    const upstream = front.forward(req, (ures) => {
      ures.pause();
      void answerAfter
        .catch(() => undefined)
        .then(() => {
          relay(ures);
        });
    });
    const relay = (ures: IncomingMessage): void => {
      rec.status = ures.statusCode ?? 0;
      res.writeHead(ures.statusCode ?? 502, ures.headers);
      ures.on('data', (c: Buffer) => {
        rec.bodyBytes += c.length;
        res.write(c);
      });
      ures.on('end', () => res.end());
      ures.on('error', () => req.socket.destroy());
      ures.resume();
    };
    req.pipe(upstream);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const hreq: HostileRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      range: req.headers.range,
      headers: req.headers,
      index: index++,
    };
    const rec: HostileRecord = {
      method: hreq.method,
      url: hreq.url,
      range: hreq.range,
      rule: -1,
      verdict: 'forward',
      status: 0,
      bodyBytes: 0,
    };
    requests.push(rec);
    rec.rule = pick(hreq);
    const v: Verdict = rec.rule < 0 ? { kind: 'forward' } : await rules[rec.rule]!.r.respond(hreq);
    rec.verdict = v.kind;
    switch (v.kind) {
      case 'forward':
        forward(req, res, rec);
        return;
      case 'delay-answer':
        forward(req, res, rec, v.until);
        return;
      case 'stall':
        req.resume();
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'hold': {
        // Buffer the request body meanwhile, so it can still be forwarded unchanged.
        const alive = () => !req.socket.destroyed;
        await Promise.resolve(v.until).catch(() => undefined);
        if (alive()) forward(req, res, rec);
        return;
      }
      case 'reply': {
        req.resume();
        const reply = v.reply;
        rec.status = reply.status;
        const headers: Record<string, string | number> = { ...reply.headers };
        if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) {
          headers['content-length'] = Buffer.isBuffer(reply.body) ? reply.body.length : 0;
        }
        res.writeHead(reply.status, headers);
        await writeBody(res, reply.body, rec);
        if (reply.resetAfterBody === true) {
          res.socket?.destroy();
          return;
        }
        res.end();
        return;
      }
    }
  };

  const front = await startTlsFront({
    name: 'hostile-s3',
    upstream: o.upstream,
    upstreamCa: o.upstreamCa,
    handle: (req, res) => {
      handle(req, res).catch(() => req.socket.destroy());
    },
  });
  return {
    endpoint: front.endpoint,
    ca: front.ca,
    requests,
    program(r) {
      rules = r.map((x) => ({ r: x, seen: 0, fired: 0 }));
      requests.length = 0;
      index = 0;
    },
    fired: () => rules.map((s) => s.fired),
    openConnections: () => front.sockets.size,
    close: () => front.close(),
  };
}
