import { UsageError } from './cli-errors.js';
import { recordFacts } from './run-facts.js';

export interface S3Location {
  bucket: string;
  key: string;
}

/** Parses `s3://bucket/key` (the key may contain `/`; it is taken verbatim, not URL-decoded). */
export function parseS3Url(text: string, o: { requireKey?: boolean } = {}): S3Location {
  const requireKey = o.requireKey ?? true;
  const m = /^s3:\/\/([^/]+)(?:\/(.*))?$/s.exec(text);
  if (!m) throw new UsageError(`expected s3://bucket/key, got ${JSON.stringify(text)}`);
  const bucket = m[1]!;
  const key = m[2] ?? '';
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new UsageError(`${JSON.stringify(bucket)} is not a valid bucket name`);
  }
  if (requireKey && key === '')
    throw new UsageError(`expected s3://bucket/key with a key, got ${JSON.stringify(text)}`);
  recordFacts({ target: { bucket, key } });
  return { bucket, key };
}

export function isS3Url(text: string): boolean {
  return text.startsWith('s3://');
}
