/**
 * Checksum helpers: compute what S3 reports for given bytes, a stream or a file, single-part
 * or multipart, full-object or composite; and verify a local file against the checksum that
 * GetObjectAttributes returns — without downloading the object. No S3 call is made here.
 *
 * S3 rules (as implemented): a single-part object's checksum covers the whole body. For a
 * multipart upload, CRC32/CRC32C may be COMPOSITE (`base64(crc(part digests))-N`) or
 * FULL_OBJECT (the CRC of the whole body, obtained here by CRC combination); CRC64NVME is
 * FULL_OBJECT only; SHA1/SHA256 are COMPOSITE only. Values are base64 of the big-endian
 * digest.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { InvalidArgumentError } from './errors.js';
import {
  combineCrcDigests,
  Crc32Engine,
  Crc64Nvme,
  crc32,
  crc32c,
  type CrcEngine,
} from './checksum-crc.js';

/** The checksum algorithms S3 accepts. */
export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';

/** How a multipart object's checksum is formed. */
export type ChecksumType = 'FULL_OBJECT' | 'COMPOSITE';

/** Every supported algorithm, in S3's spelling. */
export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = [
  'CRC32',
  'CRC32C',
  'CRC64NVME',
  'SHA1',
  'SHA256',
];

/** The default algorithm for uploads (CRC32C: native speed; see docs/transfer.md). */
export const DEFAULT_CHECKSUM_ALGORITHM: ChecksumAlgorithm = 'CRC32C';

/** A running checksum. `digest()` may be called once. */
export interface Checksum {
  update(data: Uint8Array): this;
  /** The raw big-endian digest. */
  digest(): Buffer;
}

/**
 * Throws InvalidArgumentError (`ERR_S3ENC_INVALID_CHECKSUM_ALGORITHM`) unless `a` is one of
 * {@link CHECKSUM_ALGORITHMS}.
 */
export function assertChecksumAlgorithm(a: unknown): asserts a is ChecksumAlgorithm {
  if (!CHECKSUM_ALGORITHMS.includes(a as ChecksumAlgorithm)) {
    throw new InvalidArgumentError(
      `checksum algorithm must be one of ${CHECKSUM_ALGORITHMS.join(', ')}`,
      {
        code: 'ERR_S3ENC_INVALID_CHECKSUM_ALGORITHM',
      },
    );
  }
}

class CrcChecksum implements Checksum {
  constructor(private readonly engine: CrcEngine) {}
  update(data: Uint8Array): this {
    this.engine.update(data);
    return this;
  }
  digest(): Buffer {
    return this.engine.digest();
  }
}

class HashChecksum implements Checksum {
  constructor(private readonly h: Hash) {}
  update(data: Uint8Array): this {
    this.h.update(data);
    return this;
  }
  digest(): Buffer {
    return this.h.digest();
  }
}

/**
 * A new running checksum.
 * @throws InvalidArgumentError for an unknown algorithm.
 */
export function createChecksum(algorithm: ChecksumAlgorithm): Checksum {
  assertChecksumAlgorithm(algorithm);
  switch (algorithm) {
    case 'CRC32':
      return new CrcChecksum(new Crc32Engine(crc32));
    case 'CRC32C':
      return new CrcChecksum(new Crc32Engine(crc32c));
    case 'CRC64NVME':
      return new CrcChecksum(new Crc64Nvme());
    case 'SHA1':
      return new HashChecksum(createHash('sha1'));
    case 'SHA256':
      return new HashChecksum(createHash('sha256'));
  }
}

/** The raw digest of `data` (or of several chunks, in order). */
export function checksumOf(
  algorithm: ChecksumAlgorithm,
  data: Uint8Array | readonly Uint8Array[],
): Buffer {
  const c = createChecksum(algorithm);
  if (data instanceof Uint8Array) c.update(data);
  else for (const d of data) c.update(d);
  return c.digest();
}

/** Whether S3 supports `type` for `algorithm` on a multipart upload. */
export function supportsChecksumType(algorithm: ChecksumAlgorithm, type: ChecksumType): boolean {
  if (type === 'FULL_OBJECT')
    return algorithm === 'CRC32' || algorithm === 'CRC32C' || algorithm === 'CRC64NVME';
  return algorithm !== 'CRC64NVME';
}

/** The multipart checksum type s3enc uses by default: FULL_OBJECT for CRCs, COMPOSITE for SHAs. */
export function defaultChecksumType(algorithm: ChecksumAlgorithm): ChecksumType {
  return algorithm === 'SHA1' || algorithm === 'SHA256' ? 'COMPOSITE' : 'FULL_OBJECT';
}

/** One part's checksum input: its raw digest and its size in bytes. */
export interface PartDigest {
  readonly digest: Uint8Array;
  readonly size: number;
}

/** What S3 reports for an object. */
export interface S3Checksum {
  readonly algorithm: ChecksumAlgorithm;
  readonly type: ChecksumType;
  /** As S3 prints it: base64, with `-N` for composite multipart checksums. */
  readonly value: string;
  /** Base64 per-part checksums (multipart only), in part order. */
  readonly parts?: readonly string[];
}

/**
 * Combines per-part digests into the object checksum S3 reports.
 *
 * @param o.multipart false for a single PutObject (then `parts` must hold exactly one entry).
 * @throws InvalidArgumentError when the type is not supported for the algorithm, or parts are
 *   empty (a multipart upload has at least one part).
 */
export function combinePartChecksums(
  algorithm: ChecksumAlgorithm,
  parts: readonly PartDigest[],
  o: { multipart: boolean; type?: ChecksumType | undefined },
): S3Checksum {
  assertChecksumAlgorithm(algorithm);
  if (parts.length === 0) throw new InvalidArgumentError('at least one part is required');
  if (!o.multipart) {
    if (parts.length !== 1)
      throw new InvalidArgumentError('a single-part object has exactly one part');
    return {
      algorithm,
      type: 'FULL_OBJECT',
      value: Buffer.from(parts[0]!.digest).toString('base64'),
    };
  }
  const type = o.type ?? defaultChecksumType(algorithm);
  if (!supportsChecksumType(algorithm, type)) {
    throw new InvalidArgumentError(`S3 does not support ${type} checksums for ${algorithm}`, {
      code: 'ERR_S3ENC_INVALID_CHECKSUM_TYPE',
    });
  }
  const b64parts = parts.map((p) => Buffer.from(p.digest).toString('base64'));
  if (type === 'COMPOSITE') {
    const c = createChecksum(algorithm);
    for (const p of parts) c.update(p.digest);
    return {
      algorithm,
      type,
      value: `${c.digest().toString('base64')}-${parts.length}`,
      parts: b64parts,
    };
  }
  const crcAlg = algorithm as 'CRC32' | 'CRC32C' | 'CRC64NVME';
  let acc: Buffer = Buffer.from(parts[0]!.digest);
  for (let i = 1; i < parts.length; i++)
    acc = combineCrcDigests(crcAlg, acc, parts[i]!.digest, parts[i]!.size);
  return { algorithm, type, value: acc.toString('base64'), parts: b64parts };
}

/** A byte source for {@link computeS3Checksum}. */
export type ChecksumSource =
  Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array> | { path: string };

/** Options of {@link computeS3Checksum}. */
export interface ComputeS3ChecksumOptions {
  algorithm: ChecksumAlgorithm;
  /**
   * The part plan: one size per part (the last may be shorter than announced; the remainder
   * goes to it), or a uniform `partSize`. Omit both for a single-part (PutObject) object.
   */
  partSizes?: readonly number[] | undefined;
  partSize?: number | undefined;
  /** Multipart checksum type; default {@link defaultChecksumType}. */
  type?: ChecksumType | undefined;
}

async function* chunksOf(source: ChecksumSource): AsyncGenerator<Uint8Array> {
  if (source instanceof Uint8Array) {
    yield source;
    return;
  }
  if (
    typeof source === 'object' &&
    source !== null &&
    'path' in source &&
    typeof source.path === 'string'
  ) {
    for await (const c of createReadStream(source.path, { highWaterMark: 1 << 20 }))
      yield c as Buffer;
    return;
  }
  yield* source as AsyncIterable<Uint8Array>;
}

/**
 * Computes the checksum S3 would report for the given bytes under the given part plan.
 *
 * @returns the object checksum (and part checksums for multipart).
 * @throws InvalidArgumentError for a bad algorithm/type/plan; file-system errors as thrown by
 *   `fs` for an unreadable path.
 */
export async function computeS3Checksum(
  source: ChecksumSource,
  o: ComputeS3ChecksumOptions,
): Promise<S3Checksum> {
  assertChecksumAlgorithm(o.algorithm);
  const multipart = o.partSizes !== undefined || o.partSize !== undefined;
  if (o.partSize !== undefined && (!Number.isSafeInteger(o.partSize) || o.partSize < 1)) {
    throw new InvalidArgumentError('partSize must be a positive integer');
  }
  const sizeOf = (i: number): number =>
    o.partSizes !== undefined
      ? (o.partSizes[i] ?? Number.POSITIVE_INFINITY)
      : (o.partSize ?? Number.POSITIVE_INFINITY);
  const parts: PartDigest[] = [];
  let cur = createChecksum(o.algorithm);
  let curSize = 0;
  let limit = sizeOf(0);
  const lastIndex = o.partSizes !== undefined ? o.partSizes.length - 1 : -1;
  for await (const chunk of chunksOf(source)) {
    let off = 0;
    while (off < chunk.length) {
      const isLast = parts.length === lastIndex;
      const room = isLast ? chunk.length - off : limit - curSize;
      const take = Math.min(room, chunk.length - off);
      cur.update(chunk.subarray(off, off + take));
      curSize += take;
      off += take;
      if (!isLast && curSize === limit && multipart) {
        parts.push({ digest: cur.digest(), size: curSize });
        cur = createChecksum(o.algorithm);
        curSize = 0;
        limit = sizeOf(parts.length);
      }
    }
  }
  if (curSize > 0 || parts.length === 0) parts.push({ digest: cur.digest(), size: curSize });
  return combinePartChecksums(o.algorithm, parts, { multipart, type: o.type });
}

/** The subset of a GetObjectAttributes response this module reads. */
export interface ObjectAttributesLike {
  Checksum?:
    | {
        ChecksumCRC32?: string | undefined;
        ChecksumCRC32C?: string | undefined;
        ChecksumCRC64NVME?: string | undefined;
        ChecksumSHA1?: string | undefined;
        ChecksumSHA256?: string | undefined;
        ChecksumType?: string | undefined;
      }
    | undefined;
  ObjectParts?:
    | {
        TotalPartsCount?: number | undefined;
        Parts?:
          readonly { PartNumber?: number | undefined; Size?: number | undefined }[] | undefined;
      }
    | undefined;
  ObjectSize?: number | undefined;
}

/** Outcome of {@link verifyFileChecksum}. */
export interface ChecksumVerification {
  readonly ok: boolean;
  readonly algorithm: ChecksumAlgorithm;
  readonly type: ChecksumType;
  readonly expected: string;
  readonly actual: string;
  /** Set when the object's size differs from the file's (then `ok` is false). */
  readonly sizeMismatch?: { expected: number; actual: number };
}

/**
 * Verifies a local file against an object's checksum as returned by GetObjectAttributes
 * (request `Checksum`, `ObjectParts` and `ObjectSize`; for composite checksums every part's
 * size must be listed). The checksum covers the bytes S3 stores — for an s3enc object that is
 * the ciphertext.
 *
 * @returns the comparison; never throws for a mismatch.
 * @throws InvalidArgumentError (`ERR_S3ENC_NO_CHECKSUM`) when the attributes carry no checksum,
 *   or (`ERR_S3ENC_INVALID_ARGUMENT`) when a composite checksum lacks its part sizes.
 */
export async function verifyFileChecksum(
  path: string,
  attributes: ObjectAttributesLike,
): Promise<ChecksumVerification> {
  const c = attributes.Checksum;
  const found = (
    [
      ['CRC64NVME', c?.ChecksumCRC64NVME],
      ['CRC32C', c?.ChecksumCRC32C],
      ['CRC32', c?.ChecksumCRC32],
      ['SHA256', c?.ChecksumSHA256],
      ['SHA1', c?.ChecksumSHA1],
    ] as const
  ).find(([, v]) => typeof v === 'string' && v !== '');
  if (found === undefined) {
    throw new InvalidArgumentError('the object has no checksum to verify against', {
      code: 'ERR_S3ENC_NO_CHECKSUM',
    });
  }
  const [algorithm, expected] = found as readonly [ChecksumAlgorithm, string];
  const { stat } = await import('node:fs/promises');
  const size = (await stat(path)).size;
  const composite = /-\d+$/.test(expected) || c?.ChecksumType === 'COMPOSITE';
  const type: ChecksumType = composite ? 'COMPOSITE' : 'FULL_OBJECT';
  if (attributes.ObjectSize !== undefined && attributes.ObjectSize !== size) {
    return {
      ok: false,
      algorithm,
      type,
      expected,
      actual: '',
      sizeMismatch: { expected: attributes.ObjectSize, actual: size },
    };
  }
  let actual: S3Checksum;
  if (!composite) {
    // A full-object CRC does not depend on the part plan.
    actual = await computeS3Checksum({ path }, { algorithm });
  } else {
    const total = attributes.ObjectParts?.TotalPartsCount ?? Number(expected.split('-').pop());
    const listed = [...(attributes.ObjectParts?.Parts ?? [])].sort(
      (a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0),
    );
    if (listed.length !== total || listed.some((p) => p.Size === undefined)) {
      throw new InvalidArgumentError(
        'a composite checksum needs every part size: request ObjectParts (paginate with PartNumberMarker) in GetObjectAttributes',
      );
    }
    actual = await computeS3Checksum(
      { path },
      { algorithm, partSizes: listed.map((p) => p.Size!), type: 'COMPOSITE' },
    );
  }
  // GetObjectAttributes reports composite checksums without the `-N` suffix (S3 and MinIO);
  // HeadObject/GetObject include it. Compare with the suffix only when both carry it.
  const ok = /-\d+$/.test(expected)
    ? actual.value === expected
    : actual.value.replace(/-\d+$/, '') === expected;
  return { ok, algorithm, type, expected, actual: actual.value };
}
