// The pinned server versions this kit starts. They must equal scripts/versions.env (checked by
// versions.test.ts), which the bootstrap builds from.

/** MinIO, Go module github.com/minio/minio (RELEASE.2025-10-15T17-29-55Z plus small fixes). */
export const MINIO_VERSION = 'v0.0.0-20260212201848-7aac2a2c5b7c';
/** local-kms, Go module github.com/nsmithuk/local-kms, with the loopback-by-default patch. */
export const LOCAL_KMS_VERSION = 'v0.0.0-20260228092603-2a5e92d09ab6';
/** Build flavour, part of the cache path and image tag (static = CGO_ENABLED=0). */
export const SERVERS_BUILD = 'static-1';
