/** The S3 request fields of each checksum algorithm, and the echo check. @internal */
import { IntegrityError, type ChecksumAlgorithm } from '@s3enc/core';

export const CHECKSUM_FIELD: Record<
  ChecksumAlgorithm,
  'ChecksumCRC32' | 'ChecksumCRC32C' | 'ChecksumCRC64NVME' | 'ChecksumSHA1' | 'ChecksumSHA256'
> = {
  CRC32: 'ChecksumCRC32',
  CRC32C: 'ChecksumCRC32C',
  CRC64NVME: 'ChecksumCRC64NVME',
  SHA1: 'ChecksumSHA1',
  SHA256: 'ChecksumSHA256',
};

/** If S3 echoes a checksum of the same algorithm, it must be ours. @throws IntegrityError */
export function checkEcho(res: object, algorithm: ChecksumAlgorithm, expected: string): void {
  const got = (res as Record<string, unknown>)[CHECKSUM_FIELD[algorithm]];
  if (typeof got === 'string' && got !== '' && got !== expected) {
    throw new IntegrityError(
      'ERR_S3ENC_CHECKSUM_MISMATCH',
      'S3 reported a different checksum than the one sent',
    );
  }
}
