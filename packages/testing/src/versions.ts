// The pinned server versions this kit starts. They must equal scripts/versions.env (checked by
// versions.test.ts), which the bootstrap builds from.

/** MinIO, Go module github.com/minio/minio (RELEASE.2025-10-15T17-29-55Z plus small fixes). */
export const MINIO_VERSION = 'v0.0.0-20260212201848-7aac2a2c5b7c';
/** local-kms, Go module github.com/nsmithuk/local-kms, with the loopback-by-default patch. */
export const LOCAL_KMS_VERSION = 'v0.0.0-20260228092603-2a5e92d09ab6';
/** Build flavour, part of the cache path and image tag (static = CGO_ENABLED=0). */
export const SERVERS_BUILD = 'static-1';
/**
 * The official MinIO image closest to {@link MINIO_VERSION}, for `S3ENC_TEST_MINIO_IMAGE=official`
 * where a registry is reachable. MinIO's community edition became source-only with the pinned
 * release (RELEASE.2025-10-15T17-29-55Z has no image) and Docker Hub's minio/minio is gone; its
 * last published image is this one on quay.io, one release older.
 */
export const OFFICIAL_MINIO_IMAGE = 'quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z';
