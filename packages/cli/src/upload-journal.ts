/**
 * The uploads this machine's s3enc opened and has not settled (docs/cli.md, "uploads"). S3
 * cannot say whose an incomplete multipart upload is (ListMultipartUploads returns no metadata),
 * so `s3enc uploads ls` marks the ones recorded here as s3enc's own. One small file per upload
 * (`<state dir>/uploads/<hash>.json`, mode 0600, in a 0700 directory): written when S3 creates
 * the upload, removed when it completes or is aborted, kept when it stays open (a repeated
 * Ctrl-C, an abort that failed, a put kept for a resume). Nothing secret is written. Best
 * effort: a journal that cannot be written never fails a transfer.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readdir, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { MultipartUploadRef } from '@s3enc/node';

/** A journal entry. */
export interface JournalEntry extends MultipartUploadRef {
  /** When this machine saw the upload created (ISO 8601). */
  readonly recordedAt: string;
  /** The resume state file that names the upload, when there is one. */
  readonly resumeStatePath?: string | undefined;
  /** Where the entry was read from (not stored in it). */
  readonly file?: string | undefined;
}

/** Entries read at most (a larger directory is not ours to read whole). */
const MAX_ENTRIES = 10_000;
const MAX_ENTRY_BYTES = 8192;

/** `S3ENC_STATE_DIR`, else `$XDG_STATE_HOME/s3enc`, else `~/.local/state/s3enc`. */
export function stateDir(env: NodeJS.ProcessEnv): string {
  if (env.S3ENC_STATE_DIR) return env.S3ENC_STATE_DIR;
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(base, 's3enc');
}

function entryPath(env: NodeJS.ProcessEnv, u: MultipartUploadRef): string {
  const id = createHash('sha256')
    .update(`${u.bucket}\0${u.key}\0${u.uploadId}`)
    .digest('hex')
    .slice(0, 40);
  return join(stateDir(env), 'uploads', `${id}.json`);
}

/** The identity of an upload, for maps and sets. */
export function uploadIdentity(u: MultipartUploadRef): string {
  return `${u.bucket}\0${u.key}\0${u.uploadId}`;
}

/** Records `u` as opened by s3enc on this machine. Never throws. */
export async function recordUpload(
  env: NodeJS.ProcessEnv,
  u: MultipartUploadRef,
  resumeStatePath?: string,
): Promise<void> {
  const entry: JournalEntry = {
    bucket: u.bucket,
    key: u.key,
    uploadId: u.uploadId,
    recordedAt: new Date().toISOString(),
    ...(resumeStatePath !== undefined ? { resumeStatePath } : {}),
  };
  try {
    await mkdir(join(stateDir(env), 'uploads'), { recursive: true, mode: 0o700 });
    await writeFile(entryPath(env, u), `${JSON.stringify(entry)}\n`, { mode: 0o600 });
  } catch {
    // Best effort: the journal only helps `uploads ls` tell s3enc's uploads from others'.
  }
}

/** Removes the record of `u` (it completed or was aborted). Never throws. */
export async function forgetUpload(
  env: NodeJS.ProcessEnv,
  u: MultipartUploadRef & { readonly file?: string | undefined },
): Promise<void> {
  await rm(u.file ?? entryPath(env, u), { force: true }).catch(() => undefined);
}

function parseEntry(text: string): JournalEntry | undefined {
  try {
    const e = JSON.parse(text) as Partial<JournalEntry>;
    if (
      typeof e.bucket !== 'string' ||
      typeof e.key !== 'string' ||
      typeof e.uploadId !== 'string' ||
      typeof e.recordedAt !== 'string'
    )
      return undefined;
    return {
      bucket: e.bucket,
      key: e.key,
      uploadId: e.uploadId,
      recordedAt: e.recordedAt,
      ...(typeof e.resumeStatePath === 'string' ? { resumeStatePath: e.resumeStatePath } : {}),
    };
  } catch {
    return undefined;
  }
}

/** The recorded uploads, by {@link uploadIdentity}. Unreadable entries are skipped. */
export async function knownUploads(env: NodeJS.ProcessEnv): Promise<Map<string, JournalEntry>> {
  const dir = join(stateDir(env), 'uploads');
  const out = new Map<string, JournalEntry>();
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json')).slice(0, MAX_ENTRIES);
  } catch {
    return out;
  }
  for (const name of names) {
    let fh;
    try {
      fh = await open(join(dir, name), 'r');
      const buf = Buffer.alloc(MAX_ENTRY_BYTES);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      const e = parseEntry(buf.subarray(0, bytesRead).toString('utf8'));
      if (e !== undefined) out.set(uploadIdentity(e), { ...e, file: join(dir, name) });
    } catch {
      // skipped
    } finally {
      await fh?.close();
    }
  }
  return out;
}
