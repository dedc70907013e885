/**
 * S3 Batch Operations → Lambda (invocation schema 2.0): one function for three tasks, chosen by
 * the job's user arguments (docs/key-rotation.md, "A bucket"):
 *
 * - `task=rewrap`: change the keys that wrap each object's data key without re-encrypting its
 *   body (`addKmsKeyIds`, comma-separated; `removeKeyIds`, comma-separated ARNs or `all`);
 * - `task=encrypt`: encrypt a plaintext object in place (a new encrypted version, conditional on
 *   the plaintext version still being current);
 * - `task=convert`: rewrite an Amazon S3 Encryption Client object in the s3enc format.
 *
 * Idempotent under Batch Operations' at-least-once delivery: an object already in the state asked
 * for is reported Succeeded and left alone, also when an earlier attempt of the same task made
 * the manifest's version non-current. Result codes: TemporaryFailure for throttling and 5xx (Batch
 * Operations retries them), PermanentFailure for integrity, access and Object Lock refusals and
 * for objects that changed since the manifest, each with a string a person can act on.
 *
 * Configuration (environment): DECRYPT_KMS_KEY_ARNS (comma-separated keys that may unwrap data
 * keys: the old and the new keys), KMS_KEY_ARN (the key new data keys are made under: encrypt and
 * convert). On premises / in tests also AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_KMS, AWS_CA_BUNDLE.
 * Credentials: the function's execution role.
 */
import {
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { KMSClient } from '@aws-sdk/client-kms';
import { kmsKeyring, type Keyring } from '@s3enc/core';
import { EncryptedS3Client, buildKmsClientConfig, buildS3ClientConfig } from '@s3enc/node';
import { failureResult, type ResultCode } from './result-codes.js';

/** One task of a schema 2.0 invocation (the key is URL-encoded). */
export interface BatchTask {
  taskId: string;
  s3Bucket: string;
  s3Key: string;
  s3VersionId?: string | null;
}
export interface BatchEvent {
  invocationSchemaVersion: '2.0';
  invocationId: string;
  job: { id: string; userArguments?: Record<string, string> };
  tasks: BatchTask[];
}
export interface BatchResult {
  invocationSchemaVersion: '2.0';
  treatMissingKeysAs: ResultCode;
  invocationId: string;
  results: { taskId: string; resultCode: ResultCode; resultString: string }[];
}

export interface BatchConfig {
  s3: S3Client;
  /** KMS client per Region (the key ARN's Region). */
  kms: (region: string) => KMSClient;
  decryptKeyArns: string[];
  kmsKeyArn: string | undefined;
}

const list = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** Reads the configuration from environment variables (see the file comment). */
export function configFromEnv(env: Record<string, string | undefined> = process.env): BatchConfig {
  const ca = env.AWS_CA_BUNDLE || undefined;
  const s3Endpoint = env.AWS_ENDPOINT_URL_S3 || undefined;
  const kmsEndpoint = env.AWS_ENDPOINT_URL_KMS || undefined;
  const clients = new Map<string, KMSClient>();
  const decryptKeyArns = list(env.DECRYPT_KMS_KEY_ARNS);
  if (decryptKeyArns.length === 0) throw new Error('DECRYPT_KMS_KEY_ARNS is required');
  return {
    s3: new S3Client(
      buildS3ClientConfig({
        region: env.AWS_REGION,
        endpoint: s3Endpoint,
        forcePathStyle: s3Endpoint !== undefined,
        ca,
      }),
    ),
    kms: (region) => {
      let c = clients.get(region);
      if (c === undefined) {
        c = new KMSClient(buildKmsClientConfig({ region, endpoint: kmsEndpoint, ca }));
        clients.set(region, c);
      }
      return c;
    },
    decryptKeyArns,
    kmsKeyArn: env.KMS_KEY_ARN || undefined,
  };
}

/** Schema 2.0 keys are URL-encoded (spaces as `+`, as in S3 event notifications). */
export function decodeTaskKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

function keyringOf(cfg: BatchConfig, arns: string[]): Keyring {
  return kmsKeyring({
    generatorKeyId: arns[0]!,
    keyIds: arns.slice(1),
    clientProvider: (region) => cfg.kms(region),
  });
}

type Outcome = { resultCode: ResultCode; resultString: string };

/** Builds the handler around a configuration (tests inject clients for the local servers). */
export function createHandler(cfg: BatchConfig): (event: BatchEvent) => Promise<BatchResult> {
  const client = new EncryptedS3Client({
    s3: cfg.s3,
    keyring: keyringOf(cfg, cfg.decryptKeyArns),
  });
  const writer =
    cfg.kmsKeyArn === undefined
      ? undefined
      : new EncryptedS3Client({ s3: cfg.s3, keyring: keyringOf(cfg, [cfg.kmsKeyArn]) });

  const rewrap = async (args: Record<string, string>, t: BatchTask): Promise<Outcome> => {
    const bucket = t.s3Bucket;
    const key = decodeTaskKey(t.s3Key);
    const add = list(args.addKmsKeyIds);
    const remove = args.removeKeyIds === 'all' ? ('all' as const) : list(args.removeKeyIds);
    const options = {
      ...(add.length > 0 ? { addKeyring: keyringOf(cfg, add) } : {}),
      ...(remove === 'all' || remove.length > 0 ? { removeKeyIds: remove } : {}),
      allowUnversionedOverwrite: args.allowUnversionedOverwrite === 'true',
    };
    // Off unless the job asks: the source version is deleted once the new one verified.
    const deleteSource = args.deleteSourceVersionAfterVerify === 'true';
    try {
      const r = await client.rewrap(bucket, key, {
        deleteSourceVersionAfterVerify: deleteSource,
        ...options,
        ...(t.s3VersionId ? { versionId: t.s3VersionId } : {}),
      });
      return {
        resultCode: 'Succeeded',
        resultString:
          r.status === 'unchanged'
            ? `unchanged: already wrapped by ${r.keyIdsAfter.join(' ')}`
            : `rewrapped: new version ${r.versionId ?? '-'} wrapped by ${r.keyIdsAfter.join(' ')}; version ${r.sourceVersionId ?? '-'} ${r.sourceVersionAction === 'deleted' ? 'deleted after verification' : 'kept'}`,
      };
    } catch (err) {
      // A retried task whose earlier attempt already rewrapped the object finds the manifest's
      // version no longer current: success when the current version is wrapped as asked.
      if ((err as { code?: unknown }).code !== 'ERR_S3ENC_REWRAP_NOT_CURRENT') throw err;
      const now = await client.rewrap(bucket, key, { ...options, dryRun: true });
      if (now.status === 'unchanged')
        return {
          resultCode: 'Succeeded',
          resultString: `unchanged: the current version ${now.sourceVersionId ?? '-'} is already wrapped by ${now.keyIdsAfter.join(' ')}${deleteSource ? `; version ${t.s3VersionId ?? '-'} is not deleted by a retry (a noncurrent-version lifecycle rule removes it)` : ''}`,
        };
      throw err;
    }
  };

  const encrypt = async (t: BatchTask): Promise<Outcome> => {
    if (writer === undefined) throw new Error('KMS_KEY_ARN is required for task=encrypt');
    const bucket = t.s3Bucket;
    const key = decodeTaskKey(t.s3Key);
    const h = await writer.head(bucket, key);
    if (h.encrypted)
      return {
        resultCode: 'Succeeded',
        resultString: `unchanged: already encrypted (${h.envelope.format})`,
      };
    if (t.s3VersionId && h.versionId !== t.s3VersionId) {
      const e = new Error('The object changed since the manifest was written');
      Object.assign(e, { code: 'ERR_S3ENC_REWRAP_NOT_CURRENT' });
      throw e;
    }
    const pin = { Bucket: bucket, Key: key, ...(h.versionId ? { VersionId: h.versionId } : {}) };
    const meta = await cfg.s3.send(new HeadObjectCommand({ ...pin, IfMatch: h.etag }));
    const tags =
      (meta.TagCount ?? 0) > 0
        ? Object.fromEntries(
            ((await cfg.s3.send(new GetObjectTaggingCommand(pin))).TagSet ?? []).map((x) => [
              x.Key ?? '',
              x.Value ?? '',
            ]),
          )
        : undefined;
    const got = await cfg.s3.send(new GetObjectCommand({ ...pin, IfMatch: h.etag }));
    const r = await writer.put(
      bucket,
      key,
      got.Body as NodeJS.ReadableStream & AsyncIterable<Uint8Array>,
      {
        // Conditional: a version written meanwhile is never buried under the old plaintext.
        ...(h.etag ? { ifMatch: h.etag } : {}),
        ...(meta.ContentType ? { contentType: meta.ContentType } : {}),
        ...(meta.Metadata && Object.keys(meta.Metadata).length > 0
          ? { metadata: meta.Metadata }
          : {}),
        ...(tags ? { tags } : {}),
        ...(meta.ContentLength !== undefined ? { size: meta.ContentLength } : {}),
      },
    );
    return {
      resultCode: 'Succeeded',
      resultString: `encrypted: new version ${r.versionId ?? '-'}; plaintext version ${h.versionId ?? '-'} kept (delete it once verified)`,
    };
  };

  const convert = async (args: Record<string, string>, t: BatchTask): Promise<Outcome> => {
    if (writer === undefined) throw new Error('KMS_KEY_ARN is required for task=convert');
    const r = await writer.convertObject(t.s3Bucket, decodeTaskKey(t.s3Key), {
      allowUnversionedOverwrite: args.allowUnversionedOverwrite === 'true',
    });
    return {
      resultCode: 'Succeeded',
      resultString:
        r.status === 'converted'
          ? `converted from ${r.sourceFormat}: new version ${r.newVersionId ?? '-'}`
          : `unchanged: ${r.reason ?? r.status}`,
    };
  };

  return async (event) => {
    if (event.invocationSchemaVersion !== '2.0')
      throw new Error('this function expects invocation schema 2.0 (set it in the job)');
    const args = event.job.userArguments ?? {};
    const results: BatchResult['results'] = [];
    // One task at a time: Batch Operations already runs many invocations in parallel.
    for (const t of event.tasks) {
      let out: Outcome;
      try {
        if (args.task === 'rewrap') out = await rewrap(args, t);
        else if (args.task === 'encrypt') out = await encrypt(t);
        else if (args.task === 'convert') out = await convert(args, t);
        else
          out = {
            resultCode: 'PermanentFailure',
            resultString: `unknown task ${JSON.stringify(args.task ?? null)}: set the job's user argument task to rewrap, encrypt or convert`,
          };
      } catch (err) {
        out = failureResult(err);
      }
      results.push({ taskId: t.taskId, ...out });
    }
    return {
      invocationSchemaVersion: '2.0',
      treatMissingKeysAs: 'PermanentFailure',
      invocationId: event.invocationId,
      results,
    };
  };
}

let cached: ((event: BatchEvent) => Promise<BatchResult>) | undefined;

/** The Lambda entry point. */
export const handler = (event: BatchEvent): Promise<BatchResult> => {
  cached ??= createHandler(configFromEnv());
  return cached(event);
};
