/**
 * What S3 holds of an upload being resumed (ListParts), checked against the state file. The
 * answer is untrusted: pages are bounded in number and must advance, part numbers must lie in
 * the plan, and every part the state file lists must be there with its size and ETag (and its
 * checksum, when S3 reports one). Parts S3 holds that the state file does not list (a part in
 * flight when the run stopped) are not trusted: they are uploaded again.
 * @internal
 */
import { ListPartsCommand, type Part, type S3Client } from '@aws-sdk/client-s3';
import { REQUEST_ATTEMPTS, S3RequestError, type ChecksumAlgorithm } from '@s3enc/core';
import { s3CodeOf, toS3Error, withRetries } from '../../../s3-errors.js';
import { CHECKSUM_FIELD } from '../checksum-fields.js';
import type { ResumeState } from './resume-state.js';

/** Parts per ListParts page (S3's maximum). */
const PAGE = 1000;

function mismatch(why: string): S3RequestError {
  return new S3RequestError(
    'ERR_S3ENC_RESUME_STATE_MISMATCH',
    `the stored parts of the upload do not match the resume state: ${why}`,
  );
}

function unquoted(etag: string): string {
  return etag.replace(/^"(.*)"$/, '$1');
}

/**
 * Lists the parts S3 holds for the state's upload, at most `partCount` of them over at most
 * ceil(partCount / 1000) + 1 pages.
 * @returns the parts by number.
 * @throws S3RequestError ERR_S3ENC_RESUME_UPLOAD_GONE (NoSuchUpload), ERR_S3ENC_BAD_RESPONSE
 *   (a page that does not advance, too many pages), ERR_S3ENC_RESUME_STATE_MISMATCH (a part
 *   number out of range or listed twice), other S3 errors.
 */
export async function listStoredParts(
  s3: S3Client,
  state: ResumeState,
  signal: AbortSignal,
): Promise<Map<number, Part>> {
  const byNumber = new Map<number, Part>();
  const maxPages = Math.ceil(state.partCount / PAGE) + 1;
  let marker: string | undefined;
  for (let page = 0; ; page++) {
    if (page >= maxPages) {
      throw new S3RequestError(
        'ERR_S3ENC_BAD_RESPONSE',
        `ListParts went on for more than ${maxPages} pages`,
      );
    }
    const res = await withRetries(
      () =>
        s3.send(
          new ListPartsCommand({
            Bucket: state.bucket,
            Key: state.key,
            UploadId: state.uploadId,
            MaxParts: PAGE,
            ...(marker !== undefined ? { PartNumberMarker: marker } : {}),
          }),
          { abortSignal: signal },
        ),
      REQUEST_ATTEMPTS,
      signal,
      { operation: 'ListParts', bucket: state.bucket, key: state.key },
    ).catch((err: unknown) => {
      if (s3CodeOf(err) === 'NoSuchUpload') {
        throw new S3RequestError(
          'ERR_S3ENC_RESUME_UPLOAD_GONE',
          `the multipart upload ${state.uploadId} of s3://${state.bucket}/${state.key} no longer exists`,
          { cause: err },
        );
      }
      throw toS3Error(err, 'ListParts', {}, signal);
    });
    const parts = res.Parts ?? [];
    if (parts.length > PAGE) throw mismatch('a page listed more parts than asked');
    let highest = marker === undefined ? 0 : Number(marker);
    for (const p of parts) {
      const n = p.PartNumber;
      if (n === undefined || !Number.isSafeInteger(n) || n < 1 || n > state.partCount)
        throw mismatch(`S3 lists part number ${String(n)}, outside 1..${state.partCount}`);
      if (byNumber.has(n)) throw mismatch(`S3 lists part ${n} twice`);
      byNumber.set(n, p);
      highest = Math.max(highest, n);
    }
    if (res.IsTruncated !== true) return byNumber;
    const next = res.NextPartNumberMarker;
    // Each page must move past the last: a marker that does not advance would loop forever.
    if (
      next === undefined ||
      !/^\d{1,5}$/.test(next) ||
      Number(next) <= (marker === undefined ? 0 : Number(marker)) ||
      parts.length === 0
    ) {
      throw new S3RequestError(
        'ERR_S3ENC_BAD_RESPONSE',
        'ListParts returned a page that does not advance',
      );
    }
    marker = String(Math.max(Number(next), highest));
  }
}

/**
 * Checks that every part the state lists is stored as the state says.
 * @throws S3RequestError ERR_S3ENC_RESUME_STATE_MISMATCH.
 */
export function checkStoredParts(
  state: ResumeState,
  stored: ReadonlyMap<number, Part>,
  algorithm: ChecksumAlgorithm,
): void {
  for (const p of state.parts) {
    const s = stored.get(p.partNumber);
    if (s === undefined) throw mismatch(`part ${p.partNumber} is not stored`);
    if (s.Size !== p.size)
      throw mismatch(`part ${p.partNumber} holds ${String(s.Size)} bytes, not ${p.size}`);
    if (typeof s.ETag !== 'string' || unquoted(s.ETag) !== unquoted(p.etag))
      throw mismatch(`part ${p.partNumber} has another ETag`);
    const checksum = s[CHECKSUM_FIELD[algorithm]];
    if (typeof checksum === 'string' && checksum !== '' && checksum !== p.checksum)
      throw mismatch(`part ${p.partNumber} has another checksum`);
  }
}
