/**
 * `s3enc batch-job s3://bucket[/prefix] --manifest s3://bucket/key.csv …`: writes the CSV
 * manifest of a bucket or prefix and prints the S3 Batch Operations CreateJob request that runs
 * the batch-operations Lambda over it; sends it only with --create (docs/key-rotation.md).
 */
import { batchJobRequest, createBatchJob, writeBatchManifest } from '@s3enc/node';
import { boolOpt, parsePositiveInt, stringOpt, stringsOpt } from '../args.js';
import { UsageError } from '../cli-errors.js';
import { makeS3Client } from '../clients.js';
import type { CommandContext } from '../command.js';
import { settingsOf } from '../common.js';
import { parseS3Url } from '../s3-url.js';
import { terminalSafe } from '../terminal-text.js';

function need(ctx: CommandContext, name: string): string {
  const v = stringOpt(ctx.values, name);
  if (v === undefined) throw new UsageError(`--${name} is required`);
  return v;
}

export async function run(ctx: CommandContext): Promise<number | undefined> {
  const v = ctx.values;
  const { bucket, key: prefix } = parseS3Url(ctx.positionals[0]!, { requireKey: false });
  const manifestUrl = parseS3Url(need(ctx, 'manifest'));
  const task = need(ctx, 'task');
  const userArguments: Record<string, string> = { task };
  const add = stringsOpt(v, 'add-kms-key-id');
  const remove = stringsOpt(v, 'remove-key-id');
  if (task === 'rewrap') {
    if (add.length > 0) userArguments.addKmsKeyIds = add.join(',');
    if (boolOpt(v, 'remove-all-keys')) userArguments.removeKeyIds = 'all';
    else if (remove.length > 0) userArguments.removeKeyIds = remove.join(',');
    if (userArguments.addKmsKeyIds === undefined && userArguments.removeKeyIds === undefined)
      throw new UsageError(
        '--task rewrap needs --add-kms-key-id and/or --remove-key-id / --remove-all-keys',
      );
    if (boolOpt(v, 'delete-source-version')) userArguments.deleteSourceVersionAfterVerify = 'true';
  } else if (
    add.length > 0 ||
    remove.length > 0 ||
    boolOpt(v, 'remove-all-keys') ||
    boolOpt(v, 'delete-source-version')
  ) {
    throw new UsageError(
      '--add-kms-key-id / --remove-key-id / --remove-all-keys / --delete-source-version apply to --task rewrap',
    );
  }
  if (boolOpt(v, 'allow-unversioned-overwrite')) userArguments.allowUnversionedOverwrite = 'true';
  const priorityText = stringOpt(v, 'priority');
  const options = {
    accountId: need(ctx, 'account-id'),
    functionArn: need(ctx, 'function-arn'),
    roleArn: need(ctx, 'role-arn'),
    reportBucketArn: need(ctx, 'report-bucket-arn'),
    userArguments,
    ...(priorityText !== undefined
      ? { priority: parsePositiveInt('--priority', priorityText) }
      : {}),
  };
  // Validated before anything is listed or written.
  batchJobRequest({
    ...options,
    manifest: { manifestBucket: 'x', manifestKey: 'x', etag: 'x', objects: 0 },
  });
  const s3 = makeS3Client(settingsOf(ctx));
  try {
    const manifest = await writeBatchManifest(s3, {
      bucket,
      ...(prefix !== '' ? { prefix } : {}),
      manifestBucket: manifestUrl.bucket,
      manifestKey: manifestUrl.key,
      signal: ctx.signal,
    });
    const request = batchJobRequest({ ...options, manifest });
    const jobId = boolOpt(v, 'create') ? await createBatchJob(s3, request) : undefined;
    ctx.out.result({ ok: true, manifest, request, jobId: jobId ?? null }, () =>
      terminalSafe(
        [
          `manifest s3://${manifest.manifestBucket}/${manifest.manifestKey}: ${manifest.objects} objects`,
          jobId === undefined
            ? 'CreateJob request (send it with --create, or `aws s3control create-job --cli-input-json`):'
            : `created job ${jobId} (it waits for confirmation)`,
          JSON.stringify(request, null, 2),
        ].join('\n'),
      ),
    );
  } finally {
    s3.destroy();
  }
  return undefined;
}
