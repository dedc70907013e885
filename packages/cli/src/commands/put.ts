/** `s3enc put <file|-> s3://bucket/key`: encrypt client-side and upload. */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { AbortError, type ChecksumAlgorithm } from '@s3enc/core';
import type { MultipartUploadRef, PutOptions, PutSource, ServerSideEncryption } from '@s3enc/node';
import {
  boolOpt,
  parseContext,
  parsePositiveInt,
  parseSize,
  stringOpt,
  stringsOpt,
  type ParsedValues,
} from '../args.js';
import { LocalFileError, UsageError } from '../cli-errors.js';
import { openClient, selectKeys } from '../clients.js';
import type { CommandContext } from '../command.js';
import { allowSharedKeyFile, settingsOf, sseCKeyOf } from '../common.js';
import { defaultKmsKeyId } from '../config.js';
import { openUploads, uploadLeftOpenBy } from '../open-uploads.js';
import { formatBytes } from '../output.js';
import { objectFieldsOf, sizeOption } from '../cp-options.js';
import { createProgress } from '../progress.js';
import { isS3Url, parseS3Url } from '../s3-url.js';
import { terminalSafe } from '../terminal-text.js';
import { forgetUpload, recordUpload } from '../upload-journal.js';

const CHECKSUMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const;

async function sseOf(values: ParsedValues): Promise<ServerSideEncryption | undefined> {
  const sse = stringOpt(values, 'sse');
  const kmsKey = stringOpt(values, 'sse-kms-key-id');
  const sseC = await sseCKeyOf(values);
  if (sseC !== undefined) {
    if (sse !== undefined || kmsKey !== undefined)
      throw new UsageError('--sse-c-key cannot be combined with --sse / --sse-kms-key-id');
    return { type: 'SSE-C', key: sseC.key };
  }
  if (sse === undefined)
    return kmsKey === undefined ? undefined : { type: 'SSE-KMS', keyId: kmsKey };
  if (sse === 'AES256') {
    if (kmsKey !== undefined) throw new UsageError('--sse-kms-key-id needs --sse aws:kms');
    return { type: 'SSE-S3' };
  }
  if (sse === 'aws:kms')
    return { type: 'SSE-KMS', ...(kmsKey !== undefined ? { keyId: kmsKey } : {}) };
  throw new UsageError(`--sse must be AES256 or aws:kms, got ${JSON.stringify(sse)}`);
}

function checksumOf(values: ParsedValues): ChecksumAlgorithm | undefined {
  const c = stringOpt(values, 'checksum-algorithm')?.toUpperCase();
  if (c === undefined) return undefined;
  if (!(CHECKSUMS as readonly string[]).includes(c))
    throw new UsageError(`--checksum-algorithm must be one of ${CHECKSUMS.join(', ')}`);
  return c as ChecksumAlgorithm;
}

export async function run(ctx: CommandContext): Promise<number | undefined> {
  const [from, to] = [ctx.positionals[0]!, ctx.positionals[1]!];
  if (isS3Url(from))
    throw new UsageError(
      'put uploads a local file: s3enc put <file|-> s3://bucket/key (to download use `s3enc get`)',
    );
  const { bucket, key } = parseS3Url(to);
  const v = ctx.values;
  const keys = {
    ...selectKeys(
      stringsOpt(v, 'kms-key-id'),
      stringOpt(v, 'key-file'),
      defaultKmsKeyId(ctx.io.env),
    ),
    allowSharedKeyFile: allowSharedKeyFile(v),
  };
  const encryptionContext = parseContext(stringsOpt(v, 'context'));
  const frameSize = stringOpt(v, 'frame-size');
  const partSize = stringOpt(v, 'part-size');
  const concurrency = stringOpt(v, 'concurrency');
  const announcedSize = sizeOption(v);
  const sse = await sseOf(v);
  const checksumAlgorithm = checksumOf(v);
  const contentType = stringOpt(v, 'content-type');
  const objectFields = await objectFieldsOf(v);
  const format = stringOpt(v, 'format');
  if (format !== undefined && format !== 's3enc' && format !== 's3ec-v3')
    throw new UsageError(`--format takes s3enc or s3ec-v3, not ${format}`);
  const instructionFile = boolOpt(v, 'instruction-file');
  if (instructionFile && format !== 's3ec-v3')
    throw new UsageError('--instruction-file applies to --format s3ec-v3');
  if (format === 's3ec-v3' && frameSize !== undefined)
    throw new UsageError('--frame-size applies to the s3enc format only');
  const resumeStatePath = stringOpt(v, 'resume-state');
  const restartIfStale = boolOpt(v, 'resume-restart');
  if (resumeStatePath !== undefined && (from === '-' || format === 's3ec-v3'))
    throw new UsageError('--resume-state needs a file (not stdin) and the s3enc format');
  if (restartIfStale && resumeStatePath === undefined)
    throw new UsageError('--resume-restart applies with --resume-state');

  // The source first: a missing file should fail before any key or network work.
  let size: number | undefined;
  let label = from;
  if (from === '-') {
    label = 'stdin';
    size = announcedSize;
    if (ctx.io.stdin.isTTY === true)
      throw new UsageError(
        'put - reads the data from stdin, which is a terminal; pipe something in or give a file',
      );
  } else {
    if (announcedSize !== undefined)
      throw new UsageError(
        "--size / --expected-size is for stdin; a file's size is read from the file",
      );
    let st;
    try {
      st = await stat(from);
    } catch (e) {
      throw new LocalFileError(
        'ERR_S3ENC_CLI_FILE',
        `cannot read ${from}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
        { cause: e },
      );
    }
    if (!st.isFile()) throw new UsageError(`${from} is not a regular file`);
    size = st.size;
  }

  const progress = createProgress(ctx.out, `put ${label}`, size);
  let source: PutSource;
  let stream: Readable | undefined;
  if (from === '-') {
    stream = ctx.io.stdin;
    source = stream;
  } else {
    source = { path: from };
  }
  // A stream that stalls (stdin with no more input yet) would keep the upload waiting after
  // Ctrl-C: destroying it makes the library fail the read and abort the multipart upload.
  const onAbort = () => {
    stream?.destroy(new AbortError('interrupted'));
    if (stream !== ctx.io.stdin) ctx.io.stdin.destroy();
  };
  ctx.signal.addEventListener('abort', onAbort, { once: true });

  const { client, close } = await openClient(settingsOf(ctx), {
    keys,
    concurrency:
      concurrency === undefined ? undefined : parsePositiveInt('concurrency', concurrency),
    partSize: partSize === undefined ? undefined : parseSize('part-size', partSize),
    frameLength: frameSize === undefined ? undefined : parseSize('frame-size', frameSize),
    checksumAlgorithm,
  });
  let upload: MultipartUploadRef | undefined;
  // This machine's record of the upload (upload-journal.ts): kept while it may stay open.
  let journaled: { upload: MultipartUploadRef; written: Promise<void> } | undefined;
  let failure: unknown;
  const statePathOf = () => (resumeStatePath === undefined ? undefined : resolve(resumeStatePath));
  openUploads.begin();
  try {
    const options: PutOptions = {
      signal: ctx.signal,
      ...(encryptionContext ? { encryptionContext } : {}),
      ...(size !== undefined ? { size } : {}),
      ...(boolOpt(v, 'no-overwrite') ? { noOverwrite: true } : {}),
      ...(sse ? { sse } : {}),
      ...(contentType !== undefined ? { contentType } : {}),
      ...objectFields,
      ...(format === 's3ec-v3' ? { format, ...(instructionFile ? { instructionFile } : {}) } : {}),
      ...(resumeStatePath !== undefined
        ? { resumeStatePath, ...(restartIfStale ? { restartIfStale } : {}) }
        : {}),
      // Known to the interrupt handler while it is open (main.ts: a repeated Ctrl-C). An upload
      // kept for a resume is not aborted on an interrupt, so there is nothing to wait for.
      onMultipartUpload: (u) => {
        journaled = { upload: u, written: recordUpload(ctx.io.env, u, statePathOf()) };
        if (resumeStatePath !== undefined) return;
        upload = u;
        openUploads.add(u);
      },
      ...(ctx.out.interactive
        ? {
            onProgress: (p) => {
              progress.update(p.bytes);
            },
          }
        : {}),
    };
    const r = await client.put(bucket, key, source, options);
    progress.finish();
    ctx.out.result(
      {
        ok: true,
        bucket: r.bucket,
        key: r.key,
        format: r.format ?? 's3enc',
        versionId: r.versionId ?? null,
        etag: r.etag ?? null,
        plaintextSize: r.plaintextSize,
        storedSize: r.ciphertextSize,
        multipart: r.multipart,
        parts: r.parts,
        checksum: r.checksum,
        messageId: r.messageId,
        keyIds: r.keyIds,
        frameLength: r.frameLength,
        encryptionContext: encryptionContext ?? {},
        sse: r.sse ?? null,
      },
      () =>
        // The version id and key ids come from the server and the keyring: escaped per line.
        [
          `encrypted ${label} (${formatBytes(r.plaintextSize)}) → s3://${r.bucket}/${r.key}` +
            (r.versionId !== undefined ? ` version ${r.versionId}` : ''),
          `  stored ${formatBytes(r.ciphertextSize)} in ${r.parts} part${r.parts === 1 ? '' : 's'}, data key wrapped by ${r.keyIds.join(', ')}`,
        ]
          .map(terminalSafe)
          .join('\n'),
    );
  } catch (err) {
    failure = err;
    throw err;
  } finally {
    if (journaled !== undefined) {
      await journaled.written;
      if (failure === undefined || uploadLeftOpenBy(failure) === undefined)
        await forgetUpload(ctx.io.env, journaled.upload);
    }
    // Settled: completed, aborted, or reported by the error (openMultipartUpload).
    if (upload !== undefined) openUploads.delete(upload);
    openUploads.end();
    ctx.signal.removeEventListener('abort', onAbort);
    progress.finish();
    close();
  }
  return undefined;
}
