/**
 * Keeps a resumable put's state file in step with the upload: written when the upload is
 * created (before any part), rewritten after each stored part (writes serialised, each one the
 * latest state), removed when the upload settles (completed or aborted).
 * @internal
 */
import { AbortError, S3EncError } from '@s3enc/core';
import type { MultipartResume } from '../multipart.js';
import type { PartResult } from '../part-worker.js';
import type { PlannedPart, ResumeState, StoredPart } from './resume-state.js';
import { deleteStateFile, writeStateFile } from './state-file.js';

/** Errors after which a kept upload could still be continued by a later run. */
function resumableAfter(err: unknown): boolean {
  if (err instanceof AbortError) return true;
  if (!(err instanceof S3EncError)) return true;
  // A state file that cannot be written names no upload a later run could find; a file that
  // changed under the put would be refused by the next run anyway.
  return ![
    'ERR_S3ENC_RESUME_STATE_WRITE',
    'ERR_S3ENC_SIZE_MISMATCH',
    'ERR_S3ENC_TOO_MANY_PARTS',
  ].includes(err.code);
}

export class StateJournal implements MultipartResume {
  readonly uploadId: string | undefined;
  readonly done: readonly PartResult[];
  readonly statePath: string;
  #state: ResumeState;
  readonly #plan: readonly PlannedPart[];
  #writes: Promise<void> = Promise.resolve();
  #failure: unknown;

  /**
   * @param state the state to start from (a fresh put: no upload id yet, no parts).
   * @param done the parts of `state` that S3 holds, as part results (a resumed put).
   */
  constructor(
    statePath: string,
    state: ResumeState,
    plan: readonly PlannedPart[],
    done: readonly PartResult[],
    continuing: boolean,
  ) {
    this.statePath = statePath;
    this.#state = state;
    this.#plan = plan;
    this.done = done;
    this.uploadId = continuing ? state.uploadId : undefined;
  }

  async created(uploadId: string): Promise<void> {
    this.#state = { ...this.#state, uploadId, createdAt: new Date().toISOString() };
    this.#queue();
    await this.flush();
  }

  /** Records a stored part (the write happens in the background; `flush` waits for it). */
  onPart(r: PartResult): void {
    const n = r.part.PartNumber!;
    const plan = this.#plan[n - 1]!;
    const stored: StoredPart = {
      partNumber: n,
      etag: r.part.ETag ?? '',
      checksum: Buffer.from(r.digest.digest).toString('base64'),
      size: r.digest.size,
      plaintextOffset: plan.plaintextOffset,
      plaintextLength: plan.plaintextLength,
      firstFrame: plan.firstFrame,
      frames: plan.frames,
    };
    const parts = this.#state.parts.filter((p) => p.partNumber !== n);
    parts.push(stored);
    parts.sort((a, b) => a.partNumber - b.partNumber);
    this.#state = { ...this.#state, parts };
    this.#queue();
  }

  #queue(): void {
    const snapshot = this.#state;
    this.#writes = this.#writes.then(async () => {
      if (this.#failure !== undefined) return;
      try {
        await writeStateFile(this.statePath, snapshot);
      } catch (e) {
        this.#failure = e;
      }
    });
  }

  /** @throws S3EncError ERR_S3ENC_RESUME_STATE_WRITE when a write failed. */
  async flush(): Promise<void> {
    await this.#writes;
    if (this.#failure !== undefined) {
      throw this.#failure instanceof S3EncError
        ? this.#failure
        : new S3EncError('ERR_S3ENC_RESUME_STATE_WRITE', 'cannot write the resume state', {
            cause: this.#failure,
          });
    }
  }

  async finished(): Promise<void> {
    await this.#writes;
    await deleteStateFile(this.statePath);
  }

  async keep(err: unknown): Promise<boolean> {
    await this.#writes;
    return this.#failure === undefined && resumableAfter(err);
  }
}
