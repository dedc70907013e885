// A TLS-terminating HTTP proxy in front of the test S3 (or KMS) endpoint that injects faults:
// answer 5xx to the Nth matching request, cut the connection after N bytes of a matching
// request's body or response, and count bytes per request. Requests are forwarded unchanged
// (Host header included, so SigV4 signatures stay valid) over TLS to the real endpoint.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startTlsFront } from './tls-front.js';

export interface RequestRecord {
  method: string;
  url: string;
  range: string | undefined;
  /** X-Amz-Target of a JSON API request, e.g. `TrentService.GenerateDataKey` (KMS). */
  target: string | undefined;
  requestBytes: number;
  responseBytes: number;
  status: number;
}

/** Which requests a fault applies to. */
export interface Match {
  method?: string;
  /** Tested against the path and query, e.g. /partNumber=2/ */
  url?: RegExp;
}

export type Fault =
  /** Answer `status` (default 503) instead of forwarding, for the `nth` (1-based) matching request; `times` in a row (default 1). */
  | { kind: 'status'; match: Match; nth?: number; times?: number; status?: number }
  /** Forward, but cut the client connection after `afterBytes` bytes of the response body. */
  | { kind: 'cut-response'; match: Match; nth?: number; times?: number; afterBytes: number }
  /** Cut the client connection after `afterBytes` bytes of the request body have arrived. */
  | { kind: 'cut-request'; match: Match; nth?: number; times?: number; afterBytes: number }
  /** Forward unchanged after `ms` (a distant endpoint, e.g. KMS in a real Region). */
  | { kind: 'delay'; match: Match; nth?: number; times?: number; ms: number };

export interface FaultProxy {
  /** https://127.0.0.1:port */
  endpoint: string;
  /** PEM of the proxy's own CA (trust it alongside the upstream CA). */
  ca: string;
  requests: RequestRecord[];
  /** Installs faults (replacing earlier ones) and resets counters. */
  setFaults(faults: Fault[]): void;
  /** How many times each installed fault fired. */
  fired(): number[];
  /** Stop forwarding entirely (every connection is refused with a reset), e.g. KMS down. */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

function matches(m: Match, req: IncomingMessage): boolean {
  if (m.method !== undefined && m.method !== req.method) return false;
  if (m.url !== undefined && !m.url.test(req.url ?? '')) return false;
  return true;
}

export async function startFaultProxy(o: {
  upstream: string;
  upstreamCa: string;
}): Promise<FaultProxy> {
  const requests: RequestRecord[] = [];
  let faults: { f: Fault; seen: number; fired: number }[] = [];
  let down = false;

  const pick = (req: IncomingMessage): Fault | undefined => {
    for (const s of faults) {
      if (!matches(s.f.match, req)) continue;
      s.seen++;
      const nth = s.f.nth ?? 1;
      const times = s.f.times ?? 1;
      if (s.seen >= nth && s.seen < nth + times) {
        s.fired++;
        return s.f;
      }
    }
    return undefined;
  };

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const rec: RequestRecord = {
      method: req.method ?? '',
      url: req.url ?? '',
      range: req.headers.range,
      target:
        typeof req.headers['x-amz-target'] === 'string' ? req.headers['x-amz-target'] : undefined,
      requestBytes: 0,
      responseBytes: 0,
      status: 0,
    };
    requests.push(rec);
    const fault = pick(req);
    if (fault?.kind === 'status') {
      req.resume();
      req.on('end', () => {
        rec.status = fault.status ?? 503;
        res.writeHead(rec.status, { 'content-type': 'application/xml', connection: 'close' });
        res.end(
          '<?xml version="1.0" encoding="UTF-8"?><Error><Code>ServiceUnavailable</Code><Message>injected</Message></Error>',
        );
      });
      return;
    }
    if (fault?.kind === 'delay') {
      req.pause();
      setTimeout(() => {
        forward(req, res, rec, undefined);
        req.resume();
      }, fault.ms);
      return;
    }
    forward(req, res, rec, fault);
  };

  const forward = (
    req: IncomingMessage,
    res: ServerResponse,
    rec: RequestRecord,
    fault: Fault | undefined,
  ): void => {
    const upstream = front.forward(req, (ures) => {
      rec.status = ures.statusCode ?? 0;
      res.writeHead(ures.statusCode ?? 502, ures.headers);
      ures.on('data', (c: Buffer) => {
        if (fault?.kind === 'cut-response' && rec.responseBytes + c.length > fault.afterBytes) {
          const keep = fault.afterBytes - rec.responseBytes;
          if (keep > 0) res.write(c.subarray(0, keep));
          rec.responseBytes += Math.max(0, keep);
          ures.destroy();
          req.socket.destroy();
          return;
        }
        rec.responseBytes += c.length;
        res.write(c);
      });
      ures.on('end', () => res.end());
      ures.on('error', () => req.socket.destroy());
    });
    req.on('data', (c: Buffer) => {
      if (fault?.kind === 'cut-request' && rec.requestBytes + c.length > fault.afterBytes) {
        upstream.destroy();
        req.socket.destroy();
        return;
      }
      rec.requestBytes += c.length;
      upstream.write(c);
    });
    req.on('end', () => upstream.end());
  };

  const front = await startTlsFront({
    name: 'fault-proxy',
    upstream: o.upstream,
    upstreamCa: o.upstreamCa,
    handle: handler,
    admit: () => !down,
  });
  return {
    endpoint: front.endpoint,
    ca: front.ca,
    requests,
    setFaults(f) {
      faults = f.map((x) => ({ f: x, seen: 0, fired: 0 }));
      requests.length = 0;
    },
    fired: () => faults.map((s) => s.fired),
    setDown(d) {
      down = d;
      if (d) for (const s of front.sockets) s.destroy();
    },
    close: () => front.close(),
  };
}
