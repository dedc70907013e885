import { describe, expect, it } from 'vitest';
import { keptUploadNotice, openUploadNotice, uploadLeftOpenBy } from './open-uploads.js';

describe('open multipart uploads', () => {
  it('names the upload and a command that aborts it, quoted for the shell and safe for the terminal', () => {
    const text = openUploadNotice({ bucket: 'b', key: "it's a key", uploadId: 'id\x1b[2J' });
    expect(text).toContain(
      "aws s3api abort-multipart-upload --bucket b --key 'it'\\''s a key' --upload-id 'id\\x1b[2J'",
    );
    expect(text).toContain("s3enc uploads abort 's3://b/it'\\''s a key' --upload-id 'id\\x1b[2J'");
    expect(text).not.toContain('\x1b');
  });
  it('tells how to go on with an upload kept for a resume', () => {
    const text = keptUploadNotice({ bucket: 'b', key: 'k', uploadId: 'u1' }, '/tmp/s.json');
    expect(text).toContain('stays open for a resume (state: /tmp/s.json)');
    expect(text).toContain('s3enc uploads abort s3://b/k --upload-id u1');
  });
  it('finds the upload an error left open, on it or on a cause', () => {
    const upload = { bucket: 'b', key: 'k', uploadId: 'u' };
    const inner = Object.assign(new Error('x'), { openMultipartUpload: upload });
    expect(uploadLeftOpenBy(new Error('interrupted', { cause: inner }))).toBe(upload);
    expect(uploadLeftOpenBy(new Error('plain'))).toBeUndefined();
  });
});
