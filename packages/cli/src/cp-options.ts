/**
 * Options a user of `aws s3 cp` types, with the same names and value syntax: object fields
 * (`--metadata`, `--storage-class`, `--cache-control`, `--content-disposition`,
 * `--content-encoding`, `--content-language`, `--expires`, `--tagging`), `--expected-size`
 * (and `--size`, with units), and the output switches `--no-progress` and `--only-show-errors`.
 * The specs load nothing; the parser runs only in `put`.
 */
import type { ObjectFieldOptions, PutOptions } from '@s3enc/node';
import { parseSize, stringOpt, stringsOpt, type OptionSpecs, type ParsedValues } from './args.js';
import { UsageError } from './cli-errors.js';

/** Output switches of `aws s3 cp` (put and get). */
export const CP_OUTPUT_OPTIONS = {
  'no-progress': { type: 'boolean', description: 'draw no progress bar (as aws s3 cp)' },
  'only-show-errors': {
    type: 'boolean',
    description: 'print nothing but errors (as aws s3 cp; same as --quiet)',
  },
} as const satisfies OptionSpecs;

/** The object fields and size options of `aws s3 cp`, for put. */
export const CP_PUT_OPTIONS = {
  'expected-size': {
    type: 'string',
    valueName: 'SIZE',
    description: 'size of the data on stdin (as aws s3 cp; same as --size)',
  },
  metadata: {
    type: 'string',
    multiple: true,
    valueName: 'K=V,K2=V2|JSON',
    description: 'user metadata, as aws s3 cp: k=v,k2=v2 or {"k":"v"} (not encrypted, not secret)',
  },
  'storage-class': {
    type: 'string',
    valueName: 'CLASS',
    description:
      'STANDARD, STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER_IR, GLACIER, DEEP_ARCHIVE, …',
  },
  'cache-control': { type: 'string', valueName: 'TEXT', description: 'Cache-Control to store' },
  'content-disposition': {
    type: 'string',
    valueName: 'TEXT',
    description: 'Content-Disposition to store',
  },
  'content-encoding': {
    type: 'string',
    valueName: 'TEXT',
    description: 'Content-Encoding of the plaintext, stored as given',
  },
  'content-language': {
    type: 'string',
    valueName: 'TEXT',
    description: 'Content-Language to store',
  },
  expires: {
    type: 'string',
    valueName: 'TIME',
    description: 'Expires to store: ISO 8601 (2030-01-31T00:00:00Z) or seconds since 1970',
  },
  tagging: {
    type: 'string',
    valueName: 'K=V&K2=V2',
    description: 'object tags, URL-encoded as aws s3 cp takes them',
  },
} as const satisfies OptionSpecs;

/** `k=v,k2=v2` (the AWS CLI shorthand) or a JSON object of strings. */
export function parseMetadata(values: string[]): Record<string, string> | undefined {
  if (values.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const text of values) {
    const t = text.trim();
    if (t.startsWith('{')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(t);
      } catch {
        throw new UsageError(`--metadata is not valid JSON: ${JSON.stringify(text)}`);
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new UsageError('--metadata JSON must be an object of strings');
      for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
        if (typeof v !== 'string') throw new UsageError(`--metadata ${k}: values must be strings`);
        out[k] = v;
      }
      continue;
    }
    for (const pair of t.split(',')) {
      const i = pair.indexOf('=');
      if (i <= 0)
        throw new UsageError(
          `--metadata expects KEY=VALUE[,KEY=VALUE] or JSON, got ${JSON.stringify(text)}`,
        );
      out[pair.slice(0, i).trim()] = pair.slice(i + 1);
    }
  }
  return out;
}

/** `--expires`: ISO 8601, or seconds since the epoch, as the AWS CLI takes timestamps. */
export function parseExpires(text: string): Date {
  const d = /^\d+$/.test(text.trim()) ? new Date(Number(text) * 1000) : new Date(text);
  if (Number.isNaN(d.getTime()))
    throw new UsageError(
      `--expires expects a time such as 2030-01-31T00:00:00Z, got ${JSON.stringify(text)}`,
    );
  return d;
}

/** `--size` or `--expected-size` (bytes, or with a unit: 64KiB, 5GB, 1TiB); undefined when neither. */
export function sizeOption(values: ParsedValues): number | undefined {
  const size = stringOpt(values, 'size');
  const expected = stringOpt(values, 'expected-size');
  if (size !== undefined && expected !== undefined)
    throw new UsageError('give --size or --expected-size, not both');
  if (size !== undefined) return parseSize('size', size);
  if (expected !== undefined) return parseSize('expected-size', expected);
  return undefined;
}

/** What the `aws s3 cp` options set on a put. */
export type CpPutFields = ObjectFieldOptions & Pick<PutOptions, 'metadata' | 'tags'>;

/** `--tagging k=v&k2=v2` (URL-encoded, as S3 and the AWS CLI take it) → tags. */
export function parseTagging(text: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    if (k === '' || Object.prototype.hasOwnProperty.call(tags, k))
      throw new UsageError(
        `--tagging expects distinct KEY=VALUE pairs joined by &, got ${JSON.stringify(text)}`,
      );
    tags[k] = v;
  }
  if (Object.keys(tags).length === 0)
    throw new UsageError(`--tagging expects KEY=VALUE[&KEY=VALUE], got ${JSON.stringify(text)}`);
  return tags;
}

/** The object fields of put from the `aws s3 cp` options. */
export async function objectFieldsOf(values: ParsedValues): Promise<CpPutFields> {
  const o: CpPutFields = {};
  const metadata = parseMetadata(stringsOpt(values, 'metadata'));
  if (metadata !== undefined) o.metadata = metadata;
  const cls = stringOpt(values, 'storage-class')?.toUpperCase();
  if (cls !== undefined) {
    const { STORAGE_CLASSES } = await import('@s3enc/node');
    if (!(STORAGE_CLASSES as readonly string[]).includes(cls))
      throw new UsageError(`--storage-class must be one of ${STORAGE_CLASSES.join(', ')}`);
    o.storageClass = cls as NonNullable<ObjectFieldOptions['storageClass']>;
  }
  const str = (name: string) => stringOpt(values, name);
  const cacheControl = str('cache-control');
  if (cacheControl !== undefined) o.cacheControl = cacheControl;
  const disposition = str('content-disposition');
  if (disposition !== undefined) o.contentDisposition = disposition;
  const encoding = str('content-encoding');
  if (encoding !== undefined) o.contentEncoding = encoding;
  const language = str('content-language');
  if (language !== undefined) o.contentLanguage = language;
  const expires = str('expires');
  if (expires !== undefined) o.expires = parseExpires(expires);
  const tagging = str('tagging');
  if (tagging !== undefined) o.tags = parseTagging(tagging);
  return o;
}
