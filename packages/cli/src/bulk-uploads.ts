/**
 * The multipart uploads a bulk run (cp --recursive, sync) has open, kept for the interrupt
 * handler (open-uploads.ts) and this machine's journal (upload-journal.ts). The first Ctrl-C
 * stops new objects and the library aborts the uploads in flight; a second exits at once and
 * names the uploads still open. When the run ends, an upload whose object never reported back
 * (an interrupted one) is looked up in S3, and named if it is still open.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { listIncompleteUploads, type MultipartUploadRef, type ObjectResult } from '@s3enc/node';
import { openUploadNotice, openUploads, uploadLeftOpenBy } from './open-uploads.js';
import { forgetUpload, recordUpload } from './upload-journal.js';

export interface BulkUploads {
  /** For `putOptions.onMultipartUpload`. */
  opened(u: MultipartUploadRef): void;
  /** For `onObject`: the object's upload (if any) has settled. */
  settled(r: ObjectResult): void;
  /**
   * The run is over: checks the uploads never reported back, and returns the notices for those
   * S3 still holds.
   */
  finish(s3: S3Client): Promise<string>;
}

export function trackBulkUploads(env: NodeJS.ProcessEnv): BulkUploads {
  const inFlight = new Map<string, { upload: MultipartUploadRef; written: Promise<void> }>();
  const pending: Promise<void>[] = [];
  openUploads.begin();
  openUploads.exitAtSecondInterrupt();
  const release = (key: string, keepRecord: boolean) => {
    const e = inFlight.get(key);
    if (e === undefined) return;
    inFlight.delete(key);
    openUploads.delete(e.upload);
    if (!keepRecord) pending.push(e.written.then(() => forgetUpload(env, e.upload)));
  };
  return {
    opened(u) {
      openUploads.add(u);
      inFlight.set(`s3://${u.bucket}/${u.key}`, { upload: u, written: recordUpload(env, u) });
    },
    settled(r) {
      if (r.operation !== 'upload') return;
      release(r.destination, r.error !== undefined && uploadLeftOpenBy(r.error) !== undefined);
    },
    async finish(s3) {
      let notices = '';
      try {
        for (const [key, { upload }] of [...inFlight]) {
          const still = await listIncompleteUploads(s3, upload.bucket, {
            prefix: upload.key,
            uploadId: upload.uploadId,
            maxPages: 10,
          }).catch(() => [upload]);
          release(key, still.length > 0);
          if (still.length > 0) notices += openUploadNotice(upload);
        }
        await Promise.all(pending);
      } finally {
        openUploads.exitAtSecondInterrupt(false);
        openUploads.end();
      }
      return notices;
    },
  };
}
