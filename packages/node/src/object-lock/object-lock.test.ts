// Unit tests: argument validation (pure) and request construction. The request tests capture
// what the AWS SDK would send with a middleware that answers in place of the network; this is
// the one place a mock is used (MinIO does not implement MFA Delete, and a refused request must
// be shown to be refused before anything is sent).
import { Readable } from 'node:stream';
import { S3Client } from '@aws-sdk/client-s3';
import { HttpRequest, HttpResponse } from '@smithy/protocol-http';
import { describe, expect, it } from 'vitest';
import {
  copySourceFor,
  deleteVersion,
  enableVersioning,
  listVersions,
  lockParamsFor,
  mfaHeaderValue,
  putBucketDefaultRetention,
  putRetention,
  restoreVersion,
  suspendVersioning,
} from './index.js';

const now = new Date('2026-01-15T12:00:00.250Z');

describe('lockParamsFor', () => {
  it('returns mode and date for a GOVERNANCE retention with retainUntil', () => {
    const until = new Date('2026-02-01T00:00:00Z');
    expect(lockParamsFor({ mode: 'GOVERNANCE', retainUntil: until }, now)).toEqual({
      ObjectLockMode: 'GOVERNANCE',
      ObjectLockRetainUntilDate: until,
    });
  });

  it('counts retainFor days from now and rounds up to a whole second', () => {
    const p = lockParamsFor({ mode: 'GOVERNANCE', retainFor: { days: 2 } }, now);
    expect(p.ObjectLockRetainUntilDate?.toISOString()).toBe('2026-01-17T12:00:01.000Z');
  });

  it('counts retainFor years as calendar years in UTC', () => {
    const leap = new Date('2024-02-29T00:00:00Z');
    const p = lockParamsFor({ mode: 'GOVERNANCE', retainFor: { years: 1 } }, leap);
    expect(p.ObjectLockRetainUntilDate?.toISOString()).toBe('2025-03-01T00:00:00.000Z');
  });

  it('accepts a legal hold alone, and with a retention', () => {
    expect(lockParamsFor({ legalHold: true }, now)).toEqual({ ObjectLockLegalHoldStatus: 'ON' });
    expect(lockParamsFor({ legalHold: false }, now)).toEqual({ ObjectLockLegalHoldStatus: 'OFF' });
    expect(
      lockParamsFor({ mode: 'GOVERNANCE', retainFor: { days: 1 }, legalHold: true }, now)
        .ObjectLockLegalHoldStatus,
    ).toBe('ON');
  });

  it('requires the acknowledgement for COMPLIANCE, and accepts it', () => {
    expect(() => lockParamsFor({ mode: 'COMPLIANCE', retainFor: { days: 1 } }, now)).toThrow(
      expect.objectContaining({ code: 'ERR_S3ENC_LOCK_COMPLIANCE_NOT_ACKNOWLEDGED' }),
    );
    expect(() =>
      lockParamsFor(
        // A truthy non-boolean is not an acknowledgement.
        {
          mode: 'COMPLIANCE',
          retainFor: { days: 1 },
          acknowledgeComplianceIsIrreversible: 'yes' as unknown as boolean,
        },
        now,
      ),
    ).toThrow(expect.objectContaining({ code: 'ERR_S3ENC_LOCK_COMPLIANCE_NOT_ACKNOWLEDGED' }));
    expect(
      lockParamsFor(
        { mode: 'COMPLIANCE', retainFor: { days: 1 }, acknowledgeComplianceIsIrreversible: true },
        now,
      ).ObjectLockMode,
    ).toBe('COMPLIANCE');
  });

  it.each([
    [
      'a past date',
      { mode: 'GOVERNANCE', retainUntil: new Date('2025-01-01T00:00:00Z') },
      'ERR_S3ENC_LOCK_RETAIN_UNTIL_IN_PAST',
    ],
    ['now', { mode: 'GOVERNANCE', retainUntil: now }, 'ERR_S3ENC_LOCK_RETAIN_UNTIL_IN_PAST'],
    [
      'a lowercase mode',
      { mode: 'governance', retainFor: { days: 1 } },
      'ERR_S3ENC_LOCK_UNKNOWN_MODE',
    ],
    ['an unknown mode', { mode: 'LEGAL', retainFor: { days: 1 } }, 'ERR_S3ENC_LOCK_UNKNOWN_MODE'],
    ['a mode without a date', { mode: 'GOVERNANCE' }, 'ERR_S3ENC_LOCK_INVALID_RETENTION'],
    ['a date without a mode', { retainFor: { days: 1 } }, 'ERR_S3ENC_LOCK_INVALID_RETENTION'],
    [
      'both retainUntil and retainFor',
      { mode: 'GOVERNANCE', retainUntil: new Date('2027-01-01'), retainFor: { days: 1 } },
      'ERR_S3ENC_LOCK_INVALID_RETENTION',
    ],
    [
      'an invalid Date',
      { mode: 'GOVERNANCE', retainUntil: new Date('nope') },
      'ERR_S3ENC_LOCK_INVALID_RETENTION',
    ],
    [
      'a date string',
      { mode: 'GOVERNANCE', retainUntil: '2027-01-01' },
      'ERR_S3ENC_LOCK_INVALID_RETENTION',
    ],
    [
      'zero days',
      { mode: 'GOVERNANCE', retainFor: { days: 0 } },
      'ERR_S3ENC_LOCK_INVALID_RETENTION',
    ],
    [
      'fractional days',
      { mode: 'GOVERNANCE', retainFor: { days: 1.5 } },
      'ERR_S3ENC_LOCK_INVALID_RETENTION',
    ],
    [
      'days and years',
      { mode: 'GOVERNANCE', retainFor: { days: 1, years: 1 } },
      'ERR_S3ENC_LOCK_INVALID_RETENTION',
    ],
    [
      'too many days',
      { mode: 'GOVERNANCE', retainFor: { days: 36_501 } },
      'ERR_S3ENC_LOCK_INVALID_RETENTION',
    ],
    ['empty options', {}, 'ERR_S3ENC_LOCK_INVALID_RETENTION'],
    ['a non-boolean legal hold', { legalHold: 'ON' }, 'ERR_S3ENC_INVALID_ARGUMENT'],
  ])('refuses %s', (_label, options, code) => {
    let thrown: unknown;
    try {
      lockParamsFor(options as never, now);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toMatchObject({ name: 'InvalidArgumentError', code });
  });

  it('checks the mode before the acknowledgement (an unknown mode is not mistaken for COMPLIANCE)', () => {
    expect(() =>
      lockParamsFor({ mode: 'compliance' as never, retainFor: { days: 1 } }, now),
    ).toThrow(expect.objectContaining({ code: 'ERR_S3ENC_LOCK_UNKNOWN_MODE' }));
  });
});

describe('mfaHeaderValue', () => {
  it('joins serial and code with one space', () => {
    expect(
      mfaHeaderValue({
        serialNumber: 'arn:aws:iam::123456789012:mfa/root-device',
        tokenCode: '123456',
      }),
    ).toBe('arn:aws:iam::123456789012:mfa/root-device 123456');
    expect(mfaHeaderValue({ serialNumber: 'GAHT12345678', tokenCode: '00001234' })).toBe(
      'GAHT12345678 00001234',
    );
  });

  it.each([
    [{ serialNumber: '', tokenCode: '123456' }],
    [{ serialNumber: 'a b', tokenCode: '123456' }],
    [{ serialNumber: 'serial\n', tokenCode: '123456' }],
    [{ serialNumber: 'serial', tokenCode: '12345' }],
    [{ serialNumber: 'serial', tokenCode: '123456789' }],
    [{ serialNumber: 'serial', tokenCode: '12a456' }],
    [{ serialNumber: 'serial', tokenCode: 123456 }],
  ])('refuses %j without echoing the code', (mfa) => {
    let thrown: unknown;
    try {
      mfaHeaderValue(mfa as never);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toMatchObject({ code: 'ERR_S3ENC_MFA_INVALID' });
    expect((thrown as Error).message).not.toContain(String(mfa.tokenCode));
  });
});

describe('copySourceFor', () => {
  it('URL-encodes the key but keeps its slashes, and encodes the version id', () => {
    expect(copySourceFor({ bucket: 'b', key: 'dir one/a+b?c#d%e/ü.txt', versionId: 'v1+/=' })).toBe(
      'b/dir%20one/a%2Bb%3Fc%23d%25e/%C3%BC.txt?versionId=v1%2B%2F%3D',
    );
  });
});

// ---- request construction ----

interface Sent {
  method: string;
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string>;
  body: string;
}

type Responder = (req: Sent) => { status: number; headers?: Record<string, string>; body?: string };

/** An S3 client whose requests are captured by a middleware and answered without a network. */
function capturingClient(respond: Responder): { s3: S3Client; sent: Sent[] } {
  const sent: Sent[] = [];
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: 'https://s3.example.invalid',
    forcePathStyle: true,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
  s3.middlewareStack.add(
    (_next) => async (args) => {
      const req = args.request as HttpRequest;
      const body =
        typeof req.body === 'string'
          ? req.body
          : req.body instanceof Uint8Array
            ? Buffer.from(req.body).toString()
            : '';
      const s: Sent = {
        method: req.method,
        path: req.path,
        query: { ...req.query },
        headers: { ...req.headers },
        body,
      };
      sent.push(s);
      const r = respond(s);
      return {
        response: new HttpResponse({
          statusCode: r.status,
          headers: r.headers ?? {},
          body: Readable.from(r.body === undefined ? [] : [Buffer.from(r.body)]),
        }),
        output: undefined as never,
      };
    },
    { step: 'deserialize', priority: 'low', name: 'captureWithoutSending' },
  );
  return { s3, sent };
}

const mfa = {
  serialNumber: 'arn:aws:iam::123456789012:mfa/root-account-mfa-device',
  tokenCode: '654321',
};
const mfaHeader = 'arn:aws:iam::123456789012:mfa/root-account-mfa-device 654321';
const noLockConfig = {
  status: 404,
  headers: { 'content-type': 'application/xml' },
  body: '<Error><Code>ObjectLockConfigurationNotFoundError</Code><Message>none</Message></Error>',
};

describe('MFA header on requests', () => {
  it('deleteVersion sends x-amz-mfa "<serial> <code>" with the versionId', async () => {
    const { s3, sent } = capturingClient((r): ReturnType<Responder> =>
      r.method === 'HEAD'
        ? { status: 200, headers: { 'content-length': '3', 'x-amz-version-id': 'v1' } }
        : { status: 204, headers: { 'x-amz-version-id': 'v1' } },
    );
    const out = await deleteVersion(s3, { bucket: 'b', key: 'k', versionId: 'v1', mfa });
    expect(out).toEqual({ versionId: 'v1', wasDeleteMarker: false });
    const del = sent.find((s) => s.method === 'DELETE');
    expect(del?.headers['x-amz-mfa']).toBe(mfaHeader);
    expect(del?.query.versionId).toBe('v1');
    expect(del?.headers['x-amz-bypass-governance-retention']).toBeUndefined();
    // The lock-state check is a HEAD of the same version, without the token.
    expect(sent[0]).toMatchObject({ method: 'HEAD', query: { versionId: 'v1' } });
    expect(sent[0]?.headers['x-amz-mfa']).toBeUndefined();
  });

  it('enableVersioning with mfaDelete sends the token and the MfaDelete element', async () => {
    const { s3, sent } = capturingClient(() => ({ status: 200 }));
    await enableVersioning(s3, { bucket: 'b', mfaDelete: 'Enabled', mfa });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.method).toBe('PUT');
    expect(sent[0]?.query).toHaveProperty('versioning');
    expect(sent[0]?.headers['x-amz-mfa']).toBe(mfaHeader);
    expect(sent[0]?.body).toContain('<Status>Enabled</Status>');
    expect(sent[0]?.body).toContain('<MfaDelete>Enabled</MfaDelete>');
  });

  it('suspendVersioning sends the token after checking the bucket has no Object Lock', async () => {
    const { s3, sent } = capturingClient((r) =>
      'object-lock' in r.query ? noLockConfig : { status: 200 },
    );
    await suspendVersioning(s3, { bucket: 'b', mfa });
    expect(sent.map((s) => s.method)).toEqual(['GET', 'PUT']);
    expect(sent[1]?.headers['x-amz-mfa']).toBe(mfaHeader);
    expect(sent[1]?.body).toContain('<Status>Suspended</Status>');
  });

  it('sends nothing when the token is malformed or missing for an MFA Delete change', async () => {
    const { s3, sent } = capturingClient(() => ({ status: 200 }));
    await expect(
      deleteVersion(s3, {
        bucket: 'b',
        key: 'k',
        versionId: 'v1',
        mfa: { serialNumber: 'x', tokenCode: '1' },
      }),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_MFA_INVALID' });
    await expect(enableVersioning(s3, { bucket: 'b', mfaDelete: 'Enabled' })).rejects.toMatchObject(
      {
        code: 'ERR_S3ENC_MFA_REQUIRED',
      },
    );
    expect(sent).toHaveLength(0);
  });
});

describe('guards before the request', () => {
  const locked = (mode: string, until: string, hold = 'OFF') => ({
    status: 200,
    headers: {
      'content-length': '3',
      'x-amz-object-lock-mode': mode,
      'x-amz-object-lock-retain-until-date': until,
      'x-amz-object-lock-legal-hold': hold,
    },
  });

  it('refuses to delete a GOVERNANCE version without the bypass, and sends the bypass when given', async () => {
    const { s3, sent } = capturingClient((r) =>
      r.method === 'HEAD' ? locked('GOVERNANCE', '2030-01-01T00:00:00Z') : { status: 204 },
    );
    await expect(
      deleteVersion(s3, { bucket: 'b', key: 'k', versionId: 'v1' }, now),
    ).rejects.toMatchObject({
      name: 'InvalidArgumentError',
      code: 'ERR_S3ENC_LOCK_GOVERNED_VERSION',
    });
    expect(sent.map((s) => s.method)).toEqual(['HEAD']);
    await deleteVersion(
      s3,
      { bucket: 'b', key: 'k', versionId: 'v1', bypassGovernanceRetention: true },
      now,
    );
    expect(sent.at(-1)?.method).toBe('DELETE');
    expect(sent.at(-1)?.headers['x-amz-bypass-governance-retention']).toBe('true');
  });

  it('refuses COMPLIANCE and legal hold deletes even with the bypass', async () => {
    const c = capturingClient(() => locked('COMPLIANCE', '2030-01-01T00:00:00Z'));
    await expect(
      deleteVersion(
        c.s3,
        { bucket: 'b', key: 'k', versionId: 'v1', bypassGovernanceRetention: true },
        now,
      ),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_LOCK_COMPLIANCE_IMMUTABLE' });
    const h = capturingClient(() => locked('GOVERNANCE', '2020-01-01T00:00:00Z', 'ON'));
    await expect(
      deleteVersion(
        h.s3,
        { bucket: 'b', key: 'k', versionId: 'v1', bypassGovernanceRetention: true },
        now,
      ),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_LOCK_LEGAL_HOLD_ACTIVE' });
    expect([...c.sent, ...h.sent].every((s) => s.method === 'HEAD')).toBe(true);
  });

  it('lets an expired retention be deleted without the bypass', async () => {
    const { s3, sent } = capturingClient((r) =>
      r.method === 'HEAD' ? locked('COMPLIANCE', '2026-01-15T11:59:59Z') : { status: 204 },
    );
    await deleteVersion(s3, { bucket: 'b', key: 'k', versionId: 'v1' }, now);
    expect(sent.map((s) => s.method)).toEqual(['HEAD', 'DELETE']);
    expect(sent[1]?.headers['x-amz-bypass-governance-retention']).toBeUndefined();
  });

  it('sends nothing for COMPLIANCE retention or default retention without the acknowledgement', async () => {
    const { s3, sent } = capturingClient(() => ({ status: 200 }));
    await expect(
      putRetention(s3, {
        bucket: 'b',
        key: 'k',
        versionId: 'v1',
        mode: 'COMPLIANCE',
        retainFor: { days: 1 },
      }),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_LOCK_COMPLIANCE_NOT_ACKNOWLEDGED' });
    await expect(
      putBucketDefaultRetention(s3, {
        bucket: 'b',
        defaultRetention: { mode: 'COMPLIANCE', retainFor: { days: 1 } },
      }),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_LOCK_COMPLIANCE_NOT_ACKNOWLEDGED' });
    await expect(
      putRetention(s3, {
        bucket: 'b',
        key: 'k',
        mode: 'GOVERNANCE',
        retainUntil: new Date(Date.now() - 1000),
      }),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_LOCK_RETAIN_UNTIL_IN_PAST' });
    expect(sent).toHaveLength(0);
  });

  it('refuses a retention on a bucket without Object Lock after reading its configuration', async () => {
    const { s3, sent } = capturingClient(() => noLockConfig);
    await expect(
      putRetention(s3, { bucket: 'b', key: 'k', mode: 'GOVERNANCE', retainFor: { days: 1 } }),
    ).rejects.toMatchObject({
      code: 'ERR_S3ENC_LOCK_NOT_ENABLED',
      message: expect.stringContaining('createObjectLockBucket'),
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.query).toHaveProperty('object-lock');
  });

  it('restoreVersion checks SSE-C keys and Object Lock options before any request', async () => {
    const { s3, sent } = capturingClient(() => ({ status: 200 }));
    const address = { bucket: 'b', key: 'k', versionId: 'v1' };
    await expect(
      restoreVersion(s3, { ...address, sourceSseCustomerKey: new Uint8Array(31) }),
    ).rejects.toMatchObject({
      code: 'ERR_S3ENC_INVALID_SSE_C_KEY',
    });
    await expect(
      restoreVersion(s3, {
        ...address,
        objectLock: { mode: 'COMPLIANCE', retainFor: { days: 1 } },
      }),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_LOCK_COMPLIANCE_NOT_ACKNOWLEDGED' });
    await expect(restoreVersion(s3, { ...address, partSize: 1024 })).rejects.toMatchObject({
      code: 'ERR_S3ENC_INVALID_ARGUMENT',
    });
    expect(sent).toHaveLength(0);
  });

  it('restoreVersion sends the copy-source SSE-C headers and re-encrypts with the same key by default', async () => {
    const { s3, sent } = capturingClient((r): ReturnType<Responder> =>
      r.method === 'HEAD'
        ? {
            status: 200,
            headers: {
              'content-length': '10',
              etag: '"abc"',
              'x-amz-server-side-encryption-customer-algorithm': 'AES256',
            },
          }
        : {
            status: 200,
            headers: { 'x-amz-version-id': 'v2' },
            body: '<CopyObjectResult><ETag>"abc"</ETag></CopyObjectResult>',
          },
    );
    const key = Buffer.alloc(32, 9);
    const out = await restoreVersion(s3, {
      bucket: 'b',
      key: 'dir/a b',
      versionId: 'v1',
      sourceSseCustomerKey: key,
    });
    expect(out).toEqual({ versionId: 'v2', sourceVersionId: 'v1', size: 10, multipart: false });
    const copy = sent[1]!;
    expect(copy.method).toBe('PUT');
    expect(copy.headers['x-amz-copy-source']).toBe('b/dir/a%20b?versionId=v1');
    expect(copy.headers['x-amz-copy-source-if-match']).toBe('"abc"');
    expect(copy.headers['x-amz-copy-source-server-side-encryption-customer-algorithm']).toBe(
      'AES256',
    );
    expect(copy.headers['x-amz-copy-source-server-side-encryption-customer-key']).toBe(
      key.toString('base64'),
    );
    expect(copy.headers['x-amz-server-side-encryption-customer-key']).toBe(key.toString('base64'));
    expect(copy.headers['x-amz-metadata-directive']).toBe('COPY');
  });

  it('an aborted signal stops restoreVersion and listVersions with AbortError', async () => {
    const { s3, sent } = capturingClient(() => ({ status: 200 }));
    const ac = new AbortController();
    ac.abort();
    await expect(
      restoreVersion(s3, { bucket: 'b', key: 'k', versionId: 'v1', signal: ac.signal }),
    ).rejects.toMatchObject({
      name: 'AbortError',
      code: 'ERR_S3ENC_ABORTED',
    });
    expect(sent).toHaveLength(0);
    await expect(
      listVersions(s3, { bucket: 'b', key: 'k', signal: ac.signal }),
    ).rejects.toMatchObject({
      code: 'ERR_S3ENC_ABORTED',
    });
  });
});

describe('listVersions requests', () => {
  const v = (key: string, id: string, latest: boolean, modified: string) =>
    `<Version><Key>${key}</Key><VersionId>${id}</VersionId><IsLatest>${latest}</IsLatest><LastModified>${modified}</LastModified><ETag>"e"</ETag><Size>3</Size></Version>`;
  const m = (key: string, id: string, latest: boolean, modified: string) =>
    `<DeleteMarker><Key>${key}</Key><VersionId>${id}</VersionId><IsLatest>${latest}</IsLatest><LastModified>${modified}</LastModified></DeleteMarker>`;
  const page = (truncated: boolean, body: string, next = '') =>
    '<?xml version="1.0" encoding="UTF-8"?><ListVersionsResult><IsTruncated>' +
    String(truncated) +
    '</IsTruncated>' +
    (next === ''
      ? ''
      : `<NextKeyMarker>${next}</NextKeyMarker><NextVersionIdMarker>vm</NextVersionIdMarker>`) +
    body +
    '</ListVersionsResult>';

  it('keeps only the exact key, orders markers among versions, passes opaque markers back, stops past the key', async () => {
    const pages = [
      page(
        true,
        v('doc', 'v3', true, '2026-01-03T00:00:00Z') +
          m('doc', 'm1', false, '2026-01-02T00:00:00Z'),
        'doc[opaque]',
      ),
      page(
        true,
        v('doc', 'v1', false, '2026-01-01T00:00:00Z') +
          v('doc-2', 'x1', true, '2026-01-05T00:00:00Z'),
        'doc-2[opaque]',
      ),
      page(false, v('doc-3', 'never', true, '2026-01-05T00:00:00Z')),
    ];
    let n = 0;
    const { s3, sent } = capturingClient(() => ({
      status: 200,
      headers: { 'content-type': 'application/xml' },
      body: pages[n++]!,
    }));
    const out = await listVersions(s3, { bucket: 'b', key: 'doc', pageSize: 2 });
    expect(out.map((e) => [e.versionId, e.isDeleteMarker, e.isLatest])).toEqual([
      ['v3', false, true],
      ['m1', true, false],
      ['v1', false, false],
    ]);
    expect(sent).toHaveLength(2);
    expect(sent[0]?.query).toMatchObject({ prefix: 'doc', 'max-keys': '2' });
    expect(sent[1]?.query).toMatchObject({
      'key-marker': 'doc[opaque]',
      'version-id-marker': 'vm',
    });
  });
});
