import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { HttpRequest } from '@smithy/protocol-http';
import { S3Client, ListBucketsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InsecureTransportError } from '@s3enc/core';
import { buildKmsClientConfig, buildS3ClientConfig, createHttpHandler } from './client-config.js';
import { enforceHttpsOnly } from './https-only.js';
import { UndiciHttpHandler } from './undici-handler.js';
import { HardenedNodeHttpHandler } from './node-https-handler.js';
import { RoutingHttpHandler } from './routing-handler.js';

let dir: string;
let server: Server;
let port: number;
let caPem: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 's3enc-transport-'));
  const o = (a: string[]) => execFileSync('openssl', a, { cwd: dir, stdio: 'ignore' });
  o([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=test-ca',
  ]);
  o([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'srv.key',
    '-out',
    'srv.csr',
    '-subj',
    '/CN=localhost',
  ]);
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  o([
    'x509',
    '-req',
    '-in',
    'srv.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'srv.pem',
    '-days',
    '2',
    '-extfile',
    'ext.cnf',
  ]);
  caPem = readFileSync(join(dir, 'ca.pem'), 'utf8');
  server = createHttpsServer(
    { key: readFileSync(join(dir, 'srv.key')), cert: readFileSync(join(dir, 'srv.pem')) },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.setHeader('x-echo-len', String(Buffer.concat(chunks).length));
        res.setHeader('x-path', req.url ?? '');
        res.end('hello');
      });
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});
afterAll(
  () =>
    new Promise<void>((r) =>
      server.close(() => {
        r();
      }),
    ),
);

/** The first TLS certificate error code in an error's cause chain (undici and node wrap it). */
function certErrorCode(err: unknown): string | undefined {
  for (let e = err, i = 0; e !== undefined && e !== null && i < 10; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /CERT|VERIFY|SIGNED/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

const req = (body?: unknown) =>
  new HttpRequest({
    protocol: 'https:',
    hostname: '127.0.0.1',
    port,
    method: body === undefined ? 'GET' : 'PUT',
    path: '/a%20b',
    query: { x: 'y z', flag: null as unknown as string },
    headers: {
      host: `127.0.0.1:${port}`,
      expect: '100-continue',
      ...(body === undefined ? {} : { 'content-length': '3' }),
    },
    body,
  });

async function text(r: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

describe.each([
  ['undici', (ca: string) => new UndiciHttpHandler({ ca })],
  ['node-https', (ca: string) => new HardenedNodeHttpHandler({ ca })],
  ['routing (default)', (ca: string) => new RoutingHttpHandler({ ca })],
])('%s handler', (_name, make) => {
  it('talks TLS to a server signed by the given CA, with bodies and query strings', async () => {
    const h = make(caPem);
    const { response } = await h.handle(req(Readable.from([Buffer.from('abc')])));
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-echo-len']).toBe('3');
    expect(response.headers['x-path']).toBe('/a%20b?flag&x=y%20z');
    expect(await text(response.body as Readable)).toBe('hello');
    h.destroy?.();
  });
  it('accepts a CA file path', async () => {
    const h = make(join(dir, 'ca.pem'));
    const { response } = await h.handle(req());
    expect(await text(response.body as Readable)).toBe('hello');
    h.destroy?.();
  });
  it('fails certificate verification without the CA', async () => {
    const h = make(undefined as unknown as string);
    const err = await h.handle(req()).then(
      () => undefined,
      (e: unknown) => e,
    );
    h.destroy?.();
    // The failure must be the certificate check, not any error (a refused connection or a
    // bad request would also reject).
    expect(certErrorCode(err)).toMatch(
      /^(SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|DEPTH_ZERO_SELF_SIGNED_CERT)$/,
    );
  });
  it('refuses a non-https request before connecting', async () => {
    const h = make(caPem);
    const r = req();
    r.protocol = 'http:';
    await expect(h.handle(r)).rejects.toBeInstanceOf(InsecureTransportError);
  });
});

describe('policy', () => {
  it('refuses http:// endpoints for S3 and KMS at construction', () => {
    expect(() => buildS3ClientConfig({ endpoint: 'http://127.0.0.1:9000' })).toThrow(
      InsecureTransportError,
    );
    expect(() => buildKmsClientConfig({ endpoint: 'http://127.0.0.1:4599' })).toThrow(
      expect.objectContaining({ code: 'ERR_S3ENC_INSECURE_TRANSPORT' }),
    );
  });
  it('refuses attempts to disable certificate checks or lower the version', () => {
    for (const bad of [
      { rejectUnauthorized: false },
      { checkServerIdentity: () => undefined },
      { tls: false },
    ]) {
      expect(() => buildS3ClientConfig({ endpoint: 'https://x', ...(bad as object) })).toThrow(
        expect.objectContaining({ code: 'ERR_S3ENC_TLS_VERIFICATION_REQUIRED' }),
      );
      expect(() => new UndiciHttpHandler(bad as object)).toThrow(InsecureTransportError);
    }
    expect(() => createHttpHandler({ minVersion: 'TLSv1.1' as 'TLSv1.2' })).toThrow(
      expect.objectContaining({ code: 'ERR_S3ENC_TLS_VERSION' }),
    );
  });
  it('an existing client pointed at http:// is stopped before a byte leaves', async () => {
    let connections = 0;
    const srv = createNetServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const p = (srv.address() as { port: number }).port;
    const client = new S3Client({
      endpoint: `http://127.0.0.1:${p}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      maxAttempts: 1,
    });
    enforceHttpsOnly(client);
    await expect(client.send(new ListBucketsCommand({}))).rejects.toBeInstanceOf(
      InsecureTransportError,
    );
    expect(connections).toBe(0);
    await new Promise<void>((r) =>
      srv.close(() => {
        r();
      }),
    );
  });
});
