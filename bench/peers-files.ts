// Files and objects of bench/peers.ts: the small-file tree on disk, checks of a downloaded
// tree, removal of a round's objects, and dropping dirty pages between runs.
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DeleteObjectsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { TreeFile } from './peers-size-mix.js';

/** Writes the tree under `root`; contents are slices of one random block (incompressible). */
export function writeTree(root: string, files: readonly TreeFile[]): void {
  const block = randomBytes(16 * 1024 * 1024);
  files.forEach((f, i) => {
    const path = join(root, f.path);
    mkdirSync(dirname(path), { recursive: true });
    const off = (i * 7919 * 4096) % (block.length - f.size + 1);
    writeFileSync(path, block.subarray(off, off + f.size));
  });
}

/** Number of files and their total size under `root` (recursively). */
export function treeStats(root: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const e of readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    files++;
    bytes += statSync(join(e.parentPath, e.name)).size;
  }
  return { files, bytes };
}

/** Deletes every object under `prefix` (the benchmark's own bucket). */
export async function deletePrefix(s3: S3Client, bucket: string, prefix: string): Promise<void> {
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
    if (keys.length > 0) {
      await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

/** Writes dirty pages back now, so a run's writes are not flushed during the next one's. */
export function flushDisk(): void {
  execFileSync('sync');
}
