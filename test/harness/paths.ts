// Where the bootstrap script put the pinned server binaries.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export function readVersions(): Record<string, string> {
  const text = readFileSync(join(repoRoot, 'scripts', 'versions.env'), 'utf8');
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

export function cacheDir(): string {
  return process.env.S3ENC_CACHE_DIR || join(homedir(), '.cache', 's3enc');
}

function binary(envVar: string, name: string, versionKey: string): string {
  const fromEnv = process.env[envVar];
  if (fromEnv) return fromEnv;
  const version = readVersions()[versionKey];
  if (!version) throw new Error(`scripts/versions.env lacks ${versionKey}`);
  const p = join(cacheDir(), 'servers', `${name}-${version}`, name);
  if (!existsSync(p)) {
    throw new Error(
      `${name} binary not found at ${p}. Run ./scripts/bootstrap.sh first (it builds the pinned ` +
        `servers with Go), set ${envVar} to a binary, or point the tests at existing servers ` +
        `with the S3ENC_TEST_* variables (docs/testing.md).`,
    );
  }
  return p;
}

export const minioBinary = () => binary('S3ENC_MINIO_BIN', 'minio', 'MINIO_VERSION');
export const localKmsBinary = () => binary('S3ENC_LOCAL_KMS_BIN', 'local-kms', 'LOCAL_KMS_VERSION');
