/**
 * The probe requests the policy checks evaluate: every principal the policy names plus an
 * anonymous caller and an outsider, every kind of S3 action on the bucket and on its objects,
 * and the context-key values the policy itself mentions.
 */
import { accountOf } from './evaluate.js';
import { isLimitingKey } from './keys.js';
import type { PolicyTarget } from './check-result.js';
import type { ContextValue, ParsedPolicy, RequestContext, RequestPrincipal } from './types.js';

export const OUTSIDER_ACCOUNT = '999999999999';
export const OUTSIDER_IPS = ['203.0.113.7', '198.51.100.7', '192.0.2.7', '2001:db8::7'];
const OBJECT_ACTIONS = [
  's3:GetObject',
  's3:PutObject',
  's3:DeleteObject',
  's3:DeleteObjectVersion',
  's3:GetObjectVersion',
  's3:PutObjectAcl',
  's3:PutObjectRetention',
  's3:PutObjectLegalHold',
  's3:AbortMultipartUpload',
  's3:RestoreObject',
  's3:GetObjectAttributes',
];
const BUCKET_ACTIONS = [
  's3:ListBucket',
  's3:ListBucketVersions',
  's3:GetBucketPolicy',
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
  's3:DeleteBucket',
  's3:PutBucketVersioning',
  's3:PutEncryptionConfiguration',
  's3:PutLifecycleConfiguration',
  's3:PutBucketAcl',
  's3:ListBucketMultipartUploads',
];

interface Resources {
  readonly bucket: string;
  readonly object: string;
}

export function resourcesOf(t: PolicyTarget): Resources {
  const arn = `arn:${t.partition ?? 'aws'}:s3:::${t.bucket}`;
  return { bucket: arn, object: `${arn}/s3enc-probe/object.bin` };
}

/** Every S3 action the probes use, with the resource it acts on. */
export function actionProbes(r: Resources): { action: string; resource: string }[] {
  return [
    ...OBJECT_ACTIONS.map((action) => ({ action, resource: r.object })),
    ...BUCKET_ACTIONS.map((action) => ({ action, resource: r.bucket })),
  ];
}

export function concretise(pattern: string): string {
  return pattern.replace(/\*/g, 's3enc-probe').replace(/\?/g, 'x');
}

export function principalKey(p: RequestPrincipal): string {
  return p.type === 'anonymous' ? 'anonymous' : `${p.type}:${p.id}`;
}

/** The principals worth probing: anonymous, an outsider, and everyone the policy names. */
export function probePrincipals(policy: ParsedPolicy, t: PolicyTarget): RequestPrincipal[] {
  const out = new Map<string, RequestPrincipal>();
  const add = (p: RequestPrincipal): void => {
    out.set(principalKey(p), p);
  };
  const addAws = (value: string): void => {
    if (value === '*') return;
    const v = concretise(value);
    const acct = accountOf(v);
    if (/^\d{12}$/.test(v) || /:root$/.test(v)) {
      add({ type: 'AWS', id: `arn:aws:iam::${acct ?? v}:root` });
      add({ type: 'AWS', id: `arn:aws:iam::${acct ?? v}:role/s3enc-probe` });
      return;
    }
    add({ type: 'AWS', id: v });
    const role = /^arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(v);
    if (role !== null)
      add({
        type: 'AWS',
        id: `arn:${role[1]}:sts::${role[2]}:assumed-role/${role[3]}/s3enc-probe`,
      });
  };
  add({ type: 'anonymous' });
  add({ type: 'AWS', id: `arn:aws:iam::${OUTSIDER_ACCOUNT}:role/s3enc-probe-outsider` });
  if (t.accountId !== undefined) addAws(t.accountId);
  for (const s of policy.statements) {
    for (const block of [s.principal, s.notPrincipal]) {
      if (block === undefined) continue;
      block.AWS.forEach(addAws);
      for (const kind of ['Service', 'Federated', 'CanonicalUser'] as const) {
        for (const id of block[kind]) add({ type: kind, id: concretise(id) });
      }
    }
    for (const c of s.conditions) {
      if (c.key.toLowerCase() === 'aws:principalarn') c.values.forEach(addAws);
    }
  }
  return [...out.values()];
}

export function principalContext(p: RequestPrincipal): Record<string, ContextValue> {
  if (p.type !== 'AWS')
    return p.type === 'Service'
      ? { 'aws:PrincipalServiceName': p.id, 'aws:PrincipalIsAWSService': true }
      : {};
  const ctx: Record<string, ContextValue> = {
    'aws:PrincipalArn': p.id,
    'aws:PrincipalIsAWSService': false,
  };
  const acct = accountOf(p.id);
  if (acct !== undefined) ctx['aws:PrincipalAccount'] = acct;
  return ctx;
}

export function firstAddress(cidr: string): string {
  return cidr.split('/')[0]!;
}

/**
 * For each condition key in the policy (except those fixed by the question), the values a
 * probe tries: absent, every value the policy mentions, and one it does not.
 */
export function keyVariants(
  policy: ParsedPolicy,
  fixed: ReadonlySet<string>,
  onlyControllable: boolean,
): Map<string, (string | undefined)[]> {
  const out = new Map<string, Set<string | undefined>>();
  for (const s of policy.statements) {
    for (const c of s.conditions) {
      const key = c.key.toLowerCase();
      if (fixed.has(key)) continue;
      if (onlyControllable && isLimitingKey(key)) continue;
      let set = out.get(key);
      if (set === undefined) {
        set = new Set<string | undefined>([undefined]);
        out.set(key, set);
      }
      switch (c.baseOperator) {
        case 'Bool':
        case 'Null':
          set.add('true');
          set.add('false');
          break;
        case 'IpAddress':
        case 'NotIpAddress':
          c.values.forEach((v) => set.add(firstAddress(v)));
          set.add(OUTSIDER_IPS[0]);
          break;
        default:
          if (c.baseOperator.startsWith('Numeric')) {
            for (const v of c.values) {
              const n = Number(v);
              [n - 1, n, n + 1].forEach((x) => set.add(String(x)));
            }
          } else if (c.baseOperator.startsWith('Date')) {
            c.values.forEach((v) => set.add(v));
            set.add(new Date().toISOString());
          } else {
            c.values.forEach((v) => set.add(concretise(v)));
            set.add('s3enc-probe-other');
          }
      }
    }
  }
  return new Map([...out].map(([k, v]) => [k, [...v]]));
}

const MAX_COMBINATIONS = 128;
export const IDENTITY_KEYS = [
  'aws:PrincipalArn',
  'aws:PrincipalAccount',
  'aws:userid',
  'aws:username',
  'aws:PrincipalIsAWSService',
  'aws:PrincipalServiceName',
  'aws:PrincipalType',
];

/** Context variants: the full product of key values when small, else one key at a time. */
export function* contextVariants(
  base: Readonly<Record<string, ContextValue>>,
  variants: Map<string, (string | undefined)[]>,
): Generator<Record<string, ContextValue>> {
  const keys = [...variants.keys()];
  let product = 1;
  for (const k of keys) product *= variants.get(k)!.length;
  if (product <= MAX_COMBINATIONS) {
    const idx = keys.map(() => 0);
    for (;;) {
      const ctx: Record<string, ContextValue> = { ...base };
      keys.forEach((k, i) => {
        const v = variants.get(k)![idx[i]!];
        if (v !== undefined) ctx[k] = v;
      });
      yield ctx;
      let i = 0;
      while (i < keys.length) {
        idx[i]! += 1;
        if (idx[i]! < variants.get(keys[i]!)!.length) break;
        idx[i] = 0;
        i++;
      }
      if (i === keys.length) return;
    }
  }
  yield { ...base };
  for (const k of keys) {
    for (const v of variants.get(k)!) if (v !== undefined) yield { ...base, [k]: v };
  }
}

export function* requestsFor(
  policy: ParsedPolicy,
  t: PolicyTarget,
  fixedOrAbsent: Readonly<Record<string, ContextValue | undefined>>,
  actions: readonly { action: string; resource: string }[],
  options: { skipPrincipal?: (p: RequestPrincipal) => boolean } = {},
): Generator<RequestContext> {
  // A key mapped to undefined is held absent: the question is not about it.
  // Keys that describe the principal come from the principal, never from a variant.
  const fixedKeys = new Set(
    [...Object.keys(fixedOrAbsent), ...IDENTITY_KEYS].map((k) => k.toLowerCase()),
  );
  const fixed: Record<string, ContextValue> = {};
  for (const [k, v] of Object.entries(fixedOrAbsent)) if (v !== undefined) fixed[k] = v;
  const principals = probePrincipals(policy, t).filter(
    (p) => !(options.skipPrincipal?.(p) ?? false),
  );
  for (const p of principals) {
    const pctx = principalContext(p);
    const pkeys = new Set([...fixedKeys, ...Object.keys(pctx).map((k) => k.toLowerCase())]);
    const variants = keyVariants(policy, pkeys, false);
    for (const { action, resource } of actions) {
      for (const context of contextVariants({ ...pctx, ...fixed }, variants)) {
        yield { principal: p, action, resource, context };
      }
    }
  }
}
