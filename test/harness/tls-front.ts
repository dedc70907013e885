// The TLS plumbing the test servers in front of MinIO or local-kms share (fault-proxy.ts,
// hostile-s3.ts): a TLS server on a loopback port with its own CA, the open connections it
// tracks (so a test can cut them, and close() never waits on a kept-alive one), and forwarding
// of a request unchanged to the real endpoint over TLS (Host header included, so SigV4
// signatures stay valid). What each server does with a request is its own.
import { mkdtempSync, rmSync } from 'node:fs';
import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import {
  Agent as HttpsAgent,
  createServer,
  request as httpsRequest,
  type Server,
} from 'node:https';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCerts } from './certs.js';

export interface TlsFront {
  /** https://127.0.0.1:port */
  endpoint: string;
  /** PEM of this server's own CA (trust it alongside the upstream CA). */
  ca: string;
  /** The client connections open now. */
  sockets: ReadonlySet<Socket>;
  /**
   * Sends `req`'s method, path and headers on to the upstream and hands its answer to
   * `onResponse`; the caller writes the request body into the returned request. A failed
   * upstream connection resets the client's.
   */
  forward(req: IncomingMessage, onResponse: (ures: IncomingMessage) => void): ClientRequest;
  close(): Promise<void>;
}

/**
 * Starts a TLS server in front of `upstream` that hands every request to `handle`.
 * @param o.name names the temporary folder of its certificates.
 * @param o.admit refuses (resets) a new connection when it returns false.
 */
export async function startTlsFront(o: {
  name: string;
  upstream: string;
  upstreamCa: string;
  handle: (req: IncomingMessage, res: ServerResponse) => void;
  admit?: () => boolean;
}): Promise<TlsFront> {
  const dir = mkdtempSync(join(tmpdir(), `s3enc-${o.name}-`));
  const certs = await makeCerts(dir);
  const up = new URL(o.upstream);
  const agent = new HttpsAgent({ keepAlive: true, ca: o.upstreamCa, minVersion: 'TLSv1.2' });
  const sockets = new Set<Socket>();
  const server: Server = createServer(
    { cert: certs.cert, key: certs.key, minVersion: 'TLSv1.2' },
    o.handle,
  );
  server.on('connection', (s: Socket) => {
    if (o.admit?.() === false) {
      s.destroy();
      return;
    }
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    endpoint: `https://127.0.0.1:${port}`,
    ca: certs.ca,
    sockets,
    forward(req, onResponse) {
      const upstream = httpsRequest(
        {
          host: up.hostname,
          port: up.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
          agent,
        },
        onResponse,
      );
      upstream.on('error', () => req.socket.destroy());
      return upstream;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        agent.destroy();
        server.close(() => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}
