// The container images of the container runtime: an image reference given by the user (an
// official pinned image where a registry is reachable), or an image built locally FROM scratch
// with the static binary the bootstrap built — built once, then reused by its tag.
import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, open, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localKmsBinary, minioBinary } from './binaries.js';
import {
  LOCAL_KMS_VERSION,
  MINIO_VERSION,
  OFFICIAL_MINIO_IMAGE,
  SERVERS_BUILD,
} from './versions.js';

type Testcontainers = typeof import('testcontainers');

/** The two servers the container runtime starts. */
export type ServerName = 'minio' | 'local-kms';

/** Where the image of each server comes from (default: built locally from the binary). */
export interface ImageOptions {
  /** An image reference, or `official` for {@link OFFICIAL_MINIO_IMAGE}. Default:
   * S3ENC_TEST_MINIO_IMAGE. */
  minioImage?: string | undefined;
  /** e.g. `nsmithuk/local-kms:3.12.0`. Default: S3ENC_TEST_LOCAL_KMS_IMAGE. */
  localKmsImage?: string | undefined;
}

const SPECS = {
  minio: { envVar: 'S3ENC_TEST_MINIO_IMAGE', version: MINIO_VERSION, binary: minioBinary },
  'local-kms': {
    envVar: 'S3ENC_TEST_LOCAL_KMS_IMAGE',
    version: LOCAL_KMS_VERSION,
    binary: localKmsBinary,
  },
} as const;

/** True when the ELF file has no PT_INTERP program header (no dynamic loader needed). */
async function isStaticElf(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const h = Buffer.alloc(64);
    await fh.read(h, 0, 64, 0);
    if (h.readUInt32BE(0) !== 0x7f454c46 || h[4] !== 2 || h[5] !== 1) return true; // not ELF64 LE: let the engine judge
    const phoff = Number(h.readBigUInt64LE(32));
    const phentsize = h.readUInt16LE(54);
    const phnum = h.readUInt16LE(56);
    const table = Buffer.alloc(phentsize * phnum);
    await fh.read(table, 0, table.length, phoff);
    for (let i = 0; i < phnum; i++) if (table.readUInt32LE(i * phentsize) === 3) return false;
    return true;
  } finally {
    await fh.close();
  }
}

async function localTag(name: ServerName, binary: string): Promise<string> {
  const spec = SPECS[name];
  const fromEnv = name === 'minio' ? process.env.S3ENC_MINIO_BIN : process.env.S3ENC_LOCAL_KMS_BIN;
  if (!fromEnv) return `s3enc-testing/${name}:${spec.version}-${SERVERS_BUILD}`;
  // A binary of the user's: its identity (path, size, mtime) names the image.
  const s = await stat(binary);
  const id = createHash('sha256').update(`${binary}\0${s.size}\0${s.mtimeMs}`).digest('hex');
  return `s3enc-testing/${name}:custom-${id.slice(0, 16)}`;
}

/**
 * The image reference to run for `name`: the configured one (pulled by the engine when
 * missing), else the local `s3enc-testing/<name>:<version>-<build>`, built now if absent.
 */
export async function imageFor(
  tc: Testcontainers,
  name: ServerName,
  o: ImageOptions,
  log: (m: string) => void,
): Promise<{ image: string; builtLocally: boolean }> {
  const spec = SPECS[name];
  const configured =
    (name === 'minio' ? o.minioImage : o.localKmsImage) ?? process.env[spec.envVar];
  if (configured === 'official' && name === 'minio') {
    return { image: OFFICIAL_MINIO_IMAGE, builtLocally: false };
  }
  if (configured) return { image: configured, builtLocally: false };

  const binary = spec.binary();
  const tag = await localTag(name, binary);
  const client = await tc.getContainerRuntimeClient();
  if (await client.image.exists(tc.ImageName.fromString(tag))) {
    return { image: tag, builtLocally: true };
  }
  if (!(await isStaticElf(binary))) {
    throw new Error(
      `${binary} is dynamically linked and cannot run in a FROM scratch image. Rebuild it with ` +
        `CGO_ENABLED=0 (scripts/bootstrap.sh does), or set ${spec.envVar} to an image reference.`,
    );
  }
  log(`building image ${tag} from ${binary}`);
  const context = await mkdtemp(join(tmpdir(), `s3enc-image-${name}-`));
  try {
    await copyFile(binary, join(context, name));
    await writeFile(
      join(context, 'Dockerfile'),
      `FROM scratch\nCOPY ${name} /${name}\nENTRYPOINT ["/${name}"]\n`,
    );
    await tc.GenericContainer.fromDockerfile(context).build(tag, { deleteOnExit: false });
  } finally {
    await rm(context, { recursive: true, force: true });
  }
  return { image: tag, builtLocally: true };
}
