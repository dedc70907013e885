/**
 * S3 Batch Operations jobs for the batch-operations Lambda (examples/batch-operations): the CSV
 * manifest of a bucket or prefix (current versions, pinned by version id) and the S3 Control
 * CreateJob request that runs the Lambda over it (docs/key-rotation.md, "A bucket").
 */
import { randomUUID } from 'node:crypto';
import { ListObjectVersionsCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  CreateJobCommand,
  S3ControlClient,
  type CreateJobCommandInput,
} from '@aws-sdk/client-s3-control';
import { InvalidArgumentError, S3RequestError } from '@s3enc/core';
import { toS3Error } from '../s3-errors.js';
import { enforceHttpsOnly } from '../transport/https-only.js';

/** Options of {@link writeBatchManifest}. */
export interface BatchManifestOptions {
  /** The bucket whose objects the job processes. */
  bucket: string;
  /** Only keys under this prefix (default: the whole bucket). */
  prefix?: string | undefined;
  /** Where the manifest is written. */
  manifestBucket: string;
  manifestKey: string;
  signal?: AbortSignal | undefined;
}

/** What {@link writeBatchManifest} wrote. */
export interface BatchManifest {
  readonly manifestBucket: string;
  readonly manifestKey: string;
  /** The manifest's ETag (CreateJob needs it). */
  readonly etag: string;
  /** Rows written: one per current object version. */
  readonly objects: number;
}

/** A manifest CSV field: the key URL-encoded as Batch Operations expects (its `/` kept). */
function csvKey(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, '/');
}

/** Bound on listing pages: 10 million objects per manifest at 1000 per page. */
const MAX_PAGES = 10_000;

/**
 * Writes the CSV manifest (`bucket,key,versionId` per current version; delete markers and older
 * versions left out) of a bucket or prefix. The manifest is held in memory while it is built
 * (about 100 bytes per object).
 * @throws S3RequestError for a refused listing or write; InvalidArgumentError beyond 10 million
 *   objects (split the job by prefix).
 */
export async function writeBatchManifest(
  s3: S3Client,
  o: BatchManifestOptions,
): Promise<BatchManifest> {
  const rows: string[] = [];
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  for (let page = 0; ; page++) {
    if (page >= MAX_PAGES)
      throw new InvalidArgumentError('More than 10 million objects: split the job by prefix');
    const r = await s3
      .send(
        new ListObjectVersionsCommand({
          Bucket: o.bucket,
          Prefix: o.prefix,
          KeyMarker: keyMarker,
          VersionIdMarker: versionMarker,
        }),
        { abortSignal: o.signal },
      )
      .catch((err: unknown) => {
        throw toS3Error(err, 'ListObjectVersions', {}, o.signal);
      });
    for (const v of r.Versions ?? []) {
      if (v.IsLatest !== true || v.Key === undefined || v.Key.endsWith('/')) continue;
      const version = v.VersionId === undefined || v.VersionId === 'null' ? '' : `,${v.VersionId}`;
      rows.push(`${o.bucket},${csvKey(v.Key)}${version}`);
    }
    if (r.IsTruncated !== true) break;
    // Every page must move the markers forward, or a hostile server could loop us forever.
    if (r.NextKeyMarker === keyMarker && r.NextVersionIdMarker === versionMarker)
      throw new S3RequestError('ERR_S3ENC_BAD_RESPONSE', 'ListObjectVersions did not advance');
    keyMarker = r.NextKeyMarker;
    versionMarker = r.NextVersionIdMarker;
  }
  const body = rows.length === 0 ? '' : `${rows.join('\n')}\n`;
  const put = await s3
    .send(
      new PutObjectCommand({
        Bucket: o.manifestBucket,
        Key: o.manifestKey,
        Body: body,
        ContentType: 'text/csv',
      }),
      { abortSignal: o.signal },
    )
    .catch((err: unknown) => {
      throw toS3Error(err, 'PutObject', {}, o.signal);
    });
  if (put.ETag === undefined)
    throw new S3RequestError('ERR_S3ENC_BAD_RESPONSE', 'PutObject returned no ETag');
  return {
    manifestBucket: o.manifestBucket,
    manifestKey: o.manifestKey,
    etag: put.ETag,
    objects: rows.length,
  };
}

/** Options of {@link batchJobRequest}. */
export interface BatchJobRequestOptions {
  /** The account that runs the job. */
  accountId: string;
  /** The batch-operations Lambda (template output FunctionArn). */
  functionArn: string;
  /** The role Batch Operations assumes (template output BatchOperationsRoleArn). */
  roleArn: string;
  /** Where completion reports go (template output ReportBucketArn). */
  reportBucketArn: string;
  manifest: BatchManifest;
  /** The Lambda's user arguments: `task` and its options (see the example's README). */
  userArguments: Record<string, string>;
  /** Default: `s3enc <task>`. */
  description?: string | undefined;
  /** Default 10. */
  priority?: number | undefined;
  /** Default true: the job waits for a person to confirm it in the console or API. */
  confirmationRequired?: boolean | undefined;
}

/**
 * The S3 Control CreateJob request that runs the batch-operations Lambda over the manifest
 * (invocation schema 2.0). Pure: sends nothing.
 * @throws InvalidArgumentError for a bad account id, ARN or missing task.
 */
export function batchJobRequest(o: BatchJobRequestOptions): CreateJobCommandInput {
  if (!/^\d{12}$/.test(o.accountId))
    throw new InvalidArgumentError('accountId must be a 12-digit AWS account id');
  for (const [name, arn] of [
    ['functionArn', o.functionArn],
    ['roleArn', o.roleArn],
    ['reportBucketArn', o.reportBucketArn],
  ] as const) {
    if (typeof arn !== 'string' || !arn.startsWith('arn:'))
      throw new InvalidArgumentError(`${name} must be an ARN`);
  }
  const task = o.userArguments.task;
  if (task !== 'rewrap' && task !== 'encrypt' && task !== 'convert')
    throw new InvalidArgumentError("userArguments.task must be 'rewrap', 'encrypt' or 'convert'");
  const partition = o.reportBucketArn.split(':')[1] ?? 'aws';
  return {
    AccountId: o.accountId,
    ConfirmationRequired: o.confirmationRequired ?? true,
    Operation: {
      LambdaInvoke: {
        FunctionArn: o.functionArn,
        InvocationSchemaVersion: '2.0',
        UserArguments: { ...o.userArguments },
      },
    },
    Manifest: {
      Spec: {
        Format: 'S3BatchOperations_CSV_20180820',
        Fields: ['Bucket', 'Key', 'VersionId'],
      },
      Location: {
        ObjectArn: `arn:${partition}:s3:::${o.manifest.manifestBucket}/${o.manifest.manifestKey}`,
        ETag: o.manifest.etag.replaceAll('"', ''),
      },
    },
    Report: {
      Bucket: o.reportBucketArn,
      Format: 'Report_CSV_20180820',
      Enabled: true,
      Prefix: 's3enc-batch-reports',
      ReportScope: 'AllTasks',
    },
    Priority: o.priority ?? 10,
    RoleArn: o.roleArn,
    Description: o.description ?? `s3enc ${task}`,
    ClientRequestToken: randomUUID(),
  };
}

/**
 * Sends the CreateJob request to S3 Control in the Region, with the credentials and the hardened
 * transport of `s3` (https only).
 * @returns the job id.
 * @throws S3RequestError when S3 Control refuses it.
 */
export async function createBatchJob(
  s3: S3Client,
  request: CreateJobCommandInput,
): Promise<string> {
  const control = new S3ControlClient({
    region: await s3.config.region(),
    credentials: s3.config.credentials,
    requestHandler: s3.config.requestHandler,
  });
  enforceHttpsOnly(control);
  try {
    const r = await control.send(new CreateJobCommand(request)).catch((err: unknown) => {
      throw toS3Error(err, 'CreateJob');
    });
    if (r.JobId === undefined)
      throw new S3RequestError('ERR_S3ENC_BAD_RESPONSE', 'CreateJob returned no JobId');
    return r.JobId;
  } finally {
    control.destroy();
  }
}
