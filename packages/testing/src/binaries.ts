// Where the pinned server binaries are: S3ENC_MINIO_BIN / S3ENC_LOCAL_KMS_BIN, else the cache
// folder scripts/bootstrap.sh builds into.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_KMS_VERSION, MINIO_VERSION, SERVERS_BUILD } from './versions.js';

/** `$S3ENC_CACHE_DIR`, default `~/.cache/s3enc`. */
export function cacheDir(): string {
  return process.env.S3ENC_CACHE_DIR || join(homedir(), '.cache', 's3enc');
}

function binary(envVar: string, name: string, version: string): string {
  const fromEnv = process.env[envVar];
  if (fromEnv) return fromEnv;
  const p = join(cacheDir(), 'servers', `${name}-${version}-${SERVERS_BUILD}`, name);
  if (!existsSync(p)) {
    throw new Error(
      `${name} binary not found at ${p}. Run the s3enc bootstrap (scripts/bootstrap.sh builds the ` +
        `pinned servers with Go), set ${envVar} to a binary, use container images ` +
        `(S3ENC_TEST_MINIO_IMAGE / S3ENC_TEST_LOCAL_KMS_IMAGE), or point the tests at existing ` +
        `servers with the S3ENC_TEST_* variables (docs/testing.md).`,
    );
  }
  return p;
}

/** Path of the MinIO binary (static build, also used for the FROM scratch image). */
export const minioBinary = (): string => binary('S3ENC_MINIO_BIN', 'minio', MINIO_VERSION);
/** Path of the patched local-kms binary. */
export const localKmsBinary = (): string =>
  binary('S3ENC_LOCAL_KMS_BIN', 'local-kms', LOCAL_KMS_VERSION);
