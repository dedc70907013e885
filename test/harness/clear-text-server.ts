/**
 * A plain-HTTP server on 127.0.0.1 that answers 500 to everything and counts what reaches it:
 * the probe for "refused before a byte leaves" tests (an https-only guard must keep it at 0).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ClearTextServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Requests received so far. */
  hits(): number;
  close(): Promise<void>;
}

export async function startClearTextServer(): Promise<ClearTextServer> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    req.resume();
    res.statusCode = 500;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: () => hits,
    close: () =>
      new Promise<void>((r) =>
        server.close(() => {
          r();
        }),
      ),
  };
}
