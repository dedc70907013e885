/**
 * One object's work in a bulk run: upload a file, download an object, copy an object
 * server-side, delete. Each decides first whether a previous run already did it.
 */
import { mkdir, stat, unlink, utimes } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CopyObjectCommand, DeleteObjectCommand } from '@aws-sdk/client-s3';
import { S3_MAX_PARTS } from '@s3enc/core';
import type { EncryptedS3Client } from '../client.js';
import { MAX_COPY_OBJECT_SIZE } from '../object-lock/restore.js';
import { toS3Error } from '../s3-errors.js';
import { copyRangesFor } from '../server-copy/copy-ranges.js';
import { multipartCopyObject } from '../server-copy/multipart-copy-object.js';
import type { ObjectResult, TransferTreeOptions } from './bulk-options.js';
import { needsTransfer } from './compare.js';
import type { ListedObject } from './list-prefix.js';
import type { TaskContext } from './run-tasks.js';
import { remoteSyncState, syncMetadata, syncStateOf, type SyncState } from './sync-metadata.js';
import type { LocalFile } from './walk-directory.js';

/** What every object operation needs. */
export interface OpContext {
  readonly client: EncryptedS3Client;
  readonly o: TransferTreeOptions;
  readonly partSize: number;
  /** Plaintext bytes moved (for the whole-run progress). */
  addBytes(n: number): void;
}

/** `copy` mode skips only a completed earlier copy: the same size and the same time. */
function compareOptions(op: OpContext) {
  return op.o.mode === 'copy'
    ? { exactTimestamps: true }
    : { sizeOnly: op.o.sizeOnly, exactTimestamps: op.o.exactTimestamps };
}

/** Extra permits for a transfer of `size` bytes in parts of `partSize`. */
function borrowFor(tc: TaskContext, size: number, partSize: number): number {
  const parts = Math.max(1, Math.ceil(size / partSize));
  return tc.borrow(parts - 1);
}

function progressCounter(op: OpContext): (p: { bytes: number }) => void {
  let last = 0;
  return (p) => {
    op.addBytes(p.bytes - last);
    last = p.bytes;
  };
}

export async function uploadFile(
  op: OpContext,
  tc: TaskContext,
  file: LocalFile,
  bucket: string,
  key: string,
  existing: ListedObject | undefined,
): Promise<ObjectResult> {
  const base = {
    operation: 'upload',
    source: file.path,
    destination: `s3://${bucket}/${key}`,
    size: file.size,
  } as const;
  const local: SyncState = { size: file.size, mtimeMs: file.mtimeMs };
  if (existing !== undefined) {
    const remote = await remoteSyncState(op.client.s3, bucket, key, tc.signal);
    if (!needsTransfer('upload', local, remote, compareOptions(op)))
      return { ...base, status: 'skipped' };
  }
  if (op.o.dryRun === true) return { ...base, status: 'dry-run' };
  const extra = borrowFor(tc, file.size, op.partSize);
  await op.client.put(
    bucket,
    key,
    { path: file.path },
    {
      ...op.o.putOptions,
      metadata: { ...op.o.putOptions?.metadata, ...syncMetadata(local) },
      concurrency: 1 + extra,
      signal: tc.signal,
      onProgress: progressCounter(op),
    },
  );
  return { ...base, status: 'done' };
}

async function localState(path: string): Promise<SyncState | undefined> {
  try {
    const st = await stat(path);
    return st.isFile() ? { size: st.size, mtimeMs: Math.round(st.mtimeMs) } : undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

export async function downloadObject(
  op: OpContext,
  tc: TaskContext,
  object: ListedObject,
  bucket: string,
  path: string,
): Promise<ObjectResult> {
  const base = {
    operation: 'download',
    source: `s3://${bucket}/${object.key}`,
    destination: path,
  } as const;
  const local = await localState(path);
  // No local file: nothing to compare, so no HeadObject — the GET's own answer carries the
  // recorded state (one request per small object, as the plaintext tools make; MinIO also
  // closes the connection after every HEAD, which cost a TLS handshake per object).
  if (local === undefined && op.o.dryRun !== true) {
    return fetchObject(op, tc, object, bucket, path, base, undefined);
  }
  // The time a downloaded file gets: the recorded source time, else when S3 stored the object.
  let remote = await remoteSyncState(op.client.s3, bucket, object.key, tc.signal);
  if (remote === undefined && local !== undefined) {
    // Not written by a bulk command: the plaintext size from the header (no key unwrapped).
    const h = await op.client.head(bucket, object.key, { signal: tc.signal });
    remote = {
      size: h.envelope?.plaintextSize ?? h.storedSize,
      mtimeMs: h.lastModified?.getTime() ?? 0,
    };
  }
  const size = remote?.size ?? object.size;
  if (remote !== undefined && !needsTransfer('download', remote, local, compareOptions(op)))
    return { ...base, size, status: 'skipped' };
  if (op.o.dryRun === true) return { ...base, size, status: 'dry-run' };
  return fetchObject(op, tc, object, bucket, path, base, remote);
}

/**
 * getToFile, then the file's modification time: the recorded source time (from HeadObject when
 * `remote` was read, else from the GET's metadata), else when S3 stored the object.
 */
async function fetchObject(
  op: OpContext,
  tc: TaskContext,
  object: ListedObject,
  bucket: string,
  path: string,
  base: Pick<ObjectResult, 'operation' | 'source' | 'destination'>,
  remote: SyncState | undefined,
): Promise<ObjectResult> {
  await mkdir(dirname(path), { recursive: true });
  const extra = borrowFor(tc, object.size, op.partSize);
  const r = await op.client.getToFile(bucket, object.key, path, {
    ...op.o.getOptions,
    concurrency: 1 + extra,
    signal: tc.signal,
    onProgress: progressCounter(op),
  });
  const recorded = remote ?? syncStateOf(r.userMetadata);
  const mtimeMs = recorded?.mtimeMs ?? r.lastModified?.getTime() ?? object.lastModified?.getTime();
  if (mtimeMs !== undefined) await utimes(path, new Date(), new Date(mtimeMs));
  return { ...base, size: r.plaintextSize, status: 'done' };
}

/**
 * Copies the stored bytes server-side, metadata included: an s3enc object stays valid under a
 * new key because nothing in its header or frames depends on the key name (the encryption
 * context holds only the caller's pairs).
 */
export async function copyObject(
  op: OpContext,
  tc: TaskContext,
  object: ListedObject,
  from: string,
  to: { bucket: string; key: string },
  existing: ListedObject | undefined,
): Promise<ObjectResult> {
  const base = {
    operation: 'copy',
    source: `s3://${from}/${object.key}`,
    destination: `s3://${to.bucket}/${to.key}`,
    size: object.size,
  } as const;
  const src: SyncState = { size: object.size, mtimeMs: object.lastModified?.getTime() ?? 0 };
  const dst: SyncState | undefined =
    existing === undefined
      ? undefined
      : { size: existing.size, mtimeMs: existing.lastModified?.getTime() ?? 0 };
  // S3 → S3 compares what S3 lists (as aws s3 sync): a copy is newer than its source.
  const cmp =
    op.o.mode === 'copy' ? {} : { sizeOnly: op.o.sizeOnly, exactTimestamps: op.o.exactTimestamps };
  if (!needsTransfer('copy', src, dst, cmp)) return { ...base, status: 'skipped' };
  if (op.o.dryRun === true) return { ...base, status: 'dry-run' };
  if (object.size > (op.o.multipartCopyThreshold ?? MAX_COPY_OBJECT_SIZE)) {
    // Over CopyObject's 5 GiB: UploadPartCopy ranges, parts drawing on the shared budget.
    const parts = copyRangesFor(0, object.size, S3_MAX_PARTS, op.o.copyPartSize).length;
    const extra = tc.borrow(parts - 1);
    await multipartCopyObject({
      s3: op.client.s3,
      source: {
        bucket: from,
        key: object.key,
        ...(object.etag === undefined ? {} : { etag: object.etag }),
      },
      target: to,
      size: object.size,
      partSize: op.o.copyPartSize,
      concurrency: 1 + extra,
      signal: tc.signal,
    });
    op.addBytes(object.size);
    return { ...base, status: 'done' };
  }
  const copySource = `${from}/${object.key.split('/').map(encodeURIComponent).join('/')}`;
  try {
    await op.client.s3.send(
      new CopyObjectCommand({
        Bucket: to.bucket,
        Key: to.key,
        CopySource: copySource,
        MetadataDirective: 'COPY',
        ...(object.etag !== undefined ? { CopySourceIfMatch: object.etag } : {}),
      }),
      { abortSignal: tc.signal },
    );
  } catch (err) {
    throw toS3Error(
      err,
      'CopyObject',
      { PreconditionFailed: 'ERR_S3ENC_OBJECT_CHANGED' },
      tc.signal,
    );
  }
  op.addBytes(object.size);
  return { ...base, status: 'done' };
}

export async function deleteTarget(
  op: OpContext,
  tc: TaskContext,
  target: { bucket: string; key: string; size: number } | { path: string; size: number },
): Promise<ObjectResult> {
  const name = 'path' in target ? target.path : `s3://${target.bucket}/${target.key}`;
  const base = { operation: 'delete', source: '', destination: name, size: target.size } as const;
  if (op.o.dryRun === true) return { ...base, status: 'dry-run' };
  if ('path' in target) {
    await unlink(target.path);
  } else {
    try {
      await op.client.s3.send(new DeleteObjectCommand({ Bucket: target.bucket, Key: target.key }), {
        abortSignal: tc.signal,
      });
    } catch (err) {
      throw toS3Error(err, 'DeleteObject', {}, tc.signal);
    }
  }
  return { ...base, status: 'done' };
}
