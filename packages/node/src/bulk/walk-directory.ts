/**
 * Walks a local directory tree: regular files only (symbolic links and special files are
 * reported, not followed, so a link cannot pull files from outside the tree into a bucket),
 * in sorted order, with paths relative to the root using `/` as on S3.
 */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** A regular file found by {@link walkDirectory}. */
export interface LocalFile {
  readonly kind: 'file';
  /** Relative to the root, `/`-separated. */
  readonly relativePath: string;
  readonly path: string;
  readonly size: number;
  /** Modification time, milliseconds since the epoch (rounded). */
  readonly mtimeMs: number;
}

/** Something under the root that is not transferred (a symbolic link, a socket, …). */
export interface SkippedEntry {
  readonly kind: 'skipped';
  readonly relativePath: string;
  readonly reason: string;
}

/**
 * The temporary name `getToFile` writes before its rename (download/to-file.ts): one left by a
 * killed download is unverified plaintext and must not be uploaded as if it were a file.
 */
const DOWNLOAD_TEMP_NAME = /^\..+\.s3enc-[0-9a-f]{12}\.tmp$/s;

/** Deepest directory nesting followed (a guard against pathological trees). */
const MAX_DEPTH = 256;

/** Yields every regular file under `root` (which must be a directory). */
export async function* walkDirectory(
  root: string,
  signal?: AbortSignal,
): AsyncGenerator<LocalFile | SkippedEntry> {
  yield* walk(root, '', 0, signal);
}

async function* walk(
  dir: string,
  rel: string,
  depth: number,
  signal: AbortSignal | undefined,
): AsyncGenerator<LocalFile | SkippedEntry> {
  signal?.throwIfAborted();
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const relativePath = rel === '' ? e.name : `${rel}/${e.name}`;
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (depth + 1 >= MAX_DEPTH) {
        yield { kind: 'skipped', relativePath, reason: `deeper than ${MAX_DEPTH} directories` };
        continue;
      }
      yield* walk(path, relativePath, depth + 1, signal);
    } else if (e.isFile() && DOWNLOAD_TEMP_NAME.test(e.name)) {
      yield {
        kind: 'skipped',
        relativePath,
        reason: 'an interrupted download (s3enc temporary file)',
      };
    } else if (e.isFile()) {
      const st = await lstat(path);
      yield { kind: 'file', relativePath, path, size: st.size, mtimeMs: Math.round(st.mtimeMs) };
    } else {
      yield {
        kind: 'skipped',
        relativePath,
        reason: e.isSymbolicLink() ? 'symbolic link (not followed)' : 'not a regular file',
      };
    }
  }
}
