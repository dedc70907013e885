/** The KMS causes of a failure: a key KMS does not know, a disabled key, a denied one, a key of another Region. */
import { ExitCode } from '../exit-codes.js';
import type { RunFacts } from '../run-facts.js';
import { findLink, type ErrorFields } from './error-chain.js';
import { detailOf, endpointOf, type Explanation } from './explanation.js';

const KMS_NOT_FOUND = new Set(['NotFoundException']);
const KMS_DISABLED = new Set([
  'DisabledException',
  'KMSInvalidStateException',
  'KeyUnavailableException',
]);
const KMS_DENIED = new Set(['AccessDeniedException']);

function keysText(f: RunFacts): string {
  if (f.kmsKeys === undefined) return 'the KMS key';
  const ids = f.kmsKeys.ids.join(', ');
  return `the KMS key ${ids} (from ${f.kmsKeys.source})`;
}

/** The Region of a key ARN, if it is one. */
function arnRegion(id: string): string | undefined {
  return /^arn:aws[a-z-]*:kms:([a-z0-9-]+):/.exec(id)?.[1];
}

export function explainKms(links: ErrorFields[], f: RunFacts): Explanation | undefined {
  const keys = keysText(f);
  const region = f.region?.name;
  const ep = endpointOf('KMS', f);
  const base = (kind: string, l: ErrorFields, id: string) => ({
    kind,
    service: 'KMS' as const,
    endpointSource: ep.source,
    ...(ep.url ? { endpoint: ep.url } : {}),
    ...(f.kmsKeys ? { kmsKeyIds: f.kmsKeys.ids } : {}),
    detail: detailOf(l) ?? id,
  });
  let hit = findLink(links, KMS_NOT_FOUND);
  if (hit) {
    const other = f.kmsKeys?.ids
      .map(arnRegion)
      .find((r) => r !== undefined && region !== undefined && r !== region);
    if (other !== undefined) {
      return {
        code: 'ERR_S3ENC_CLI_KMS_WRONG_REGION',
        exitCode: ExitCode.ACCESS,
        message: `${keys} is in Region ${other}, but KMS was asked in ${region} at ${ep.text}, which does not know it`,
        hint: `Use a key of ${region} (or a multi-Region replica there), or run with --region ${other}; with a custom KMS endpoint, give one that serves ${other}.`,
        cause: base('kms-wrong-region', hit.link, hit.id),
      };
    }
    return {
      code: 'ERR_S3ENC_CLI_KMS_KEY_NOT_FOUND',
      exitCode: ExitCode.ACCESS,
      message: `KMS at ${ep.text} does not know ${keys}${region ? ` in Region ${region}` : ''}`,
      hint: 'Check the key id, ARN or alias (--kms-key-id / S3ENC_KMS_KEY_ID); a key of another Region needs its full ARN and that Region (--region).',
      cause: base('kms-key-not-found', hit.link, hit.id),
    };
  }
  hit = findLink(links, KMS_DISABLED);
  if (hit) {
    return {
      code: 'ERR_S3ENC_CLI_KMS_KEY_DISABLED',
      exitCode: ExitCode.ACCESS,
      message: `${keys} cannot be used: it is disabled or pending deletion (${hit.id})`,
      hint: 'Enable the key (kms:EnableKey) or cancel its deletion, or use another key with --kms-key-id.',
      cause: base('kms-key-disabled', hit.link, hit.id),
    };
  }
  hit = findLink(links, KMS_DENIED);
  if (hit) {
    return {
      code: 'ERR_S3ENC_CLI_KMS_ACCESS_DENIED',
      exitCode: ExitCode.ACCESS,
      message: `KMS denied the use of ${keys} (${hit.id})`,
      hint: `The credentials${f.profile ? ` of profile ${f.profile.name}` : ''} need kms:GenerateDataKey (put), kms:Decrypt (get) and kms:DescribeKey (for aliases) on the key, in its key policy or an IAM policy.`,
      cause: base('kms-access-denied', hit.link, hit.id),
    };
  }
  return undefined;
}
