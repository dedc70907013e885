/**
 * A worker's side of getToFile: for each range index it is given, fetch the range over its own
 * connections (the one bounded ranged GET every read uses, pinned to the version and ETag),
 * authenticate every frame of it with the handed-off frame key (openRange: final frame
 * required at the end, only the last frame final), and only then write the plaintext at its
 * offset through its own handle on the private temporary file. @internal
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import type { FrameKeySession } from '@s3enc/core';
import { writeAllAt } from '../download/file-write.js';
import { rangedGet, type RangeTarget } from '../download/ranged-get.js';
import { framePlan, openRange } from '../formats/aws-encryption-sdk/ranged-read.js';
import type { GetJobSpec } from './messages.js';

/** A worker's get state. */
export interface GetRunner {
  /** @returns the plaintext bytes written. */
  run(index: number): Promise<number>;
  close(): Promise<void>;
}

/** Opens the temporary file for positional writes. */
export async function openGetRunner(
  job: GetJobSpec,
  frames: FrameKeySession,
  s3: S3Client,
  signal: AbortSignal,
): Promise<GetRunner> {
  const fh: FileHandle = await open(job.tmpPath, 'r+');
  // The workers fetch every range themselves (none preloaded with the header).
  const plan = framePlan(job.layout, job.range, job.chunkSize, 0);
  const target: RangeTarget = {
    s3,
    bucket: job.bucket,
    key: job.key,
    pin: job.pin,
    ssec: job.ssec,
  };
  return {
    async run(index) {
      const stored = plan.rangeAt(index);
      const { chunks } = await rangedGet(target, stored.start, stored.end, signal);
      // Throws before returning anything unless every frame's tag verified.
      const pieces = openRange(frames, job.layout, job.range, plan.framesAt(index), chunks);
      const data = pieces.map((p) => p.data);
      try {
        if (pieces.length > 0) await writeAllAt(fh, data, pieces[0]!.offset - job.range.start);
      } finally {
        for (const b of data) b.fill(0);
      }
      return data.reduce((n, b) => n + b.length, 0);
    },
    async close() {
      await fh.close();
    },
  };
}
