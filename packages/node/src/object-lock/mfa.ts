/**
 * MFA tokens for MFA Delete: S3 expects the `x-amz-mfa` header as
 * `"<device serial number> <current code>"` on version deletes and versioning changes.
 */
import { argError } from './errors.js';

/** An MFA device and its current code. */
export interface MfaToken {
  /** The device serial: a virtual device ARN (`arn:aws:iam::123456789012:mfa/name`) or a hardware serial. */
  serialNumber: string;
  /** The code shown by the device now (6 to 8 digits). */
  tokenCode: string;
}

/**
 * The `x-amz-mfa` header value (the AWS SDK's `MFA` parameter) for a token.
 *
 * @returns `"<serialNumber> <tokenCode>"`.
 * @throws InvalidArgumentError `ERR_S3ENC_MFA_INVALID` when the serial is empty or contains
 *   whitespace or control characters, or the code is not 6 to 8 digits. The message never
 *   repeats the code.
 */
export function mfaHeaderValue(mfa: MfaToken): string {
  if (mfa === null || typeof mfa !== 'object') {
    throw argError('ERR_S3ENC_MFA_INVALID', 'mfa must be { serialNumber, tokenCode }');
  }
  const { serialNumber, tokenCode } = mfa;
  if (typeof serialNumber !== 'string' || !/^[\x21-\x7e]+$/.test(serialNumber)) {
    throw argError(
      'ERR_S3ENC_MFA_INVALID',
      'mfa.serialNumber must be the MFA device serial or ARN (printable ASCII, no spaces)',
    );
  }
  if (typeof tokenCode !== 'string' || !/^[0-9]{6,8}$/.test(tokenCode)) {
    throw argError(
      'ERR_S3ENC_MFA_INVALID',
      'mfa.tokenCode must be the 6 to 8 digit code shown by the device, as a string',
    );
  }
  return `${serialNumber} ${tokenCode}`;
}
