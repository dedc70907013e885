/** Helpers shared by the commands: settings, SSE-C keys, MFA tokens. */
import { isUtf8 } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { boolOpt, stringOpt, type ParsedValues } from './args.js';
import { LocalFileError, UsageError } from './cli-errors.js';
import type { CommandContext } from './command.js';
import { resolveSettings, type ClientSettings } from './config.js';
import { ALLOW_SHARED_KEY_FILE, assertPrivateKeyFile } from './key-file-permissions.js';
import { keyMaterialPath } from './key-material-path.js';
import { recordFacts } from './run-facts.js';

function wipe0(b: Buffer): void {
  b.fill(0);
}

/** The client settings of a command (and recorded for the error boundary's explanations). */
export function settingsOf(ctx: CommandContext): ClientSettings {
  const s = resolveSettings(ctx.global, ctx.io.env, ctx.aws);
  const src = s.sources ?? {};
  recordFacts({
    settings: s,
    ...(s.profile !== undefined ? { profile: { name: s.profile, source: src.profile ?? '' } } : {}),
    ...(s.region !== undefined ? { region: { name: s.region, source: src.region ?? '' } } : {}),
    ...(s.s3Endpoint !== undefined
      ? { s3Endpoint: { url: s.s3Endpoint, source: src.s3Endpoint ?? '' } }
      : {}),
    ...(s.kmsEndpoint !== undefined
      ? { kmsEndpoint: { url: s.kmsEndpoint, source: src.kmsEndpoint ?? '' } }
      : {}),
    ...(s.caBundle !== undefined
      ? { caBundle: { path: s.caBundle, source: src.caBundle ?? '' } }
      : {}),
    configFiles: {
      config: ctx.io.env.AWS_CONFIG_FILE ?? '~/.aws/config',
      credentials: ctx.io.env.AWS_SHARED_CREDENTIALS_FILE ?? '~/.aws/credentials',
    },
  });
  return s;
}

/**
 * `--sse-c-key fileb://FILE` or `file://FILE` (as the AWS CLI reads them: bytes, or text) → 32
 * key bytes (the file holds them raw, as 64 hex or as 44 base64 characters). The key is never accepted inline: a command line is visible to other users of
 * the machine (ps, shell history).
 */
export async function sseCKeyOf(values: ParsedValues): Promise<{ key: Uint8Array } | undefined> {
  const spec = stringOpt(values, 'sse-c-key');
  const alg = stringOpt(values, 'sse-c');
  if (alg !== undefined && alg !== 'AES256')
    throw new UsageError(`--sse-c supports only AES256, got ${JSON.stringify(alg)}`);
  if (spec === undefined) {
    if (alg !== undefined) throw new UsageError('--sse-c needs --sse-c-key fileb://FILE');
    return undefined;
  }
  const { path, text } = keyMaterialPath('--sse-c-key', spec, false);
  recordFacts({ sseCKey: true });
  await assertPrivateKeyFile(path, 'the SSE-C key file', allowSharedKeyFile(values));
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new LocalFileError(
      'ERR_S3ENC_CLI_FILE',
      `cannot read the SSE-C key file ${path}: ${(e as NodeJS.ErrnoException).code ?? ''}`,
      { cause: e },
    );
  }
  if (text && !isUtf8(bytes)) {
    wipe0(bytes);
    throw new UsageError(`--sse-c-key file://${path} is not text; use fileb:// for raw key bytes`);
  }
  // The one key decoder of @s3enc/core (raw 32 bytes, 64 hex or 44 base64 characters).
  const { decodeKey256, wipe } = await import('@s3enc/core');
  try {
    return { key: decodeKey256(bytes, { code: 'ERR_S3ENC_INVALID_SSE_C_KEY' }) };
  } catch {
    throw new UsageError(
      `the SSE-C key file ${path} must hold an AES-256 key: 32 bytes, or 64 hex or 44 base64 characters`,
    );
  } finally {
    wipe(bytes);
  }
}

/** Whether the user accepted key files other users can access. */
export function allowSharedKeyFile(values: ParsedValues): boolean {
  return boolOpt(values, ALLOW_SHARED_KEY_FILE);
}

/** `--mfa "SERIAL CODE"` → { serialNumber, tokenCode } (validated by the library). */
export function mfaOf(
  values: ParsedValues,
): { serialNumber: string; tokenCode: string } | undefined {
  const v = stringOpt(values, 'mfa');
  if (v === undefined) return undefined;
  const parts = v.trim().split(/\s+/);
  if (parts.length !== 2)
    throw new UsageError(
      '--mfa expects "SERIAL CODE": the MFA device serial or ARN, a space, and the current code',
    );
  return { serialNumber: parts[0]!, tokenCode: parts[1]! };
}

/** Formats a Date for people (UTC, seconds). */
export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
