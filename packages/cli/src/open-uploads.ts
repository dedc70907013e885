/**
 * Multipart uploads this process has open, so that an exit before `put` settles (a repeated
 * Ctrl-C whose bounded wait ran out) can still tell the user which upload to abort by hand, and
 * how. `put` adds an upload when S3 creates it and removes it when the upload settles.
 */
import type { MultipartUploadRef } from '@s3enc/node';
import { terminalSafe } from './terminal-text.js';

const open = new Set<MultipartUploadRef>();
let uploading = 0;

export const openUploads = {
  /**
   * Brackets a `put`: while one runs, an upload may be created at any moment (its
   * CreateMultipartUpload in flight), so a repeated interrupt waits for it too.
   */
  begin(): void {
    uploading++;
  },
  end(): void {
    uploading--;
  },
  /** Whether a `put` is running or an upload is still open. */
  busy(): boolean {
    return uploading > 0 || open.size > 0;
  },
  add(u: MultipartUploadRef): void {
    open.add(u);
  },
  delete(u: MultipartUploadRef): void {
    open.delete(u);
  },
  list(): MultipartUploadRef[] {
    return [...open];
  },
};

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Lines telling a person that `u` is still open and the command that aborts it. */
export function openUploadNotice(u: MultipartUploadRef): string {
  return terminalSafe(
    `s3enc: the multipart upload ${u.uploadId} of s3://${u.bucket}/${u.key} may still be open (its parts are stored and billed); abort it with:`,
  ).concat(
    '\n  ',
    terminalSafe(
      `aws s3api abort-multipart-upload --bucket ${shellQuote(u.bucket)} --key ${shellQuote(u.key)} --upload-id ${shellQuote(u.uploadId)}`,
    ),
    '\n',
  );
}

/** The upload an error says it left open (`openMultipartUpload` on it or on a cause). */
export function uploadLeftOpenBy(err: unknown): MultipartUploadRef | undefined {
  let e: unknown = err;
  for (let i = 0; i < 8 && typeof e === 'object' && e !== null; i++) {
    const u = (e as { openMultipartUpload?: MultipartUploadRef }).openMultipartUpload;
    if (u !== undefined) return u;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
