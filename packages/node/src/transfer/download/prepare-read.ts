/**
 * Preparing a read (DESIGN.md "Download"): options checked, object opened and its format
 * detected, the data key unwrapped by the format, then the plaintext pieces planned — ranged
 * and parallel, or whole and staged — through the object-format interface only.
 * @internal
 */
import {
  DEFAULT_MAX_ENCRYPTED_DATA_KEYS,
  FormatError,
  InvalidArgumentError,
  MAX_CONCURRENCY,
  MIN_CONCURRENCY,
  type ByteRange,
} from '@s3enc/core';
import { checkInt, type ClientContext } from '../../context.js';
import type { DecryptPolicy } from '../formats/object-format.js';
import { events, now, since } from '../diagnostics.js';
import { formatSettingsOf, openObject } from './open.js';
import { rangedPieces } from './parallel-fetch.js';
import { plaintextRead } from './plaintext.js';
import type { GetOptions, PreparedRead, ReadTarget } from './read-options.js';
import {
  DEFAULT_MAX_SIGNED_PLAINTEXT_IN_MEMORY,
  tooLargeForMemory,
  wholeBodyPieces,
} from './whole-body.js';

/** Bytes the first GET of a range read fetches: enough for most headers. */
const RANGE_READ_FIRST_BYTES = 4096;

/**
 * Opens an object for reading: header, data key, plan of ranged GETs.
 *
 * @throws FormatError (ERR_S3ENC_NOT_ENCRYPTED) for an object no format recognises unless
 *   `allowPlaintext`; InvalidArgumentError (ERR_S3ENC_INVALID_RANGE) for a range outside the
 *   plaintext, (ERR_S3ENC_RANGE_UNSUPPORTED) for a range of an object its format can only
 *   authenticate whole; KeyUnwrapError from the keyring; S3RequestError.
 */
export async function prepareRead(
  ctx: ClientContext,
  bucket: string,
  key: string,
  o: GetOptions,
  target: ReadTarget = 'stream',
): Promise<PreparedRead> {
  const d = ctx.defaults;
  const concurrency =
    checkInt('concurrency', o.concurrency, MIN_CONCURRENCY, MAX_CONCURRENCY) ?? d.concurrency;
  const chunkSize = checkInt('chunkSize', o.chunkSize, 1, 1024 ** 3) ?? d.downloadChunkSize;
  checkRange(o.range);
  const maxEncryptedDataKeys =
    o.maxEncryptedDataKeys ?? d.maxEncryptedDataKeys ?? DEFAULT_MAX_ENCRYPTED_DATA_KEYS;
  checkInt('maxEncryptedDataKeys', maxEncryptedDataKeys, 1);
  // A full read fetches a whole chunk with the header; a range read only what the header needs.
  const firstBytes = o.range === undefined ? chunkSize : RANGE_READ_FIRST_BYTES;
  const opened = await openObject(ctx, bucket, key, o, firstBytes, maxEncryptedDataKeys);
  const { facts, detected, reader } = opened;
  const signal = o.signal;

  if (detected === undefined) {
    if (o.allowPlaintext !== true) {
      throw new FormatError(
        'ERR_S3ENC_NOT_ENCRYPTED',
        'The object is not encrypted by s3enc; pass allowPlaintext: true to read it as it is',
      );
    }
    return plaintextRead(facts, reader, o, chunkSize, concurrency);
  }

  const { limits } = detected;
  if (o.range !== undefined && !limits.ranges) {
    throw new InvalidArgumentError(
      `The object (${detected.format}) is authenticated only as a whole (${limits.wholeBodyReason ?? "a signed suite's signature covers the whole message"}), so a byte range of it cannot be authenticated on its own. Read the whole object.`,
      { code: 'ERR_S3ENC_RANGE_UNSUPPORTED' },
    );
  }
  const cap = o.maxSignedPlaintextInMemory ?? DEFAULT_MAX_SIGNED_PLAINTEXT_IN_MEMORY;
  if (!limits.ranges && target === 'stream') {
    // Checked before any key use: get would hold all of it in memory until authenticated.
    const P = await detected.plaintextSize(reader, signal);
    if (P > cap) throw tooLargeForMemory(P, cap, detected.format);
  }
  const policy: DecryptPolicy = {
    keyring: ctx.keyring,
    requiredEncryptionContext: o.encryptionContext,
    commitmentPolicy: o.commitmentPolicy ?? d.commitmentPolicy,
    maxEncryptedDataKeys,
    dataKeyCache: ctx.dataKeyCache,
    settings: formatSettingsOf(ctx),
  };
  const t0 = now();
  const read = await detected.prepareRead({ policy, range: o.range, chunkSize, reader, signal });
  const at = { bucket, key, versionId: facts.versionId };
  if (events.keyUnwrap.active) {
    const format = detected.format;
    events.keyUnwrap.publish({ ...at, format, keyIds: read.keyIds, durationMs: since(t0) });
  }
  const chunks =
    read.kind === 'ranged'
      ? () => rangedPieces(read, reader, limits.parallel ? concurrency : 1, signal, at)
      : () => wholeBodyPieces(read, target, cap, detected.format);
  return {
    facts,
    format: detected.format,
    encrypted: true,
    header: read.header,
    plaintextSize: read.plaintextSize,
    range: read.range,
    chunks,
    close: () => {
      read.close();
    },
    workerPlan:
      read.kind === 'ranged' && read.frames !== undefined
        ? {
            layout: read.frames.layout,
            range: read.range,
            chunkSize,
            pin: opened.target.pin,
            ssec: opened.target.ssec,
            handoff: read.frames.handoff,
          }
        : undefined,
  };
}

function checkRange(range: ByteRange | undefined): void {
  if (range === undefined) return;
  if (typeof range !== 'object' || range === null)
    throw new InvalidArgumentError('range must be { start, end }');
  checkInt('range.start', range.start, 0);
  checkInt('range.end', range.end, 0);
  if (range.start > range.end) {
    throw new InvalidArgumentError('range must satisfy start <= end', {
      code: 'ERR_S3ENC_INVALID_RANGE',
    });
  }
}
