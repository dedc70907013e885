/**
 * Object versions: list the versions (and delete markers) of a key, get / head / delete one
 * version by id. Deleting a version is permanent; it is checked against the version's Object
 * Lock state before the request, so a refused delete fails with a typed error that says why.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  type GetObjectCommandOutput,
  type HeadObjectCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { AbortError, S3RequestError } from '@s3enc/core';
import { argError, isDeleteMarkerError, mapS3Error, s3ErrorStatus } from './errors.js';
import { mfaHeaderValue, type MfaToken } from './mfa.js';
import { getLegalHold, getRetention, type RetentionInfo } from './retention.js';
import type { SseCustomerKeyInput } from '../sse.js';
import { sseCParams } from './sse-c.js';
import { checkName, type RetentionMode } from './validate.js';

/** One entry of a key's version history. */
export interface VersionEntry {
  key: string;
  versionId: string;
  /** This entry is the current one (a delete marker here means the key looks deleted). */
  isLatest: boolean;
  /** A delete marker: no content; deleting it brings the previous version back. */
  isDeleteMarker: boolean;
  lastModified: Date | undefined;
  /** Stored size in bytes (undefined for delete markers). */
  size: number | undefined;
  eTag: string | undefined;
}

/** Addresses one version by id. */
export interface VersionIdAddress {
  bucket: string;
  key: string;
  versionId: string;
}

/** Options of {@link listVersions} / {@link iterateVersions}. */
export interface ListVersionsOptions {
  bucket: string;
  key: string;
  /** Entries per ListObjectVersions request (1–1000, default 1000). */
  pageSize?: number;
  signal?: AbortSignal;
}

/**
 * Iterates over the versions and delete markers of exactly `key` (not of other keys sharing it
 * as a prefix), newest first, one ListObjectVersions page at a time.
 *
 * Within a page S3's listing interleaves versions and delete markers, but the SDK returns them
 * apart; they are put back in order by `isLatest` then `lastModified`.
 *
 * @throws InvalidArgumentError for bad options; S3RequestError when a page fails; AbortError
 *   when `signal` aborts.
 */
export async function* iterateVersions(
  s3: S3Client,
  o: ListVersionsOptions,
): AsyncGenerator<VersionEntry, void, undefined> {
  const Bucket = checkName(o.bucket, 'bucket');
  const key = checkName(o.key, 'key');
  const pageSize = o.pageSize ?? 1000;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
    throw argError('ERR_S3ENC_INVALID_ARGUMENT', 'pageSize must be a whole number from 1 to 1000');
  }
  let KeyMarker: string | undefined;
  let VersionIdMarker: string | undefined;
  for (;;) {
    if (o.signal?.aborted === true)
      throw new AbortError('ListObjectVersions was aborted', { cause: o.signal.reason });
    let page;
    try {
      page = await s3.send(
        new ListObjectVersionsCommand({
          Bucket,
          Prefix: key,
          MaxKeys: pageSize,
          KeyMarker,
          VersionIdMarker,
        }),
        o.signal === undefined ? {} : { abortSignal: o.signal },
      );
    } catch (err) {
      throw mapS3Error(err, `ListObjectVersions of s3://${Bucket}/${key}`);
    }
    const entries: VersionEntry[] = [];
    let passedKey = false;
    for (const v of page.Versions ?? []) {
      if (v.Key !== key) {
        passedKey ||= v.Key !== undefined && v.Key > key;
        continue;
      }
      entries.push({
        key,
        versionId: v.VersionId ?? 'null',
        isLatest: v.IsLatest === true,
        isDeleteMarker: false,
        lastModified: v.LastModified,
        size: v.Size,
        eTag: v.ETag,
      });
    }
    for (const m of page.DeleteMarkers ?? []) {
      if (m.Key !== key) {
        passedKey ||= m.Key !== undefined && m.Key > key;
        continue;
      }
      entries.push({
        key,
        versionId: m.VersionId ?? 'null',
        isLatest: m.IsLatest === true,
        isDeleteMarker: true,
        lastModified: m.LastModified,
        size: undefined,
        eTag: undefined,
      });
    }
    entries.sort(newestFirst);
    yield* entries;
    // Keys with `key` as a proper prefix sort after it, so once the listing moved past `key`
    // there is nothing more to find. (The markers are passed back as they are: MinIO's
    // NextKeyMarker is an opaque string, not the last key.)
    if (page.IsTruncated !== true || passedKey) return;
    KeyMarker = page.NextKeyMarker;
    VersionIdMarker = page.NextVersionIdMarker;
  }
}

function newestFirst(a: VersionEntry, b: VersionEntry): number {
  if (a.isLatest !== b.isLatest) return a.isLatest ? -1 : 1;
  return (b.lastModified?.getTime() ?? 0) - (a.lastModified?.getTime() ?? 0);
}

/**
 * All versions and delete markers of exactly `key`, newest first (see {@link iterateVersions}).
 *
 * @throws InvalidArgumentError for bad options; S3RequestError when a page fails.
 */
export async function listVersions(s3: S3Client, o: ListVersionsOptions): Promise<VersionEntry[]> {
  const out: VersionEntry[] = [];
  for await (const v of iterateVersions(s3, o)) out.push(v);
  return out;
}

/** @internal */
export function checkVersionAddress(o: VersionIdAddress): {
  Bucket: string;
  Key: string;
  VersionId: string;
} {
  if (o === null || typeof o !== 'object')
    throw argError('ERR_S3ENC_INVALID_ARGUMENT', 'options must be an object');
  return {
    Bucket: checkName(o.bucket, 'bucket'),
    Key: checkName(o.key, 'key'),
    VersionId: checkName(o.versionId, 'versionId'),
  };
}

function describe(a: { Bucket: string; Key: string; VersionId: string }): string {
  return `s3://${a.Bucket}/${a.Key} (version ${a.VersionId})`;
}

/** The Object Lock state of a version, as HEAD or the lock APIs report it. */
export interface VersionLockState {
  mode: RetentionMode | undefined;
  retainUntil: Date | undefined;
  legalHold: boolean;
}

/** What HEAD says about one version. */
export interface VersionHead {
  versionId: string;
  size: number;
  eTag: string | undefined;
  lastModified: Date | undefined;
  /** Lock state; empty unless the caller may read retention and legal hold. */
  lock: VersionLockState;
  /** The full HEAD response (metadata, content type, server-side encryption, checksums). */
  response: HeadObjectCommandOutput;
}

/** Options of {@link headVersion} and {@link getVersion}. */
export interface ReadVersionOptions extends VersionIdAddress {
  /** The SSE-C key, when the version is stored with SSE-C. */
  sseCustomerKey?: SseCustomerKeyInput;
  signal?: AbortSignal;
}

function lockStateOf(h: HeadObjectCommandOutput): VersionLockState {
  return {
    mode:
      h.ObjectLockMode === 'GOVERNANCE' || h.ObjectLockMode === 'COMPLIANCE'
        ? h.ObjectLockMode
        : undefined,
    retainUntil:
      h.ObjectLockRetainUntilDate === undefined ? undefined : new Date(h.ObjectLockRetainUntilDate),
    legalHold: h.ObjectLockLegalHoldStatus === 'ON',
  };
}

/**
 * HEAD of one version.
 *
 * @throws S3RequestError `ERR_S3ENC_VERSION_IS_DELETE_MARKER` when the version is a delete
 *   marker, `ERR_S3ENC_NO_SUCH_VERSION` when the version (or the key) does not exist.
 */
export async function headVersion(s3: S3Client, o: ReadVersionOptions): Promise<VersionHead> {
  const address = checkVersionAddress(o);
  let h: HeadObjectCommandOutput;
  try {
    h = await s3.send(
      new HeadObjectCommand({ ...address, ...sseCParams(s3, o.sseCustomerKey) }),
      o.signal === undefined ? {} : { abortSignal: o.signal },
    );
  } catch (err) {
    if (s3ErrorStatus(err) === 404 && !isDeleteMarkerError(err)) {
      // HEAD answers carry no error body: a 404 is the version (or the key) not existing.
      throw new S3RequestError(
        'ERR_S3ENC_NO_SUCH_VERSION',
        `HeadObject of ${describe(address)} failed: no such version`,
        {
          cause: err,
          statusCode: 404,
        },
      );
    }
    throw mapS3Error(err, `HeadObject of ${describe(address)}`);
  }
  return {
    versionId: h.VersionId ?? address.VersionId,
    size: h.ContentLength ?? 0,
    eTag: h.ETag,
    lastModified: h.LastModified,
    lock: lockStateOf(h),
    response: h,
  };
}

/**
 * GET of one version's stored bytes (for s3enc objects: the ciphertext; decrypt with
 * `EncryptedS3Client.get` and its `versionId` option).
 *
 * @returns the SDK response; consume or destroy `Body`.
 * @throws S3RequestError `ERR_S3ENC_VERSION_IS_DELETE_MARKER`, `ERR_S3ENC_NO_SUCH_VERSION`, …
 */
export async function getVersion(
  s3: S3Client,
  o: ReadVersionOptions,
): Promise<GetObjectCommandOutput> {
  const address = checkVersionAddress(o);
  try {
    return await s3.send(
      new GetObjectCommand({ ...address, ...sseCParams(s3, o.sseCustomerKey) }),
      o.signal === undefined ? {} : { abortSignal: o.signal },
    );
  } catch (err) {
    throw mapS3Error(err, `GetObject of ${describe(address)}`);
  }
}

/** Options of {@link deleteVersion}. */
export interface DeleteVersionOptions extends VersionIdAddress {
  /**
   * Allows deleting a version under active GOVERNANCE retention. Needs the
   * `s3:BypassGovernanceRetention` permission. Does not lift COMPLIANCE retention or a legal hold.
   */
  bypassGovernanceRetention?: boolean;
  /** MFA device and code, for a bucket with MFA Delete enabled (sent as `x-amz-mfa`). */
  mfa?: MfaToken;
  /**
   * Read the version's lock state first and refuse a delete S3 would refuse (default true).
   * With false the delete is sent as is and S3 decides.
   */
  checkLockFirst?: boolean;
}

/** Result of {@link deleteVersion}. */
export interface DeleteVersionResult {
  versionId: string;
  /** The deleted version was a delete marker (so the previous version is current again). */
  wasDeleteMarker: boolean;
}

/** @internal Lock state of a version, or undefined when it cannot be read (or it is a delete marker). */
async function readLockState(
  s3: S3Client,
  a: { Bucket: string; Key: string; VersionId: string },
): Promise<VersionLockState | undefined> {
  try {
    const h = await s3.send(new HeadObjectCommand(a));
    return lockStateOf(h);
  } catch (err) {
    if (isDeleteMarkerError(err) || s3ErrorStatus(err) === 404) return undefined;
    if (s3ErrorStatus(err) !== 400 && s3ErrorStatus(err) !== 403)
      throw mapS3Error(err, `HeadObject of ${describe(a)}`);
  }
  // HEAD of an SSE-C version needs its key; the lock APIs do not.
  try {
    const address = { bucket: a.Bucket, key: a.Key, versionId: a.VersionId };
    const [retention, legalHold]: [RetentionInfo | undefined, boolean] = await Promise.all([
      getRetention(s3, address),
      getLegalHold(s3, address),
    ]);
    return { mode: retention?.mode, retainUntil: retention?.retainUntil, legalHold };
  } catch {
    return undefined;
  }
}

/**
 * Permanently deletes one version (or delete marker). Unless `checkLockFirst` is false, the
 * version's Object Lock state is read first and a delete that S3 would refuse fails before
 * it is sent.
 *
 * @param now the current time (for tests); defaults to `new Date()`.
 * @returns the deleted version id and whether it was a delete marker.
 * @throws InvalidArgumentError before any request for bad options or a malformed MFA token
 *   (`ERR_S3ENC_MFA_INVALID`); after reading the lock state: `ERR_S3ENC_LOCK_LEGAL_HOLD_ACTIVE`
 *   (release the legal hold first), `ERR_S3ENC_LOCK_COMPLIANCE_IMMUTABLE` (COMPLIANCE retention
 *   not expired: impossible), `ERR_S3ENC_LOCK_GOVERNED_VERSION` (GOVERNANCE retention not
 *   expired and `bypassGovernanceRetention` not true).
 * @throws S3RequestError when S3 refuses: `ERR_S3ENC_OBJECT_LOCKED` when it cites Object Lock,
 *   otherwise `ERR_S3ENC_ACCESS_DENIED` (e.g. a missing or wrong MFA token on AWS) or `ERR_S3ENC_S3_REQUEST`.
 */
export async function deleteVersion(
  s3: S3Client,
  o: DeleteVersionOptions,
  now: Date = new Date(),
): Promise<DeleteVersionResult> {
  const address = checkVersionAddress(o);
  const MFA = o.mfa === undefined ? undefined : mfaHeaderValue(o.mfa);
  const bypass = o.bypassGovernanceRetention === true;
  if (o.checkLockFirst !== false) {
    const lock = await readLockState(s3, address);
    if (lock !== undefined) assertDeletable(lock, bypass, describe(address), now);
  }
  try {
    const out = await s3.send(
      new DeleteObjectCommand({
        ...address,
        ...(MFA === undefined ? {} : { MFA }),
        ...(bypass ? { BypassGovernanceRetention: true } : {}),
      }),
    );
    return {
      versionId: out.VersionId ?? address.VersionId,
      wasDeleteMarker: out.DeleteMarker === true,
    };
  } catch (err) {
    throw mapS3Error(err, `DeleteObject of ${describe(address)}`);
  }
}

/** @internal Throws the typed error for a delete that the lock state forbids. */
export function assertDeletable(
  lock: VersionLockState,
  bypass: boolean,
  what: string,
  now: Date,
): void {
  if (lock.legalHold) {
    throw argError(
      'ERR_S3ENC_LOCK_LEGAL_HOLD_ACTIVE',
      `${what} is under a legal hold and cannot be deleted: release it with putLegalHold({ legalHold: false }) first`,
    );
  }
  const active =
    lock.mode !== undefined &&
    lock.retainUntil !== undefined &&
    lock.retainUntil.getTime() > now.getTime();
  if (!active) return;
  const until = lock.retainUntil!.toISOString();
  if (lock.mode === 'COMPLIANCE') {
    throw argError(
      'ERR_S3ENC_LOCK_COMPLIANCE_IMMUTABLE',
      `${what} is under COMPLIANCE retention until ${until}; nobody can delete it before then`,
    );
  }
  if (!bypass) {
    throw argError(
      'ERR_S3ENC_LOCK_GOVERNED_VERSION',
      `${what} is under GOVERNANCE retention until ${until}. Pass bypassGovernanceRetention: true ` +
        '(needs the s3:BypassGovernanceRetention permission) to delete it anyway, or wait until then',
    );
  }
}
