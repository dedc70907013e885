/**
 * Reads back a rewrapped version before its source version may be deleted
 * (`deleteSourceVersionAfterVerify`): the stored size and header must be exactly what was
 * written, the data key must unwrap from the new header with a key the caller holds (the added
 * keys first, then the decrypt keys), the header tag must verify with it, and the first frame,
 * the final frame and the frames on both sides of every part boundary must authenticate. That
 * proves the new header belongs to the copied body and every part sits at its offset, for a few
 * frames of download (O(parts × frame length)), without reading the body. @internal
 */
import {
  FRAME_OVERHEAD,
  FINAL_FRAME_OVERHEAD,
  IntegrityError,
  beginDecryption,
  frameCounts,
  plaintextSize,
  type DecryptionSession,
  type Keyring,
} from '@s3enc/core';
import { joinChunks, rangedGet, type RangeTarget } from '../transfer/download/ranged-get.js';

/** What {@link verifyRewrapped} checks. */
export interface VerifyJob {
  readonly target: RangeTarget;
  /** The header that was written. */
  readonly header: Buffer;
  /** The size of the new version, as written. */
  readonly storedSize: number;
  /** Offsets in the new version where parts 2, 3, … begin. */
  readonly partStarts: readonly number[];
  /** Unwraps the data key from the new header. */
  readonly keyring: Keyring;
  readonly maxEncryptedDataKeys: number;
  readonly signal: AbortSignal | undefined;
}

function failed(what: string, cause?: unknown): IntegrityError {
  return new IntegrityError(
    'ERR_S3ENC_REWRAP_VERIFY_FAILED',
    `The rewrapped version did not verify (${what})`,
    cause === undefined ? undefined : { cause },
  );
}

/** Consecutive runs of frame numbers: [first, last] each. */
function runsOf(seqs: ReadonlySet<number>): [number, number][] {
  const sorted = [...seqs].sort((a, b) => a - b);
  const runs: [number, number][] = [];
  for (const s of sorted) {
    const last = runs.at(-1);
    if (last !== undefined && s === last[1] + 1) last[1] = s;
    else runs.push([s, s]);
  }
  return runs;
}

/**
 * Verifies the new version; see the file comment.
 * @returns the bytes downloaded.
 * @throws IntegrityError ERR_S3ENC_REWRAP_VERIFY_FAILED (what differs or failed to
 *   authenticate; no key given unwraps the new header); S3 errors of the reads; AbortError.
 */
export async function verifyRewrapped(job: VerifyJob): Promise<number> {
  const H = job.header.length;
  const first = await rangedGet(job.target, 0, H, job.signal, false);
  let downloaded = first.length;
  if (first.total !== job.storedSize)
    throw failed(`its size is ${first.total}, ${job.storedSize} was written`);
  const stored = joinChunks(first.chunks, first.length);
  if (!stored.equals(job.header)) throw failed('its header differs from the one written');

  let session: DecryptionSession;
  try {
    session = await beginDecryption({
      keyring: job.keyring,
      header: stored,
      maxEncryptedDataKeys: job.maxEncryptedDataKeys,
    });
  } catch (cause) {
    throw failed('no key given unwraps its data key, or its header tag does not verify', cause);
  }
  try {
    const F = session.frameLength;
    const stride = F + FRAME_OVERHEAD;
    let n: number;
    let finalLength: number;
    try {
      const P = plaintextSize(job.storedSize, F, H, { source: 's3-object' });
      ({ regularFrames: n, finalLength } = frameCounts({
        frameLength: F,
        headerLength: H,
        plaintextSize: P,
        ciphertextSize: job.storedSize,
        ciphertextSizeSource: 's3-object',
      }));
    } catch (cause) {
      throw failed('its size does not fit its frame length', cause);
    }
    const finalSeq = n + 1;
    const seqAt = (offset: number): number =>
      offset < H ? 1 : Math.min(Math.floor((offset - H) / stride) + 1, finalSeq);
    const seqs = new Set<number>([1, finalSeq]);
    for (const p of job.partStarts) {
      seqs.add(seqAt(p - 1));
      seqs.add(seqAt(p));
    }
    for (const [a, b] of runsOf(seqs)) {
      const start = H + (a - 1) * stride;
      const end =
        b === finalSeq ? H + n * stride + finalLength + FINAL_FRAME_OVERHEAD : H + b * stride;
      const r = await rangedGet(job.target, start, end, job.signal);
      downloaded += r.length;
      try {
        const opened = session.openFrameChunks(a, r.chunks);
        for (const p of opened.plaintext) p.fill(0);
        if (opened.frames !== b - a + 1 || opened.final !== (b === finalSeq))
          throw failed(`frames ${a}..${b} are not where they belong`);
      } catch (cause) {
        if (cause instanceof IntegrityError && cause.code === 'ERR_S3ENC_REWRAP_VERIFY_FAILED')
          throw cause;
        throw failed(`frames ${a}..${b} do not authenticate`, cause);
      }
    }
  } finally {
    session.destroy();
  }
  return downloaded;
}
