/**
 * The formats the engine reads, in the order they are asked. To add a format: implement
 * `ObjectFormat` (object-format.ts) in its own folder and add it here. Formats recognised by
 * metadata (the S3 Encryption Client's `x-amz-key-v2`, `x-amz-3`, …) go before formats
 * recognised by their first bytes, so an object is claimed by the cheapest sure sign.
 * @internal
 */
import { awsEncryptionSdkFormat } from './aws-encryption-sdk/index.js';
import type { ObjectFormat } from './object-format.js';
import { s3ecInstructionFileFormat, s3ecMetadataFormat } from './s3ec/index.js';

/**
 * S3EC metadata first (a sure sign, no extra request), then the AWS Encryption SDK's bytes,
 * then the S3EC instruction file lookup (one extra GET, only for objects nothing claimed).
 */
export const OBJECT_FORMATS: readonly ObjectFormat[] = Object.freeze([
  s3ecMetadataFormat,
  awsEncryptionSdkFormat,
  s3ecInstructionFileFormat,
]);
