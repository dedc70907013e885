import { describe, expect, it } from 'vitest';
import { openUploadNotice, uploadLeftOpenBy } from './open-uploads.js';

describe('open multipart uploads', () => {
  it('names the upload and a command that aborts it, quoted for the shell and safe for the terminal', () => {
    const text = openUploadNotice({ bucket: 'b', key: "it's a key", uploadId: 'id\x1b[2J' });
    expect(text).toContain(
      "aws s3api abort-multipart-upload --bucket b --key 'it'\\''s a key' --upload-id 'id\\x1b[2J'",
    );
    expect(text).not.toContain('\x1b');
  });
  it('finds the upload an error left open, on it or on a cause', () => {
    const upload = { bucket: 'b', key: 'k', uploadId: 'u' };
    const inner = Object.assign(new Error('x'), { openMultipartUpload: upload });
    expect(uploadLeftOpenBy(new Error('interrupted', { cause: inner }))).toBe(upload);
    expect(uploadLeftOpenBy(new Error('plain'))).toBeUndefined();
  });
});
