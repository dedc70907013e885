/**
 * Multipart uploads this process has open, so that an exit before `put` settles (a repeated
 * Ctrl-C whose bounded wait ran out) can still tell the user which upload to abort by hand, and
 * how. `put` adds an upload when S3 creates it and removes it when the upload settles.
 */
import type { MultipartUploadRef } from '@s3enc/node';
import { terminalSafe } from './terminal-text.js';

const open = new Set<MultipartUploadRef>();
let uploading = 0;
let exitAtOnce = false;

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
  /**
   * A bulk run (cp --recursive, sync) asks a second interrupt to exit at once: its first
   * interrupt already stopped new objects and aborts the uploads in flight, and a person who
   * presses Ctrl-C again wants out; the uploads not yet aborted are then named.
   */
  exitAtSecondInterrupt(on = true): void {
    exitAtOnce = on;
  },
  exitsAtSecondInterrupt(): boolean {
    return exitAtOnce;
  },
};

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Lines telling a person that `u` is still open and the commands that abort it. */
export function openUploadNotice(u: MultipartUploadRef): string {
  return terminalSafe(
    `s3enc: the multipart upload ${u.uploadId} of s3://${u.bucket}/${u.key} may still be open (its parts are stored and billed); abort it with:`,
  ).concat(
    '\n  ',
    terminalSafe(s3encAbortCommand(u)),
    '\n  or ',
    terminalSafe(
      `aws s3api abort-multipart-upload --bucket ${shellQuote(u.bucket)} --key ${shellQuote(u.key)} --upload-id ${shellQuote(u.uploadId)}`,
    ),
    '\n',
  );
}

function s3encAbortCommand(u: MultipartUploadRef): string {
  return `s3enc uploads abort ${shellQuote(`s3://${u.bucket}/${u.key}`)} --upload-id ${shellQuote(u.uploadId)}`;
}

/** Lines telling a person that `u` stays open for a resume from `statePath`, and how to go on. */
export function keptUploadNotice(u: MultipartUploadRef, statePath: string): string {
  return terminalSafe(
    `s3enc: the multipart upload ${u.uploadId} of s3://${u.bucket}/${u.key} stays open for a resume (state: ${statePath}); run the same command again to send the missing parts, or abort it with:`,
  ).concat('\n  ', terminalSafe(s3encAbortCommand(u)), '\n');
}

/** The resume state file an error says keeps its upload open (`resumeStatePath`), if any. */
export function resumeStateOf(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 8 && typeof e === 'object' && e !== null; i++) {
    const p = (e as { resumeStatePath?: unknown }).resumeStatePath;
    if (typeof p === 'string') return p;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
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
