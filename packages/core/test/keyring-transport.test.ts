import { Agent } from 'node:https';
import { KMS } from '@aws-crypto/kms-keyring-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startClearTextServer,
  type ClearTextServer,
} from '../../../test/harness/clear-text-server.js';
import { beginEncryption, InsecureTransportError, kmsKeyring, S3EncError } from '../src/index.js';

const ARN = 'arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555';
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

let server: ClearTextServer;
let url = '';
const hits = (): number => server.hits();
beforeAll(async () => {
  server = await startClearTextServer();
  url = server.url;
});
afterAll(async () => {
  await server.close();
});

/** Walks an error's cause chain. */
function chain(e: unknown): unknown[] {
  const out: unknown[] = [];
  for (
    let c = e;
    c !== undefined && c !== null && out.length < 10;
    c = (c as { cause?: unknown }).cause
  )
    out.push(c);
  return out;
}

describe('KMS keyrings are https-only', () => {
  it('refuses an http:// endpoint in kmsClientConfig before any request', () => {
    expect(() =>
      kmsKeyring({ generatorKeyId: ARN, kmsClientConfig: { endpoint: url, credentials } }),
    ).toThrow(InsecureTransportError);
    expect(hits()).toBe(0);
  });

  it('refuses settings that disable certificate verification, and custom handlers', () => {
    expect(() =>
      kmsKeyring({ generatorKeyId: ARN, kmsClientConfig: { rejectUnauthorized: false } }),
    ).toThrow(InsecureTransportError);
    // An opaque handler instance cannot be checked: refused.
    expect(() =>
      kmsKeyring({
        generatorKeyId: ARN,
        kmsClientConfig: {
          requestHandler: new (class Handler {
            handle() {
              return undefined;
            }
          })(),
        },
      }),
    ).toThrow(S3EncError);
    // The options form is checked, down to the https agent's own options.
    expect(() =>
      kmsKeyring({
        generatorKeyId: ARN,
        kmsClientConfig: {
          requestHandler: { httpsAgent: new Agent({ rejectUnauthorized: false }) },
        },
      }),
    ).toThrow(InsecureTransportError);
    expect(() =>
      kmsKeyring({
        generatorKeyId: ARN,
        kmsClientConfig: { requestHandler: { httpsAgent: new Agent({ keepAlive: true }) } },
      }),
    ).not.toThrow();
  });

  it('stops a provided client pointed at http:// before a byte leaves', async () => {
    const client = new KMS({ region: 'us-east-1', endpoint: url, credentials, maxAttempts: 1 });
    const keyring = kmsKeyring({ generatorKeyId: ARN, clientProvider: () => client });
    const err = await beginEncryption({ keyring }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(S3EncError);
    expect(chain(err).some((c) => c instanceof InsecureTransportError)).toBe(true);
    expect(hits()).toBe(0);
  });

  it('stops a client the keyring builds when the endpoint comes from the environment', async () => {
    const saved = process.env.AWS_ENDPOINT_URL_KMS;
    process.env.AWS_ENDPOINT_URL_KMS = url;
    try {
      const keyring = kmsKeyring({
        generatorKeyId: ARN,
        kmsClientConfig: { credentials, maxAttempts: 1 },
      });
      const err = await beginEncryption({ keyring }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(chain(err).some((c) => c instanceof InsecureTransportError)).toBe(true);
      expect(hits()).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_KMS;
      else process.env.AWS_ENDPOINT_URL_KMS = saved;
    }
  });
});
