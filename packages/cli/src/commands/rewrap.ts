/**
 * `s3enc rewrap s3://bucket/key` (or a prefix with --recursive): change the keys that wrap the
 * data key of encrypted objects without re-encrypting their bodies (docs/key-rotation.md).
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { Keyring } from '@s3enc/core';
import type { EncryptedS3Client, RewrapOptions, RewrapResult } from '@s3enc/node';
import { boolOpt, parseContext, parsePositiveInt, stringOpt, stringsOpt } from '../args.js';
import { UsageError } from '../cli-errors.js';
import { buildKeyring, openClient, resolveRemovedKeyIds, selectKeys } from '../clients.js';
import type { CommandContext } from '../command.js';
import { allowSharedKeyFile, settingsOf, sseCKeyOf } from '../common.js';
import { defaultKmsKeyId } from '../config.js';
import { keyringFromKeyFile } from '../key-file.js';
import { formatBytes } from '../output.js';
import { parseS3Url } from '../s3-url.js';
import { terminalSafe } from '../terminal-text.js';

/** One object's outcome, as printed (and as --json lists it). */
type Line =
  | ({ ok: true } & RewrapResult)
  | { ok: false; bucket: string; key: string; code: string; error: string };

function human(l: Line, dryRun: boolean): string {
  const url = `s3://${l.bucket}/${l.key}`;
  if (!l.ok) return terminalSafe(`failed     ${url}: ${l.code}: ${l.error}`);
  const keys = `[${l.keyIdsBefore.join(', ')}] → [${l.keyIdsAfter.join(', ')}]`;
  if (l.status === 'unchanged')
    return terminalSafe(`unchanged  ${url} (already wrapped by ${l.keyIdsAfter.join(', ')})`);
  const source = l.sourceVersionId ?? '(none)';
  if (l.status === 'would-rewrap' || dryRun) {
    const del =
      l.sourceVersionAction === 'would-delete' ? `; would delete source version ${source}` : '';
    return terminalSafe(`(dryrun) rewrap ${url}: ${keys}${del}`);
  }
  const fate = l.sourceVersionAction === 'deleted' ? 'verified and deleted' : 'kept';
  return terminalSafe(
    `rewrapped  ${url}: ${keys}; new version ${l.versionId ?? '(unversioned)'}, source version ${source} ${fate}; uploaded ${formatBytes(l.bytesUploaded)}, copied ${formatBytes(l.bytesCopied)} server side`,
  );
}

async function* keysUnder(
  client: EncryptedS3Client,
  bucket: string,
  prefix: string,
  signal: AbortSignal,
): AsyncGenerator<string> {
  let token: string | undefined;
  do {
    const r = await client.s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      { abortSignal: signal },
    );
    for (const o of r.Contents ?? []) if (o.Key !== undefined && !o.Key.endsWith('/')) yield o.Key;
    const next = r.IsTruncated === true ? r.NextContinuationToken : undefined;
    // A server that says "truncated" without a new token would loop forever.
    if (next !== undefined && next === token)
      throw new UsageError('ListObjectsV2 repeated its continuation token');
    token = next;
  } while (token !== undefined);
}

export async function run(ctx: CommandContext): Promise<number | undefined> {
  const v = ctx.values;
  const recursive = boolOpt(v, 'recursive');
  const { bucket, key } = parseS3Url(ctx.positionals[0]!, { requireKey: !recursive });
  const addKms = stringsOpt(v, 'add-kms-key-id');
  const addKeyFile = stringOpt(v, 'add-key-file');
  const removeIds = stringsOpt(v, 'remove-key-id');
  const removeKeyFile = stringOpt(v, 'remove-key-file');
  const removeAll = boolOpt(v, 'remove-all-keys');
  const dryRun = boolOpt(v, 'dryrun');
  const versionId = stringOpt(v, 'version-id');
  if (removeAll && (removeIds.length > 0 || removeKeyFile !== undefined))
    throw new UsageError(
      '--remove-all-keys replaces every key: give it without --remove-key-id / --remove-key-file',
    );
  if (
    addKms.length === 0 &&
    addKeyFile === undefined &&
    removeIds.length === 0 &&
    removeKeyFile === undefined &&
    !removeAll
  )
    throw new UsageError(
      'nothing to change: give --add-kms-key-id / --add-key-file and/or --remove-key-id / --remove-key-file / --remove-all-keys',
    );
  if (recursive && versionId !== undefined)
    throw new UsageError('--version-id names one object: it cannot be combined with --recursive');
  const concurrencyText = stringOpt(v, 'concurrency');
  const settings = settingsOf(ctx);
  const keys = {
    ...selectKeys(
      stringsOpt(v, 'kms-key-id'),
      stringOpt(v, 'key-file'),
      defaultKmsKeyId(ctx.io.env),
    ),
    allowSharedKeyFile: allowSharedKeyFile(v),
  };
  const sseCustomerKey = (await sseCKeyOf(v))?.key;
  const removeKeyIds: string[] = await resolveRemovedKeyIds(settings, removeIds);
  if (removeKeyFile !== undefined)
    removeKeyIds.push((await keyringFromKeyFile(removeKeyFile)).keyId);

  const { client, close } = await openClient(settings, {
    keys,
    ...(concurrencyText !== undefined
      ? { concurrency: parsePositiveInt('--concurrency', concurrencyText) }
      : {}),
  });
  let closeAdd = () => {};
  try {
    let addKeyring: Keyring | undefined;
    if (addKms.length > 0 || addKeyFile !== undefined) {
      const k = await buildKeyring(settings, {
        kmsKeyIds: addKms,
        keyFile: addKeyFile,
        allowSharedKeyFile: allowSharedKeyFile(v),
      });
      addKeyring = k.keyring;
      closeAdd = k.close;
    }
    const options: RewrapOptions = {
      ...(addKeyring !== undefined ? { addKeyring } : {}),
      ...(removeAll
        ? { removeKeyIds: 'all' as const }
        : removeKeyIds.length > 0
          ? { removeKeyIds }
          : {}),
      ...(versionId !== undefined ? { versionId } : {}),
      ...(sseCustomerKey !== undefined ? { sseCustomerKey } : {}),
      encryptionContext: parseContext(stringsOpt(v, 'context')),
      dryRun,
      allowUnversionedOverwrite: boolOpt(v, 'allow-unversioned-overwrite'),
      deleteSourceVersionAfterVerify: boolOpt(v, 'delete-source-version'),
      signal: ctx.signal,
    };
    const lines: Line[] = [];
    const one = async (k: string): Promise<Line> => {
      try {
        return { ok: true, ...(await client.rewrap(bucket, k, options)) };
      } catch (err) {
        // A single object: the error boundary reports it with its exit code.
        if (!recursive || ctx.signal.aborted) throw err;
        const e = err as { code?: unknown; message?: unknown };
        return {
          ok: false,
          bucket,
          key: k,
          code: typeof e.code === 'string' ? e.code : 'ERR_S3ENC_S3_REQUEST',
          error: typeof e.message === 'string' ? e.message : String(err),
        };
      }
    };
    if (!recursive) {
      const l = await one(key);
      ctx.out.result(l, () => human(l, dryRun));
      return undefined;
    }
    for await (const k of keysUnder(client, bucket, key, ctx.signal)) {
      const l = await one(k);
      lines.push(l);
      if (!ctx.out.o.json) ctx.out.result(l, () => human(l, dryRun));
    }
    const failed = lines.filter((l) => !l.ok).length;
    const summary = {
      ok: failed === 0,
      dryRun,
      objects: lines.length,
      rewrapped: lines.filter((l) => l.ok && l.status === 'rewrapped').length,
      wouldRewrap: lines.filter((l) => l.ok && l.status === 'would-rewrap').length,
      unchanged: lines.filter((l) => l.ok && l.status === 'unchanged').length,
      sourceVersionsDeleted: lines.filter((l) => l.ok && l.sourceVersionAction === 'deleted')
        .length,
      failed,
      bytesUploaded: lines.reduce((n, l) => n + (l.ok ? l.bytesUploaded : 0), 0),
      bytesCopied: lines.reduce((n, l) => n + (l.ok ? l.bytesCopied : 0), 0),
    };
    if (ctx.out.o.json) ctx.out.result({ ...summary, results: lines }, () => '');
    else
      ctx.out.note(
        `${summary.objects} objects: ${dryRun ? `${summary.wouldRewrap} would be rewrapped` : `${summary.rewrapped} rewrapped`}, ${summary.unchanged} unchanged, ${failed} failed`,
      );
    // Exit code 1 (failure) when any object failed; each failure is listed above.
    return failed > 0 ? 1 : undefined;
  } finally {
    closeAdd();
    close();
  }
}
