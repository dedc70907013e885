/** `s3enc head s3://bucket/key`: the envelope and S3 facts of an object. No key is unwrapped. */
import { describeObject, type HeadResult } from '@s3enc/node';
import { stringOpt } from '../args.js';
import { makeS3Client } from '../clients.js';
import type { CommandContext } from '../command.js';
import { isoSeconds, settingsOf, sseCKeyOf } from '../common.js';
import { formatBytes } from '../output.js';
import { parseS3Url } from '../s3-url.js';
import { terminalSafe } from '../terminal-text.js';

function human(url: string, h: HeadResult): string {
  const rows: Array<[string, string]> = [];
  rows.push(['version', h.versionId ?? '(unversioned)']);
  rows.push(['stored size', `${h.storedSize} bytes${h.encrypted ? ' (ciphertext)' : ''}`]);
  if (h.encrypted && h.envelope.format !== 'aws-encryption-sdk') {
    const e = h.envelope;
    rows.push([
      'encryption',
      `client-side, Amazon S3 Encryption Client ${e.format} (metadata v${e.metadataVersion}, ${e.metadataLocation === 'object' ? 'on the object' : `instruction file ${e.instructionFileKey ?? ''}`})`,
    ]);
    rows.push([
      'content',
      `${e.contentAlgorithm === '115' ? 'AES-256-GCM, HKDF-SHA512, key-committing (suite 115)' : e.contentAlgorithm}${e.authenticated ? '' : ' — NOT authenticated (needs --allow-unauthenticated-legacy-content)'}`,
    ]);
    rows.push([
      'data key wrap',
      `${e.wrapAlgorithm}${e.legacyKeyWrapping ? ' — legacy (needs --allow-legacy-key-wrapping)' : ''}`,
    ]);
    rows.push([
      'plaintext size',
      e.plaintextSize === undefined
        ? 'known after decryption (CBC padding)'
        : `${e.plaintextSize} bytes (${formatBytes(e.plaintextSize)})`,
    ]);
    e.keyIds.forEach((k, i) => rows.push([i === 0 ? 'KMS key named' : '', k]));
    const pairs = Object.entries({ ...e.encryptionContext, ...e.materialDescription });
    const label =
      Object.keys(e.encryptionContext).length > 0 ? 'encryption context' : 'material description';
    if (pairs.length === 0) rows.push([label, '(none)']);
    pairs.forEach(([k, val], i) => rows.push([i === 0 ? label : '', `${k}=${val}`]));
    rows.push(['ranges', 'whole object only (`s3enc convert` for authenticated ranges)']);
  } else if (h.encrypted && h.envelope.format === 'aws-encryption-sdk') {
    const e = h.envelope;
    rows.push(['encryption', `client-side, AWS Encryption SDK message v${e.formatVersion}`]);
    rows.push([
      'suite',
      `0x${e.suiteId.toString(16).padStart(4, '0')} ${e.suiteName}${e.committing ? ', key-committing' : ''}${e.signed ? ', signed' : ''}`,
    ]);
    rows.push(['message id', e.messageId]);
    rows.push(['plaintext size', `${e.plaintextSize} bytes (${formatBytes(e.plaintextSize)})`]);
    rows.push(['frames', `${e.frames} × ${e.frameLength} bytes, header ${e.headerLength} bytes`]);
    e.keyIds.forEach((k, i) => rows.push([i === 0 ? 'data key wrapped by' : '', k]));
    const ctxPairs = Object.entries(e.encryptionContext);
    if (ctxPairs.length === 0) rows.push(['encryption context', '(none)']);
    ctxPairs.forEach(([k, val], i) =>
      rows.push([i === 0 ? 'encryption context' : '', `${k}=${val}`]),
    );
  } else {
    rows.push([
      'encryption',
      'NOT an s3enc object, nor an S3 Encryption Client object (no client-side encryption)',
    ]);
  }
  rows.push([
    'server-side',
    h.sse === undefined
      ? 'none'
      : `${h.sse.type}${h.sse.kmsKeyId !== undefined ? ` ${h.sse.kmsKeyId}` : ''}${h.sse.bucketKey === true ? ' (bucket key)' : ''}`,
  ]);
  if (h.lock !== undefined && (h.lock.mode !== undefined || h.lock.legalHold !== undefined)) {
    const parts: string[] = [];
    if (h.lock.mode !== undefined)
      parts.push(
        `${h.lock.mode}${h.lock.retainUntil ? ` until ${isoSeconds(h.lock.retainUntil)}` : ''}`,
      );
    if (h.lock.legalHold === true) parts.push('legal hold ON');
    rows.push(['object lock', parts.join(', ') || 'none']);
  }
  if (h.lastModified !== undefined) rows.push(['last modified', isoSeconds(h.lastModified)]);
  if (h.etag !== undefined) rows.push(['etag', h.etag]);
  // Every value may come from the object or the server (context, key ids, ETag, SSE key id).
  const w = Math.max(...rows.map((r) => r[0].length));
  return [
    terminalSafe(url),
    ...rows.map(([k, val]) => `  ${(k === '' ? '' : `${k}:`).padEnd(w + 1)} ${terminalSafe(val)}`),
  ].join('\n');
}

export async function run(ctx: CommandContext): Promise<number | undefined> {
  const { bucket, key } = parseS3Url(ctx.positionals[0]!);
  const versionId = stringOpt(ctx.values, 'version-id');
  const sseCustomerKey = (await sseCKeyOf(ctx.values))?.key;
  const instructionFileSuffix = stringOpt(ctx.values, 'instruction-file-suffix');
  // No keyring: head unwraps nothing.
  const s3 = makeS3Client(settingsOf(ctx));
  try {
    const h = await describeObject(s3, bucket, key, {
      signal: ctx.signal,
      ...(versionId !== undefined ? { versionId } : {}),
      ...(sseCustomerKey ? { sseCustomerKey } : {}),
      ...(instructionFileSuffix !== undefined ? { instructionFileSuffix } : {}),
    });
    ctx.out.result({ ok: true, ...h }, () => human(`s3://${bucket}/${key}`, h));
  } finally {
    s3.destroy();
  }
  return undefined;
}
