// Request construction only (a capturing handler, no server): what the SigV4 signer is given
// for an upload body with and without signPayload. The real server accepting both is covered by
// test/transfer/roundtrip.test.ts.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { PutObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { HttpResponse, type HttpRequest } from '@smithy/protocol-http';
import { describe, expect, it } from 'vitest';
import { withPayloadSigning } from './payload-signing.js';

function capturingClient(seen: HttpRequest[]): S3Client {
  return new S3Client({
    region: 'us-east-1',
    endpoint: 'https://s3.example.test',
    forcePathStyle: true,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    requestHandler: {
      handle: (request: HttpRequest) => {
        seen.push(request);
        return Promise.resolve({
          response: new HttpResponse({
            statusCode: 200,
            headers: { etag: '"e"' },
            body: Readable.from([]),
          }),
        });
      },
    },
  });
}

describe('payload signing', () => {
  const body = Buffer.from('sealed frames, not plaintext');
  const sha = createHash('sha256').update(body).digest('hex');

  it('sends upload bodies as UNSIGNED-PAYLOAD by default, signed with signPayload', async () => {
    const seen: HttpRequest[] = [];
    const s3 = capturingClient(seen);
    const part = () =>
      new UploadPartCommand({
        Bucket: 'b',
        Key: 'k',
        UploadId: 'u',
        PartNumber: 1,
        Body: body,
        ContentLength: body.length,
        ChecksumCRC32C: 'AAAAAA==',
      });
    await s3.send(withPayloadSigning(part(), false));
    await s3.send(withPayloadSigning(part(), true));
    await s3.send(
      withPayloadSigning(
        new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: body, ContentLength: body.length }),
        false,
      ),
    );
    const hashes = seen.map((r) => r.headers['x-amz-content-sha256']);
    expect(hashes).toEqual(['UNSIGNED-PAYLOAD', sha, 'UNSIGNED-PAYLOAD']);
    // The header is a signed header either way, so the choice itself cannot be altered in transit.
    for (const r of seen)
      expect(r.headers.authorization).toMatch(/SignedHeaders=[^,]*x-amz-content-sha256/);
    s3.destroy();
  });

  it('leaves a command without the middleware when signing', () => {
    const c = new UploadPartCommand({ Bucket: 'b', Key: 'k', UploadId: 'u', PartNumber: 1 });
    const before = c.middlewareStack.identify().length;
    withPayloadSigning(c, true);
    expect(c.middlewareStack.identify().length).toBe(before);
    withPayloadSigning(c, false);
    expect(c.middlewareStack.identify()).toContain('s3encUnsignedPayload - build');
  });
});
