/**
 * Marks an AWS call the CLI makes itself (outside the library), so the error boundary knows
 * which service and key a failure belongs to. Keeps the SDK error as `cause`.
 */
export class ServiceCallError extends Error {
  readonly service: 'S3' | 'KMS';
  readonly operation: string;
  /** The KMS key as the user gave it, when the call was about one. */
  readonly keyId: string | undefined;
  constructor(service: 'S3' | 'KMS', operation: string, cause: unknown, keyId?: string) {
    super(`${operation} failed`, { cause });
    this.name = 'ServiceCallError';
    this.service = service;
    this.operation = operation;
    this.keyId = keyId;
  }
}
