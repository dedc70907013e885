/**
 * The file side of a resumed put: whether the file is still the one the state describes, and
 * its plaintext pieces for the parts still to upload (read positionally, only those parts).
 * @internal
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import {
  AbortError,
  InvalidArgumentError,
  createChecksum,
  type EncryptionSession,
} from '@s3enc/core';
import type { SourcePiece } from '../sources.js';
import type { PlannedPart, ResumeState } from './resume-state.js';

function changed(path: string, why: string): InvalidArgumentError {
  return new InvalidArgumentError(
    `${path} changed since the interrupted put (${why}); start over (restartIfStale / --resume-restart)`,
    { code: 'ERR_S3ENC_RESUME_SOURCE_CHANGED' },
  );
}

/** Size and modification time of a regular file. */
export async function fileIdentity(path: string): Promise<{ size: number; mtimeMs: number }> {
  const st = await stat(path);
  if (!st.isFile())
    throw new InvalidArgumentError('source path is not a regular file', {
      code: 'ERR_S3ENC_INVALID_SOURCE',
    });
  return { size: st.size, mtimeMs: st.mtimeMs };
}

/**
 * Refuses a file whose size or modification time differ from the state's (no request made).
 * @throws InvalidArgumentError ERR_S3ENC_RESUME_SOURCE_CHANGED.
 */
export async function checkFileIdentity(state: ResumeState): Promise<void> {
  const now = await fileIdentity(state.source.path);
  if (now.size !== state.source.size)
    throw changed(state.source.path, `${now.size} bytes, not ${state.source.size}`);
  if (now.mtimeMs !== state.source.mtimeMs)
    throw changed(state.source.path, 'another modification time');
}

async function readPart(fh: FileHandle, part: PlannedPart, into: Buffer): Promise<Buffer> {
  const buf = into.subarray(0, part.plaintextLength);
  let got = 0;
  while (got < buf.length) {
    const { bytesRead } = await fh.read(buf, got, buf.length - got, part.plaintextOffset + got);
    if (bytesRead === 0)
      throw new InvalidArgumentError('the file is shorter than when it was measured', {
        code: 'ERR_S3ENC_SIZE_MISMATCH',
      });
    got += bytesRead;
  }
  return buf;
}

/**
 * Re-seals the first and the last stored part from the file and compares their checksums with
 * the state's: the content check behind the size and time check, without keeping any hash of
 * the plaintext in the state file (the checksums are of ciphertext S3 already holds).
 * @throws InvalidArgumentError ERR_S3ENC_RESUME_SOURCE_CHANGED.
 */
export async function checkStoredContent(
  state: ResumeState,
  plan: readonly PlannedPart[],
  session: EncryptionSession,
): Promise<void> {
  const picked = [state.parts[0], state.parts[state.parts.length - 1]].filter(
    (p, i, all) => p !== undefined && all.indexOf(p) === i,
  );
  if (picked.length === 0) return;
  const fh = await open(state.source.path, 'r');
  const plain = Buffer.allocUnsafe(state.framesPerPart * state.frameLength);
  try {
    for (const stored of picked) {
      const part = plan[stored!.partNumber - 1]!;
      const data = await readPart(fh, part, plain);
      const sealed = session.sealFrames(part.firstFrame, data, part.final);
      const body = part.partNumber === 1 ? Buffer.concat([session.header, sealed]) : sealed;
      const sum = createChecksum(state.checksumAlgorithm).update(body).digest().toString('base64');
      if (sum !== stored!.checksum)
        throw changed(state.source.path, `the bytes of part ${part.partNumber} differ`);
    }
  } finally {
    plain.fill(0);
    await fh.close();
  }
}

/**
 * Yields the pieces of `parts` (in order) from the file, as the part workers expect them: a
 * piece's `index` is its part number − 1. Two buffers alternate, as in sources.ts: a piece stays
 * valid until the generator is resumed twice more. Buffers are wiped when it ends.
 */
export async function* filePieces(
  path: string,
  parts: readonly PlannedPart[],
  pieceSize: number,
  signal: AbortSignal,
): AsyncGenerator<SourcePiece, void, undefined> {
  if (parts.length === 0) return;
  const fh = await open(path, 'r');
  const ring = [Buffer.allocUnsafe(pieceSize), Buffer.allocUnsafe(pieceSize)];
  try {
    let n = 0;
    for (const part of parts) {
      if (signal.aborted) throw new AbortError('The upload was aborted', { cause: signal.reason });
      const data = await readPart(fh, part, ring[n++ % 2]!);
      yield {
        index: part.partNumber - 1,
        offset: part.plaintextOffset,
        data,
        last: part.final,
      };
    }
  } finally {
    for (const b of ring) b.fill(0);
    await fh.close();
  }
}
