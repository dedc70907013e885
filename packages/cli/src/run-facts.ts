/**
 * What the running command decided before it failed: which endpoints it used and where each
 * came from, which KMS keys, which object. The error boundary (error-report.ts) reads them to
 * name the real cause of a failure in the command's own terms. One CLI run per process (tests
 * that call `run()` in process run one at a time), so module state is enough; `run()` resets it.
 */

import type { ClientSettings } from './config.js';

/** Where a setting came from, as a user would name it. */
export type SettingSource = string;

/** The facts of the current run. Every field is optional: a failure may come before it is known. */
export interface RunFacts {
  /** The command name (`put`, `get`, …). */
  command?: string;
  /** The profile in use and where it came from (`--profile`, `AWS_PROFILE`). */
  profile?: { name: string; source: SettingSource };
  region?: { name: string; source: SettingSource };
  s3Endpoint?: { url: string; source: SettingSource };
  kmsEndpoint?: { url: string; source: SettingSource };
  caBundle?: { path: string; source: SettingSource };
  /** The KMS key ids as given (`--kms-key-id`, `S3ENC_KMS_KEY_ID`) and where they came from. */
  kmsKeys?: { ids: string[]; source: SettingSource };
  /** Whether an SSE-C key was given. */
  sseCKey?: boolean;
  /** The S3 object (or bucket) the command works on. */
  target?: { bucket: string; key: string };
  /** The client settings the command used (to probe after a failure: cause/missing-bucket.ts). */
  settings?: ClientSettings;
  /** Set after a failure when a HeadBucket found the bucket missing. */
  bucketMissing?: boolean;
  /** The shared config and credentials files the SDK reads. */
  configFiles?: { config: string; credentials: string };
}

let facts: RunFacts = {};

/** The facts recorded so far in this run. */
export function runFacts(): Readonly<RunFacts> {
  return facts;
}

/** Records facts (merged into what is known). */
export function recordFacts(f: Partial<RunFacts>): void {
  facts = { ...facts, ...f };
}

/** Forgets everything: called at the start of each run. */
export function resetFacts(): void {
  facts = {};
}
