/**
 * `transferTree`: a directory to a prefix, a prefix to a directory, or a prefix to a prefix
 * (server-side), in `copy` or `sync` mode. Both sides are listed first (the walk and the
 * listing are bounded and checked), then one task per object runs under one
 * {@link ConcurrencyBudget} shared by objects and their parts.
 */
import { stat } from 'node:fs/promises';
import {
  AbortError,
  InvalidArgumentError,
  S3EncError,
  S3_MAX_PART_SIZE,
  S3_MIN_PART_SIZE,
} from '@s3enc/core';
import type { EncryptedS3Client } from '../client.js';
import { DEFAULT_PART_SIZE, checkInt } from '../context.js';
import { MAX_COPY_OBJECT_SIZE } from '../object-lock/restore.js';
import { ConcurrencyBudget } from './budget.js';
import type {
  ObjectResult,
  TransferTreeOptions,
  TreeLocation,
  TreeSummary,
} from './bulk-options.js';
import { PathFilters } from './filters.js';
import { isListedObject, listPrefix, type ListedObject } from './list-prefix.js';
import {
  copyObject,
  deleteTarget,
  downloadObject,
  uploadFile,
  type OpContext,
} from './object-ops.js';
import { runTasks, type TaskContext } from './run-tasks.js';
import { localPathFor } from './safe-path.js';
import { walkDirectory, type LocalFile } from './walk-directory.js';

const DEFAULT_BULK_CONCURRENCY = 8;

/** One object's work, and what its result says if it throws. */
interface Task {
  readonly describe: Pick<ObjectResult, 'operation' | 'source' | 'destination' | 'size'>;
  run(tc: TaskContext): Promise<ObjectResult>;
}

/** A prefix used as a directory: empty, or ending with `/`. */
export function directoryPrefix(prefix: string): string {
  return prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
}

async function listObjects(
  client: EncryptedS3Client,
  loc: { bucket: string; prefix: string },
  filters: PathFilters,
  signal: AbortSignal | undefined,
): Promise<Map<string, ListedObject>> {
  const out = new Map<string, ListedObject>();
  for await (const e of listPrefix(client.s3, loc.bucket, loc.prefix, { signal })) {
    // A key ending in `/` is a "folder" placeholder: there is nothing to copy.
    if (!isListedObject(e) || e.relativeKey === '' || e.key.endsWith('/')) continue;
    if (filters.included(e.relativeKey)) out.set(e.relativeKey, e);
  }
  return out;
}

async function walkFiles(
  root: string,
  filters: PathFilters,
  mustExist: boolean,
  signal: AbortSignal | undefined,
  ignored: ObjectResult[],
): Promise<Map<string, LocalFile>> {
  const out = new Map<string, LocalFile>();
  try {
    const st = await stat(root);
    if (!st.isDirectory()) throw new InvalidArgumentError(`${root} is not a directory`);
  } catch (e) {
    if (!mustExist && (e as NodeJS.ErrnoException).code === 'ENOENT') return out;
    if (e instanceof S3EncError) throw e;
    throw new InvalidArgumentError(`cannot read the directory ${root}: ${(e as Error).message}`, {
      cause: e,
      code: 'ERR_S3ENC_INVALID_SOURCE',
    });
  }
  for await (const e of walkDirectory(root, signal)) {
    if (!filters.included(e.relativePath)) continue;
    if (e.kind === 'file') out.set(e.relativePath, e);
    else if (mustExist)
      ignored.push({
        operation: 'upload',
        status: 'ignored',
        source: e.relativePath,
        destination: '',
        size: 0,
        reason: e.reason,
      });
  }
  return out;
}

/** The tasks of one run, in source order, deletions last. */
async function planTasks(
  client: EncryptedS3Client,
  op: OpContext,
  src: TreeLocation,
  dst: TreeLocation,
  filters: PathFilters,
  ignored: ObjectResult[],
): Promise<{ tasks: Task[]; objects: number; bytes: number }> {
  const o = op.o;
  const del = o.mode === 'sync' && o.delete === true;
  const tasks: Task[] = [];
  let bytes = 0;
  if (src.type === 'local' && dst.type === 's3') {
    const files = await walkFiles(src.path, filters, true, o.signal, ignored);
    const prefix = directoryPrefix(dst.prefix);
    const remote = await listObjects(client, { bucket: dst.bucket, prefix }, filters, o.signal);
    for (const [rel, f] of files) {
      bytes += f.size;
      tasks.push({
        describe: {
          operation: 'upload',
          source: f.path,
          destination: `s3://${dst.bucket}/${prefix}${rel}`,
          size: f.size,
        },
        run: (tc) => uploadFile(op, tc, f, dst.bucket, prefix + rel, remote.get(rel)),
      });
    }
    if (del)
      for (const [rel, r] of remote) if (!files.has(rel)) tasks.push(deleteS3(op, dst.bucket, r));
    return { tasks, objects: files.size, bytes };
  }
  if (src.type === 's3' && dst.type === 'local') {
    const prefix = directoryPrefix(src.prefix);
    const objects = await listObjects(client, { bucket: src.bucket, prefix }, filters, o.signal);
    const local = del
      ? await walkFiles(dst.path, filters, false, o.signal, ignored)
      : new Map<string, LocalFile>();
    for (const [rel, obj] of objects) {
      bytes += obj.size;
      const path = localPathFor(dst.path, rel);
      tasks.push({
        describe: {
          operation: 'download',
          source: `s3://${src.bucket}/${obj.key}`,
          destination: path ?? '',
          size: obj.size,
        },
        run: (tc) => {
          if (path === undefined)
            return Promise.reject(
              new InvalidArgumentError(
                `the key ${JSON.stringify(obj.key)} would be written outside ${dst.path}`,
                { code: 'ERR_S3ENC_UNSAFE_KEY' },
              ),
            );
          return downloadObject(op, tc, obj, src.bucket, path);
        },
      });
    }
    if (del)
      for (const [rel, f] of local)
        if (!objects.has(rel))
          tasks.push({
            describe: { operation: 'delete', source: '', destination: f.path, size: f.size },
            run: (tc) => deleteTarget(op, tc, { path: f.path, size: f.size }),
          });
    return { tasks, objects: objects.size, bytes };
  }
  if (src.type === 's3' && dst.type === 's3') {
    const sp = directoryPrefix(src.prefix);
    const dp = directoryPrefix(dst.prefix);
    const objects = await listObjects(
      client,
      { bucket: src.bucket, prefix: sp },
      filters,
      o.signal,
    );
    const remote = await listObjects(client, { bucket: dst.bucket, prefix: dp }, filters, o.signal);
    for (const [rel, obj] of objects) {
      bytes += obj.size;
      tasks.push({
        describe: {
          operation: 'copy',
          source: `s3://${src.bucket}/${obj.key}`,
          destination: `s3://${dst.bucket}/${dp}${rel}`,
          size: obj.size,
        },
        run: (tc) =>
          copyObject(
            op,
            tc,
            obj,
            src.bucket,
            { bucket: dst.bucket, key: dp + rel },
            remote.get(rel),
          ),
      });
    }
    if (del)
      for (const [rel, r] of remote) if (!objects.has(rel)) tasks.push(deleteS3(op, dst.bucket, r));
    return { tasks, objects: objects.size, bytes };
  }
  throw new InvalidArgumentError(
    'a local directory to a local directory is not a transfer: use cp',
  );
}

/**
 * Copies or syncs a tree. Every object gets one {@link ObjectResult} (through `onObject`);
 * one object's failure does not stop the others unless `failFast`.
 *
 * @returns the counts; `ok` is false when any object failed.
 * @throws InvalidArgumentError for bad options or an unreadable source directory;
 *   S3RequestError when a listing fails; AbortError when `signal` fires.
 */
export async function transferTree(
  client: EncryptedS3Client,
  o: TransferTreeOptions,
): Promise<TreeSummary> {
  if (o.delete === true && o.mode !== 'sync')
    throw new InvalidArgumentError('delete applies to sync only');
  // Checked before any request: a bad value fails the run, not every large object.
  checkInt('multipartCopyThreshold', o.multipartCopyThreshold, 0, MAX_COPY_OBJECT_SIZE);
  checkInt('copyPartSize', o.copyPartSize, S3_MIN_PART_SIZE, S3_MAX_PART_SIZE);
  const filters = new PathFilters(o.filters ?? []);
  const budget = new ConcurrencyBudget(o.concurrency ?? DEFAULT_BULK_CONCURRENCY);
  let bytesDone = 0;
  let objectsDone = 0;
  // Known once the walk and the listings are complete.
  const total: { objects?: number; bytes?: number } = {};
  const progress = () =>
    o.onProgress?.({
      objectsDone,
      objectsTotal: total.objects,
      bytesDone,
      bytesTotal: total.bytes,
    });
  const op: OpContext = {
    client,
    o,
    partSize: o.partSize ?? DEFAULT_PART_SIZE,
    addBytes: (n) => {
      bytesDone += n;
      progress();
    },
  };
  const counts = { done: 0, skipped: 0, deleted: 0, failed: 0, ignored: 0, dryRun: 0 };
  const report = (r: ObjectResult) => {
    if (r.status === 'done') {
      if (r.operation === 'delete') counts.deleted++;
      else counts.done++;
    } else if (r.status === 'dry-run') counts.dryRun++;
    else counts[r.status]++;
    if (r.operation !== 'delete') objectsDone++;
    o.onObject?.(r);
    progress();
  };
  const ignored: ObjectResult[] = [];
  const plan = await planTasks(client, op, o.source, o.destination, filters, ignored);
  total.objects = plan.objects;
  total.bytes = plan.bytes;
  for (const r of ignored) report(r);
  await runTasks(plan.tasks, (t, tc) => t.run(tc), {
    budget,
    signal: o.signal,
    failFast: o.failFast,
    onSettled: (outcome, task) => {
      if (outcome.ok) report(outcome.value);
      else if (!(outcome.error instanceof AbortError && o.signal?.aborted === true))
        report(failedResult(task, outcome.error));
    },
  });
  return { ok: counts.failed === 0, ...counts, bytes: bytesDone };
}

function failedResult(task: Task, error: unknown): ObjectResult {
  const reason = error instanceof Error ? error.message : String(error);
  return { ...task.describe, status: 'failed', reason, error };
}

function deleteS3(op: OpContext, bucket: string, r: ListedObject): Task {
  return {
    describe: {
      operation: 'delete',
      source: '',
      destination: `s3://${bucket}/${r.key}`,
      size: r.size,
    },
    run: (tc) => deleteTarget(op, tc, { bucket, key: r.key, size: r.size }),
  };
}
