/**
 * S3 answers a HEAD request for a missing object and for an object in a missing bucket alike:
 * 404 without a body, so without an error code. When a command failed that way, one HeadBucket
 * tells the two apart, so a missing bucket is reported as ERR_S3ENC_NO_SUCH_BUCKET in every
 * command. Only ever asked after a failure; its own failure changes nothing.
 */
import { errorLinks, httpStatusOf, nameOf } from './error-chain.js';
import { recordFacts, runFacts } from '../run-facts.js';

/** Whether `err` is a body-less 404 (`NotFound`), the answer that cannot tell bucket from key. */
function isBodyless404(err: unknown): boolean {
  const links = errorLinks(err);
  return httpStatusOf(links) === 404 && links.some((l) => nameOf(l) === 'NotFound');
}

/** Probes the bucket of the failed command once and records whether it is missing. */
export async function probeMissingBucket(err: unknown): Promise<void> {
  const f = runFacts();
  if (f.target === undefined || f.settings === undefined || !isBodyless404(err)) return;
  try {
    const { HeadBucketCommand } = await import('@aws-sdk/client-s3');
    const { makeS3Client } = await import('../clients.js');
    const s3 = makeS3Client(f.settings);
    try {
      await s3.send(new HeadBucketCommand({ Bucket: f.target.bucket }), {
        abortSignal: AbortSignal.timeout(10_000),
      });
    } catch (e) {
      if (httpStatusOf(errorLinks(e)) === 404) recordFacts({ bucketMissing: true });
    } finally {
      s3.destroy();
    }
  } catch {
    // The probe is a courtesy: the original report stands.
  }
}
