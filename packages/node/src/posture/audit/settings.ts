/**
 * The settings an audit reads, each on its own: one that the endpoint does not implement or the
 * caller may not read is recorded as such and stops nothing else. The checks then work on
 * these reads alone (no request).
 */
import {
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLoggingCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketReplicationCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
  type GetBucketEncryptionCommandOutput,
  type GetBucketLifecycleConfigurationCommandOutput,
  type GetBucketLoggingCommandOutput,
  type GetBucketOwnershipControlsCommandOutput,
  type GetBucketReplicationCommandOutput,
  type GetBucketVersioningCommandOutput,
  type GetObjectLockConfigurationCommandOutput,
  type PublicAccessBlockConfiguration,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand,
  S3ControlClient,
} from '@aws-sdk/client-s3-control';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { readSetting, type ReadOutcome } from '../s3-read.js';
import type { AuditOptions } from './options.js';

/** Every bucket-level setting the checks look at, as read. */
export interface BucketSettings {
  readonly policy: ReadOutcome<string | undefined>;
  readonly encryption: ReadOutcome<GetBucketEncryptionCommandOutput>;
  readonly publicAccessBlock: ReadOutcome<PublicAccessBlockConfiguration | undefined>;
  readonly ownership: ReadOutcome<GetBucketOwnershipControlsCommandOutput>;
  readonly versioning: ReadOutcome<GetBucketVersioningCommandOutput>;
  readonly objectLock: ReadOutcome<GetObjectLockConfigurationCommandOutput>;
  readonly logging: ReadOutcome<GetBucketLoggingCommandOutput>;
  readonly lifecycle: ReadOutcome<GetBucketLifecycleConfigurationCommandOutput>;
  readonly replication: ReadOutcome<GetBucketReplicationCommandOutput>;
}

/** The account-level Block Public Access, or why it was not read. */
export type AccountPublicAccessBlockRead =
  | { readonly kind: 'skipped' }
  /** A custom endpoint without an S3 Control client to ask. */
  | { readonly kind: 'no-control-api' }
  /** The account id could not be learnt (STS): the failed read, or not-configured. */
  | {
      readonly kind: 'account-unknown';
      readonly read: Exclude<ReadOutcome<unknown>, { kind: 'ok' }>;
    }
  | {
      readonly kind: 'read';
      readonly accountId: string;
      readonly read: ReadOutcome<PublicAccessBlockConfiguration | undefined>;
    };

/** Reads every bucket-level setting at once. */
export async function readBucketSettings(s3: S3Client, bucket: string): Promise<BucketSettings> {
  const B = { Bucket: bucket };
  const [
    policy,
    encryption,
    publicAccessBlock,
    ownership,
    versioning,
    objectLock,
    logging,
    lifecycle,
    replication,
  ] = await Promise.all([
    readSetting(async () => (await s3.send(new GetBucketPolicyCommand(B))).Policy),
    readSetting(() => s3.send(new GetBucketEncryptionCommand(B))),
    readSetting(
      async () =>
        (await s3.send(new GetPublicAccessBlockCommand(B))).PublicAccessBlockConfiguration,
    ),
    readSetting(() => s3.send(new GetBucketOwnershipControlsCommand(B))),
    readSetting(() => s3.send(new GetBucketVersioningCommand(B))),
    readSetting(() => s3.send(new GetObjectLockConfigurationCommand(B))),
    readSetting(() => s3.send(new GetBucketLoggingCommand(B))),
    readSetting(() => s3.send(new GetBucketLifecycleConfigurationCommand(B))),
    readSetting(() => s3.send(new GetBucketReplicationCommand(B))),
  ]);
  return {
    policy,
    encryption,
    publicAccessBlock,
    ownership,
    versioning,
    objectLock,
    logging,
    lifecycle,
    replication,
  };
}

/** Reads the account-level Block Public Access (S3 Control), learning the account id from STS if needed. */
export async function readAccountPublicAccessBlock(
  s3: S3Client,
  o: AuditOptions,
): Promise<AccountPublicAccessBlockRead> {
  if (o.skipAccountChecks === true) return { kind: 'skipped' };
  const custom = (s3.config as { endpoint?: unknown }).endpoint !== undefined;
  let control = o.s3ControlClient;
  if (control === undefined) {
    if (custom) return { kind: 'no-control-api' };
    control = new S3ControlClient({
      region: await s3.config.region(),
      credentials: s3.config.credentials,
    });
  }
  let accountId = o.accountId;
  if (accountId === undefined) {
    const sts =
      o.stsClient ??
      new STSClient({ region: await s3.config.region(), credentials: s3.config.credentials });
    const who = await readSetting(() => sts.send(new GetCallerIdentityCommand({})));
    if (who.kind !== 'ok' || who.value.Account === undefined) {
      return {
        kind: 'account-unknown',
        read:
          who.kind === 'ok'
            ? { kind: 'error', code: 'NoAccount', message: 'STS returned no account' }
            : who,
      };
    }
    accountId = who.value.Account;
  }
  const acct = accountId;
  const read = await readSetting(
    async () =>
      (await control.send(new GetAccountPublicAccessBlockCommand({ AccountId: acct })))
        .PublicAccessBlockConfiguration,
  );
  return { kind: 'read', accountId: acct, read };
}
