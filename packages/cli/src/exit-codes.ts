/** The exit codes (docs/cli.md, "Exit codes"); part of the CLI's contract. */
export const ExitCode = {
  /** Success. */
  OK: 0,
  /** Anything not listed below: network, S3 errors other than access, local files. */
  FAILURE: 1,
  /** The command line or configuration is unusable: fix the arguments. */
  USAGE: 2,
  /** The object failed authentication: tampered, truncated, not an s3enc object, wrong context. */
  INTEGRITY: 3,
  /** Access or key error: KMS denied, no matching key, AccessDenied, missing credentials. */
  ACCESS: 4,
  /** `audit` found failing checks (for pipelines); `harden` could not make a change. */
  FINDINGS: 5,
  /** Interrupted (Ctrl-C). */
  INTERRUPTED: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
