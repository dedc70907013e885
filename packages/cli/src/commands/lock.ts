/**
 * `s3enc lock show|retain|extend|legal-hold s3://bucket/key …` over the Object Lock helpers of
 * @s3enc/node, which check the current state first and refuse what would weaken a lock.
 */
import {
  extendRetention,
  getLegalHold,
  getRetention,
  putLegalHold,
  putRetention,
  type RetentionMode,
} from '@s3enc/node';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { S3RequestError } from '@s3enc/core';
import { boolOpt, parsePositiveInt, stringOpt, type ParsedValues } from '../args.js';
import { UsageError } from '../cli-errors.js';
import { makeS3Client } from '../clients.js';
import type { CommandContext } from '../command.js';
import { isoSeconds, settingsOf } from '../common.js';
import { parseS3Url } from '../s3-url.js';
import { terminalSafe } from '../terminal-text.js';

const SUBCOMMANDS = ['show', 'retain', 'extend', 'legal-hold'] as const;
type Sub = (typeof SUBCOMMANDS)[number];

function whenOf(values: ParsedValues): { retainUntil: Date } | { retainFor: { days: number } } {
  const until = stringOpt(values, 'until');
  const days = stringOpt(values, 'days');
  if ((until === undefined) === (days === undefined))
    throw new UsageError('give exactly one of --until DATE and --days N');
  if (days !== undefined) return { retainFor: { days: parsePositiveInt('days', days) } };
  const d = new Date(until!);
  if (Number.isNaN(d.getTime()))
    throw new UsageError(
      `--until expects an ISO 8601 date such as 2030-01-31T00:00:00Z, got ${JSON.stringify(until)}`,
    );
  return { retainUntil: d };
}

function modeOf(values: ParsedValues): RetentionMode {
  const m = stringOpt(values, 'mode')?.toUpperCase();
  if (m !== 'GOVERNANCE' && m !== 'COMPLIANCE')
    throw new UsageError('--mode must be GOVERNANCE or COMPLIANCE');
  return m;
}

export async function run(ctx: CommandContext): Promise<number | undefined> {
  const sub = ctx.positionals[0]!;
  if (!(SUBCOMMANDS as readonly string[]).includes(sub)) {
    throw new UsageError(
      `unknown lock subcommand ${JSON.stringify(sub)}; expected one of ${SUBCOMMANDS.join(', ')}`,
    );
  }
  const { bucket, key } = parseS3Url(ctx.positionals[1]!);
  const versionId = stringOpt(ctx.values, 'version-id');
  const address = { bucket, key, ...(versionId !== undefined ? { versionId } : {}) };
  const extraArg = ctx.positionals[2];
  if ((sub as Sub) !== 'legal-hold' && extraArg !== undefined)
    throw new UsageError(`unexpected argument ${JSON.stringify(extraArg)}`);
  const url = `s3://${bucket}/${key}${versionId !== undefined ? ` (version ${versionId})` : ''}`;
  const s3 = makeS3Client(settingsOf(ctx));
  try {
    switch (sub as Sub) {
      case 'show': {
        // A bucket without Object Lock is a state to report, not a failure.
        const state = await Promise.all([
          getRetention(s3, address),
          getLegalHold(s3, address),
        ]).catch((e: unknown) => {
          if ((e as { code?: unknown }).code === 'ERR_S3ENC_LOCK_NOT_ENABLED') return undefined;
          throw e;
        });
        // "No Object Lock" is only true of a bucket that exists.
        if (state === undefined)
          await s3.send(new HeadBucketCommand({ Bucket: bucket })).catch((e: unknown) => {
            const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata
              ?.httpStatusCode;
            throw new S3RequestError(
              status === 404 ? 'ERR_S3ENC_NO_SUCH_BUCKET' : 'ERR_S3ENC_S3_REQUEST',
              `HeadBucket failed${status === undefined ? '' : ` (HTTP ${status})`}`,
              { cause: e, statusCode: status },
            );
          });
        if (state === undefined) {
          ctx.out.result(
            {
              ok: true,
              bucket,
              key,
              versionId: versionId ?? null,
              objectLock: false,
              retention: null,
              legalHold: false,
            },
            () =>
              terminalSafe(
                [
                  url,
                  `  Object Lock is not enabled on bucket ${bucket}: no retention or legal hold can apply`,
                  '  (it is enabled when a bucket is created, or later on a versioned bucket; `s3enc audit` reports it)',
                ].join('\n'),
              ),
          );
          break;
        }
        const [retention, legalHold] = state;
        const active = retention !== undefined && retention.retainUntil.getTime() > Date.now();
        ctx.out.result(
          {
            ok: true,
            bucket,
            key,
            versionId: versionId ?? null,
            objectLock: true,
            retention: retention
              ? { mode: retention.mode, retainUntil: retention.retainUntil.toISOString(), active }
              : null,
            legalHold,
          },
          () =>
            [
              url,
              `  retention:  ${retention ? `${retention.mode} until ${isoSeconds(retention.retainUntil)}${active ? '' : ' (expired)'}` : 'none'}`,
              `  legal hold: ${legalHold ? 'ON' : 'off'}`,
            ].join('\n'),
        );
        break;
      }
      case 'retain': {
        const mode = modeOf(ctx.values);
        if (mode === 'COMPLIANCE' && !boolOpt(ctx.values, 'yes-irreversible')) {
          throw new UsageError(
            'COMPLIANCE retention cannot be shortened or removed by anyone, the account root included, until it expires. ' +
              'If that is what you want, repeat with --yes-irreversible (or use --mode GOVERNANCE).',
          );
        }
        const r = await putRetention(s3, {
          ...address,
          mode,
          ...whenOf(ctx.values),
          acknowledgeComplianceIsIrreversible: boolOpt(ctx.values, 'yes-irreversible'),
          bypassGovernanceRetention: boolOpt(ctx.values, 'bypass-governance-retention'),
        });
        ctx.out.result(
          {
            ok: true,
            bucket,
            key,
            versionId: versionId ?? null,
            retention: { mode: r.mode, retainUntil: r.retainUntil.toISOString() },
          },
          () => `${url}: ${r.mode} retention until ${isoSeconds(r.retainUntil)}`,
        );
        break;
      }
      case 'extend': {
        if (stringOpt(ctx.values, 'mode') !== undefined)
          throw new UsageError('extend keeps the current mode; use `lock retain` to change it');
        const r = await extendRetention(s3, {
          ...address,
          ...whenOf(ctx.values),
          acknowledgeComplianceIsIrreversible: boolOpt(ctx.values, 'yes-irreversible'),
        });
        ctx.out.result(
          {
            ok: true,
            bucket,
            key,
            versionId: versionId ?? null,
            retention: { mode: r.mode, retainUntil: r.retainUntil.toISOString() },
          },
          () => `${url}: ${r.mode} retention now until ${isoSeconds(r.retainUntil)}`,
        );
        break;
      }
      case 'legal-hold': {
        const state = extraArg?.toLowerCase();
        if (state !== 'on' && state !== 'off')
          throw new UsageError('usage: s3enc lock legal-hold s3://bucket/key on|off');
        await putLegalHold(s3, { ...address, legalHold: state === 'on' });
        ctx.out.result(
          { ok: true, bucket, key, versionId: versionId ?? null, legalHold: state === 'on' },
          () =>
            `${url}: legal hold ${state === 'on' ? 'ON (deletion blocked until released)' : 'released'}`,
        );
        break;
      }
    }
  } finally {
    s3.destroy();
  }
  return undefined;
}
