/**
 * The resume state of one put (docs/transfer.md, "Resuming a put"): what a later run needs to
 * continue the multipart upload, and nothing secret — the upload id, the parts stored (number,
 * ETag, checksum, ciphertext size, plaintext and frame ranges), the plan (frame length, frames
 * per part), the file's identity (path, size, modification time) and the public header (its
 * encrypted data keys are how the data key is unwrapped again). Parsing treats the file as
 * untrusted input: every field is type- and range-checked, and the parts must fit the plan.
 * @internal
 */
import {
  FRAME_OVERHEAD,
  FINAL_FRAME_OVERHEAD,
  InvalidArgumentError,
  MAX_HEADER_BYTES,
  type ChecksumAlgorithm,
  type ChecksumType,
} from '@s3enc/core';
import { MAX_PARTS } from '../../../context.js';

/** The `kind` field of every state file, and the version this code writes. */
export const RESUME_STATE_KIND = 's3enc-put-resume-state';
export const RESUME_STATE_VERSION = 1;

/** One stored part, as the state file records it. */
export interface StoredPart {
  readonly partNumber: number;
  /** The ETag S3 returned for UploadPart (quotes kept). */
  readonly etag: string;
  /** The part's checksum (algorithm of the state), base64, as sent. */
  readonly checksum: string;
  /** Ciphertext bytes in the part (the header included in part 1). */
  readonly size: number;
  readonly plaintextOffset: number;
  readonly plaintextLength: number;
  /** Sequence number of the part's first frame (1-based), and its frame count. */
  readonly firstFrame: number;
  readonly frames: number;
}

/** The whole state file. */
export interface ResumeState {
  readonly kind: typeof RESUME_STATE_KIND;
  readonly version: typeof RESUME_STATE_VERSION;
  readonly bucket: string;
  readonly key: string;
  readonly uploadId: string;
  /** When the upload was created (ISO 8601). */
  readonly createdAt: string;
  readonly source: { readonly path: string; readonly size: number; readonly mtimeMs: number };
  readonly frameLength: number;
  readonly headerLength: number;
  readonly framesPerPart: number;
  readonly partCount: number;
  readonly checksumAlgorithm: ChecksumAlgorithm;
  readonly checksumType: ChecksumType;
  /** The message header, base64 (public: encrypted data keys, context, message id). */
  readonly header: string;
  /** Parts stored so far, in part-number order. */
  readonly parts: readonly StoredPart[];
}

/** One planned part of a file: where its plaintext and frames are. */
export interface PlannedPart {
  readonly partNumber: number;
  readonly plaintextOffset: number;
  readonly plaintextLength: number;
  readonly firstFrame: number;
  readonly frames: number;
  readonly final: boolean;
  /** Ciphertext bytes the part holds. */
  readonly size: number;
}

/**
 * The parts of a file of `size` bytes cut into pieces of `framesPerPart` frames, as the upload
 * engine cuts it (sources.ts: whole pieces, then a last piece of 0..piece−1 bytes).
 */
export function planFileParts(o: {
  size: number;
  frameLength: number;
  headerLength: number;
  framesPerPart: number;
}): PlannedPart[] {
  const F = o.frameLength;
  const piece = o.framesPerPart * F;
  const count = Math.floor(o.size / piece) + 1;
  const parts: PlannedPart[] = [];
  for (let i = 0; i < count; i++) {
    const final = i === count - 1;
    const plaintextLength = final ? o.size - i * piece : piece;
    const full = Math.floor(plaintextLength / F);
    const body = final
      ? full * (F + FRAME_OVERHEAD) + (plaintextLength - full * F) + FINAL_FRAME_OVERHEAD
      : o.framesPerPart * (F + FRAME_OVERHEAD);
    parts.push({
      partNumber: i + 1,
      plaintextOffset: i * piece,
      plaintextLength,
      firstFrame: i * o.framesPerPart + 1,
      frames: final ? full + 1 : o.framesPerPart,
      final,
      size: (i === 0 ? o.headerLength : 0) + body,
    });
  }
  return parts;
}

const CHECKSUM_ALGORITHMS: readonly string[] = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'];
const CHECKSUM_TYPES: readonly string[] = ['FULL_OBJECT', 'COMPOSITE'];

function invalid(why: string): InvalidArgumentError {
  return new InvalidArgumentError(`the resume state file is not usable: ${why}`, {
    code: 'ERR_S3ENC_RESUME_STATE_INVALID',
  });
}

function str(o: Record<string, unknown>, k: string, max: number): string {
  const v = o[k];
  if (typeof v !== 'string' || v.length === 0 || v.length > max) throw invalid(`bad ${k}`);
  return v;
}

function int(o: Record<string, unknown>, k: string, min: number, max: number): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max)
    throw invalid(`bad ${k}`);
  return v;
}

function obj(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid(`bad ${what}`);
  return v as Record<string, unknown>;
}

/**
 * Parses and checks a state file's text: types, ranges, and that every part is the planned
 * part of its number (so a tampered range or size is refused before any request).
 * @throws InvalidArgumentError ERR_S3ENC_RESUME_STATE_INVALID.
 */
export function parseResumeState(text: string): ResumeState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw invalid('not JSON');
  }
  const o = obj(raw, 'document');
  if (o.kind !== RESUME_STATE_KIND) throw invalid('not an s3enc resume state');
  if (o.version !== RESUME_STATE_VERSION) throw invalid(`unknown version ${String(o.version)}`);
  const src = obj(o.source, 'source');
  const mtimeMs = src.mtimeMs;
  if (typeof mtimeMs !== 'number' || !Number.isFinite(mtimeMs)) throw invalid('bad source.mtimeMs');
  const checksumAlgorithm = o.checksumAlgorithm;
  const checksumType = o.checksumType;
  if (typeof checksumAlgorithm !== 'string' || !CHECKSUM_ALGORITHMS.includes(checksumAlgorithm))
    throw invalid('bad checksumAlgorithm');
  if (typeof checksumType !== 'string' || !CHECKSUM_TYPES.includes(checksumType))
    throw invalid('bad checksumType');
  const header = str(o, 'header', Math.ceil(MAX_HEADER_BYTES / 3) * 4);
  const headerLength = int(o, 'headerLength', 1, MAX_HEADER_BYTES);
  if (Buffer.from(header, 'base64').length !== headerLength) throw invalid('bad header');
  const state = {
    kind: RESUME_STATE_KIND,
    version: RESUME_STATE_VERSION,
    bucket: str(o, 'bucket', 255),
    key: str(o, 'key', 1024),
    uploadId: str(o, 'uploadId', 1024),
    createdAt: str(o, 'createdAt', 64),
    source: {
      path: str(src, 'path', 4096),
      size: int(src, 'size', 1, Number.MAX_SAFE_INTEGER),
      mtimeMs,
    },
    frameLength: int(o, 'frameLength', 1, 2 ** 31),
    headerLength,
    framesPerPart: int(o, 'framesPerPart', 1, 2 ** 31),
    partCount: int(o, 'partCount', 2, MAX_PARTS),
    checksumAlgorithm: checksumAlgorithm as ChecksumAlgorithm,
    checksumType: checksumType as ChecksumType,
    header,
    parts: [] as StoredPart[],
  } satisfies ResumeState;
  const plan = planFileParts({ ...state, size: state.source.size });
  if (plan.length !== state.partCount) throw invalid('partCount does not fit the plan');
  if (!Array.isArray(o.parts) || o.parts.length > state.partCount) throw invalid('bad parts');
  let last = 0;
  for (const item of o.parts as unknown[]) {
    const p = obj(item, 'part');
    const part: StoredPart = {
      partNumber: int(p, 'partNumber', 1, state.partCount),
      etag: str(p, 'etag', 1024),
      checksum: str(p, 'checksum', 128),
      size: int(p, 'size', 1, Number.MAX_SAFE_INTEGER),
      plaintextOffset: int(p, 'plaintextOffset', 0, Number.MAX_SAFE_INTEGER),
      plaintextLength: int(p, 'plaintextLength', 0, Number.MAX_SAFE_INTEGER),
      firstFrame: int(p, 'firstFrame', 1, 2 ** 32),
      frames: int(p, 'frames', 1, 2 ** 32),
    };
    if (part.partNumber <= last) throw invalid('parts out of order or repeated');
    last = part.partNumber;
    const want = plan[part.partNumber - 1]!;
    if (
      part.size !== want.size ||
      part.plaintextOffset !== want.plaintextOffset ||
      part.plaintextLength !== want.plaintextLength ||
      part.firstFrame !== want.firstFrame ||
      part.frames !== want.frames
    )
      throw invalid(`part ${part.partNumber} does not fit the plan`);
    state.parts.push(part);
  }
  return state;
}

/** The state file's text (stable field order, one part per line for people who read it). */
export function serializeResumeState(s: ResumeState): string {
  const { parts, ...rest } = s;
  const head = JSON.stringify(rest, null, 2).replace(/\n}$/, '');
  const lines = parts.map((p) => `    ${JSON.stringify(p)}`);
  return `${head},\n  "parts": [${lines.length === 0 ? '' : `\n${lines.join(',\n')}\n  `}]\n}\n`;
}
