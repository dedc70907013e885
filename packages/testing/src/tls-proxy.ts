// A small TLS terminator: accepts TLS 1.2+ on 127.0.0.1 with the test certificate and pipes
// the plaintext to a loopback port (local-kms speaks plain HTTP only).
import net from 'node:net';
import tls from 'node:tls';

/** A running terminator: its port on 127.0.0.1, and close() (drops open connections). */
export interface TlsProxy {
  port: number;
  close(): Promise<void>;
}

/** Listens on a free 127.0.0.1 port, TLS 1.2+, and pipes each connection to `targetPort`. */
export async function startTlsProxy(o: {
  cert: string;
  key: string;
  targetPort: number;
  targetHost?: string;
}): Promise<TlsProxy> {
  const sockets = new Set<net.Socket>();
  const server = tls.createServer({ cert: o.cert, key: o.key, minVersion: 'TLSv1.2' }, (client) => {
    const upstream = net.connect(o.targetPort, o.targetHost ?? '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    const done = () => {
      sockets.delete(client);
      sockets.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', done).on('close', done);
    upstream.on('error', done).on('close', done);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  // Handshake failures (a client that does not trust our CA) are expected in tests.
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}
