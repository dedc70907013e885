/**
 * The S3 user-metadata marker s3enc writes on every object: the format name and version,
 * nothing secret. Objects stay self-describing without it (the header says everything); the
 * marker lets `head` and `get` tell "encrypted by s3enc" from "someone else's bytes" quickly.
 */

/** `x-amz-meta-s3enc-format`. */
export const MARKER_FORMAT_KEY = 's3enc-format';
/** `x-amz-meta-s3enc-format-version`. */
export const MARKER_VERSION_KEY = 's3enc-format-version';
/** The format name: an AWS Encryption SDK message. */
export const MARKER_FORMAT = 'aws-encryption-sdk';
/** The message format version. */
export const MARKER_VERSION = '2';

/** The metadata to send on put. @internal */
export function markerMetadata(): Record<string, string> {
  return { [MARKER_FORMAT_KEY]: MARKER_FORMAT, [MARKER_VERSION_KEY]: MARKER_VERSION };
}

/** Whether S3 metadata carries our marker. @internal */
export function hasMarker(metadata: Record<string, string> | undefined): boolean {
  return metadata?.[MARKER_FORMAT_KEY] === MARKER_FORMAT;
}
