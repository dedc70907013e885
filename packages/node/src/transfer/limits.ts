/**
 * Bounds the transfer engine applies to what servers claim (DESIGN.md "Download": sizes and
 * lengths are bounded before anything is planned or allocated).
 * TODO(limits): these mirror docs/FORMAT.md's Limits table; move them to core's limits.ts
 * (`MAX_OBJECT_SIZE`, `MAX_HEADER_BYTES`, `MAX_ENCRYPTED_DATA_KEYS`) when it lands.
 */

/** S3's largest object: 5 TiB. TODO(limits): core `MAX_OBJECT_SIZE`. */
export const MAX_OBJECT_SIZE = 5 * 1024 ** 4;

/** Bytes from offset 0 that detection may fetch, at most. TODO(limits): core `MAX_HEADER_BYTES`. */
export const MAX_PROBE_BYTES = 1024 * 1024;

/** Tries per S3 request on top of the SDK's own (a body cut mid-read is not retried by the SDK). */
export const READ_ATTEMPTS = 4;
/** Tries of the header fetch and of single-request writes. */
export const REQUEST_ATTEMPTS = 3;
/** Tries of AbortMultipartUpload after a failed upload (each bounded in time). */
export const ABORT_ATTEMPTS = 4;
