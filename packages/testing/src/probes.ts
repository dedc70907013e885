// Readiness probes and small waiting helpers shared by both runtimes.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A port that was free on 127.0.0.1 a moment ago (callers retry on a clash). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => {
        resolve(port);
      });
    });
  });
}

/** The last lines of a log file, for startup error messages. */
export function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Polls `probe` until it is true; `failed()` returning a message ends the wait early. */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  o: { failed?: () => string | undefined; details?: () => string; timeoutMs?: number } = {},
): Promise<void> {
  const timeoutMs = o.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const failure = o.failed?.();
    if (failure !== undefined) throw new Error(`${what} ${failure}:\n${o.details?.() ?? ''}`);
    if (await probe().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(
    `${what} did not become ready within ${timeoutMs / 1000}s:\n${o.details?.() ?? ''}`,
  );
}

/** GET over TLS trusting only `ca`; resolves with the status code. */
export function httpsStatus(url: string, ca: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** True when local-kms answers ListAliases with 200 on a plain-HTTP loopback port. */
export function kmsPing(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        timeout: 2000,
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'TrentService.ListAliases',
        },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end('{}');
  });
}
