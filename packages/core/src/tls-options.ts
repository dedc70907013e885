/**
 * The one list of TLS options s3enc refuses, shared by core's KMS keyrings and @s3enc/node's
 * transport: certificate verification is always on and TLS is 1.2 or later, whatever an
 * option or the environment says (docs/FORMAT.md, "Transport").
 */
import { Agent, type AgentOptions } from 'node:https';
import { InsecureTransportError } from './errors.js';

/**
 * Options that would weaken transport security. `rejectUnauthorized` and `tls` pass only as
 * `true`; the rest are refused when set at all.
 */
export const FORBIDDEN_TLS_OPTIONS = [
  'rejectUnauthorized',
  'checkServerIdentity',
  'insecure',
  'insecureHTTPParser',
  'maxVersion',
  'secureProtocol',
  'ciphers',
  'tls',
] as const;

/** Of those, the ones that choose the protocol version or ciphers (ERR_S3ENC_TLS_VERSION). */
const VERSION_OPTIONS: ReadonlySet<string> = new Set(['maxVersion', 'secureProtocol', 'ciphers']);

/**
 * Refuses options that would weaken transport security. Returns nothing; throws
 * InsecureTransportError (ERR_S3ENC_TLS_VERIFICATION_REQUIRED) when they try to turn certificate
 * verification off, or (ERR_S3ENC_TLS_VERSION) when they choose the protocol or ciphers or ask
 * for less than TLS 1.2. `where` names the options in the message.
 */
export function assertNoWeakening(options: object | undefined, where: string): void {
  if (options === undefined || options === null) return;
  const o = options as Record<string, unknown>;
  for (const k of FORBIDDEN_TLS_OPTIONS) {
    if (!(k in o) || o[k] === undefined) continue;
    const v = o[k];
    if ((k === 'rejectUnauthorized' || k === 'tls') && v === true) continue;
    if (VERSION_OPTIONS.has(k)) {
      throw new InsecureTransportError(
        `${where}: the '${k}' option is not supported; s3enc negotiates TLS 1.2 or later with the platform's default ciphers`,
        { code: 'ERR_S3ENC_TLS_VERSION' },
      );
    }
    throw new InsecureTransportError(
      `${where}: certificate verification cannot be disabled ('${k}'); pass the private CA with the 'ca' option instead`,
      { code: 'ERR_S3ENC_TLS_VERIFICATION_REQUIRED' },
    );
  }
  if ('minVersion' in o && o.minVersion !== undefined) {
    const mv = o.minVersion;
    if (mv !== 'TLSv1.2' && mv !== 'TLSv1.3') {
      throw new InsecureTransportError(`${where}: minVersion must be 'TLSv1.2' or 'TLSv1.3'`, {
        code: 'ERR_S3ENC_TLS_VERSION',
      });
    }
  }
}

/**
 * An https.Agent that verifies certificates whatever NODE_TLS_REJECT_UNAUTHORIZED says:
 * `rejectUnauthorized: true` is passed explicitly (Node reads the variable only when the option
 * is absent), TLS 1.2 at least. `options` (e.g. `ca`) are checked first. @internal
 */
export function verifyingHttpsAgent(options: AgentOptions = {}, where = 'agent'): Agent {
  assertNoWeakening(options, where);
  return new Agent({
    keepAlive: true,
    ...options,
    minVersion: options.minVersion ?? 'TLSv1.2',
    rejectUnauthorized: true,
  });
}
