/**
 * Argument checks shared by the Object Lock and versioning helpers. Everything here runs before
 * any request, throws `InvalidArgumentError` with a precise code, and never calls S3.
 */
import { argError } from './errors.js';

/** An Object Lock retention mode. */
export type RetentionMode = 'GOVERNANCE' | 'COMPLIANCE';

/** A retention length counted from now: whole days or whole years (calendar years, UTC). */
export type RetentionPeriod = { days: number; years?: never } | { years: number; days?: never };

/** Longest retention accepted (S3's limit for default retention is 100 years / 36500 days). */
export const MAX_RETENTION_DAYS = 36_500;
export const MAX_RETENTION_YEARS = 100;

/** @internal */
export function checkName(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') {
    throw argError('ERR_S3ENC_INVALID_ARGUMENT', `${what} must be a non-empty string`);
  }
  return value;
}

/** @internal */
export function checkMode(mode: unknown): RetentionMode {
  if (mode === 'GOVERNANCE' || mode === 'COMPLIANCE') return mode;
  throw argError(
    'ERR_S3ENC_LOCK_UNKNOWN_MODE',
    `Unknown Object Lock mode ${JSON.stringify(mode) ?? String(mode)}: use 'GOVERNANCE' (can be lifted with ` +
      `bypassGovernanceRetention) or 'COMPLIANCE' (nobody can shorten or remove it, root included)`,
  );
}

/**
 * @internal
 * COMPLIANCE retention cannot be shortened or removed by anyone (the account root included)
 * until it expires, so it needs an option whose name says so.
 */
export function checkComplianceAcknowledged(mode: RetentionMode, acknowledged: unknown): void {
  if (mode === 'COMPLIANCE' && acknowledged !== true) {
    throw argError(
      'ERR_S3ENC_LOCK_COMPLIANCE_NOT_ACKNOWLEDGED',
      'COMPLIANCE retention cannot be shortened or removed by anyone, root included, until it expires, ' +
        'and the object cannot be deleted before then. Pass acknowledgeComplianceIsIrreversible: true ' +
        "to confirm, or use mode 'GOVERNANCE'",
    );
  }
}

/** @internal Checks a retention period and returns it with its unit. */
export function checkPeriod(period: unknown): { days: number } | { years: number } {
  if (period === null || typeof period !== 'object') {
    throw argError(
      'ERR_S3ENC_LOCK_INVALID_RETENTION',
      'retainFor must be { days: n } or { years: n }',
    );
  }
  const p = period as { days?: unknown; years?: unknown };
  const hasDays = p.days !== undefined;
  const hasYears = p.years !== undefined;
  if (hasDays === hasYears) {
    throw argError(
      'ERR_S3ENC_LOCK_INVALID_RETENTION',
      'retainFor must have exactly one of days or years',
    );
  }
  const [value, unit, max] = hasDays
    ? [p.days, 'days', MAX_RETENTION_DAYS]
    : [p.years, 'years', MAX_RETENTION_YEARS];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw argError(
      'ERR_S3ENC_LOCK_INVALID_RETENTION',
      `retainFor.${unit} must be a whole number from 1 to ${max} (got ${String(value)})`,
    );
  }
  return hasDays ? { days: value } : { years: value };
}

/** @internal The date `period` after `now` (years are calendar years in UTC). */
export function addPeriod(now: Date, period: { days: number } | { years: number }): Date {
  if ('days' in period) return new Date(now.getTime() + period.days * 86_400_000);
  const d = new Date(now.getTime());
  d.setUTCFullYear(d.getUTCFullYear() + period.years);
  return d;
}

/**
 * @internal
 * Resolves `retainUntil` / `retainFor` to a date in the future. Exactly one must be given.
 * S3 keeps retain-until dates to the second, so the result is rounded UP to a whole second
 * (never shorter than asked).
 */
export function resolveRetainUntil(
  o: { retainUntil?: unknown; retainFor?: unknown },
  now: Date,
): Date {
  const hasUntil = o.retainUntil !== undefined;
  const hasFor = o.retainFor !== undefined;
  if (hasUntil === hasFor) {
    throw argError(
      'ERR_S3ENC_LOCK_INVALID_RETENTION',
      'A retention needs exactly one of retainUntil (a Date) or retainFor ({ days } or { years })',
    );
  }
  let until: Date;
  if (hasUntil) {
    if (!(o.retainUntil instanceof Date) || Number.isNaN(o.retainUntil.getTime())) {
      throw argError('ERR_S3ENC_LOCK_INVALID_RETENTION', 'retainUntil must be a valid Date');
    }
    until = o.retainUntil;
  } else {
    until = addPeriod(now, checkPeriod(o.retainFor));
  }
  if (until.getTime() <= now.getTime()) {
    throw argError(
      'ERR_S3ENC_LOCK_RETAIN_UNTIL_IN_PAST',
      `retainUntil ${until.toISOString()} is not in the future (now ${now.toISOString()}): ` +
        'pass a later date or use retainFor',
    );
  }
  const ms = until.getTime();
  return new Date(Math.ceil(ms / 1000) * 1000);
}

/** @internal Compares two instants at the one-second precision S3 stores. */
export function compareSeconds(a: Date, b: Date): number {
  return Math.floor(a.getTime() / 1000) - Math.floor(b.getTime() / 1000);
}
