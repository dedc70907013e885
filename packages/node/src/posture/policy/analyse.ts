/**
 * Answers the practice questions about a bucket policy by evaluating it, never by reading its
 * text: each question is turned into a set of probe requests (every principal the policy
 * names plus an anonymous caller and an outsider, every kind of S3 action on the bucket and
 * on its objects, and the context-key values the policy itself mentions), and the answer is
 * what {@link evaluatePolicy} decides for them. A "no" comes with the first request that
 * shows it (a counterexample).
 */
import { isIP } from 'node:net';
import { evaluateCondition, isNegatedOperator } from './conditions.js';
import { accountOf, evaluatePolicy, principalMatches } from './evaluate.js';
import { globMatch } from './glob.js';
import { isKnownConditionKey, isLimitingKey, MULTIVALUED_KEYS } from './keys.js';
import type {
  ContextValue,
  Decision,
  EvaluationResult,
  ParsedPolicy,
  PolicyStatement,
  RequestContext,
  RequestPrincipal,
} from './types.js';

/** Which bucket the policy is for, and who owns it. */
export interface PolicyTarget {
  /** The bucket name; resources are `arn:<partition>:s3:::<bucket>` and `…/<bucket>/*`. */
  readonly bucket: string;
  /** `aws` unless the bucket lives in another partition (`aws-cn`, `aws-us-gov`). */
  readonly partition?: string;
  /** The bucket owner's account id; adds a same-account principal to the probes. */
  readonly accountId?: string;
  /**
   * Principal ARNs deliberately exempted from network restrictions (break-glass roles): the
   * network question does not count them as holes.
   */
  readonly exemptPrincipalArns?: readonly string[];
}

/** A request the policy does not treat as the question requires, in JSON-friendly form. */
export interface Counterexample {
  /** `anonymous` or `<type>:<id>`, e.g. `AWS:arn:aws:iam::111122223333:role/app`. */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, string | readonly string[]>>;
  readonly decision: Decision;
}

/** The answer to one practice question. */
export interface PolicyCheckResult {
  /** True when the policy does what the practice asks. */
  readonly ok: boolean;
  /** One sentence, suitable as report evidence. */
  readonly summary: string;
  /** Labels (`"Sid"` or `Statement[i]`) of the statements that decided the answer. */
  readonly statements: readonly string[];
  /** When `ok` is false: a request that shows it. */
  readonly counterexample?: Counterexample;
  /** Things that are not wrong for the question but worth a look (e.g. a lock-out). */
  readonly warnings: readonly string[];
}

/** A finding about how a statement is written, independent of any expectation. */
export interface PolicyLint {
  readonly code:
    | 'not-principal-deny'
    | 'not-principal-allow'
    | 'multivalued-key-single-operator'
    | 'for-all-values-allow'
    | 'if-exists-allow-limiting-key'
    | 'unknown-condition-key'
    | 'allow-on-secure-transport'
    | 'iam-user-principal';
  readonly statement: string;
  readonly message: string;
}

/** The label a report uses for a statement. */
export function statementLabel(s: PolicyStatement): string {
  return s.sid !== undefined && s.sid !== '' ? s.sid : `Statement[${s.index}]`;
}

const OUTSIDER_ACCOUNT = '999999999999';
const OUTSIDER_IPS = ['203.0.113.7', '198.51.100.7', '192.0.2.7', '2001:db8::7'];
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

function resourcesOf(t: PolicyTarget): Resources {
  const arn = `arn:${t.partition ?? 'aws'}:s3:::${t.bucket}`;
  return { bucket: arn, object: `${arn}/s3enc-probe/object.bin` };
}

/** Every S3 action the probes use, with the resource it acts on. */
function actionProbes(r: Resources): { action: string; resource: string }[] {
  return [
    ...OBJECT_ACTIONS.map((action) => ({ action, resource: r.object })),
    ...BUCKET_ACTIONS.map((action) => ({ action, resource: r.bucket })),
  ];
}

function concretise(pattern: string): string {
  return pattern.replace(/\*/g, 's3enc-probe').replace(/\?/g, 'x');
}

function principalKey(p: RequestPrincipal): string {
  return p.type === 'anonymous' ? 'anonymous' : `${p.type}:${p.id}`;
}

/** The principals worth probing: anonymous, an outsider, and everyone the policy names. */
function probePrincipals(policy: ParsedPolicy, t: PolicyTarget): RequestPrincipal[] {
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

function principalContext(p: RequestPrincipal): Record<string, ContextValue> {
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

function firstAddress(cidr: string): string {
  return cidr.split('/')[0]!;
}

/**
 * For each condition key in the policy (except those fixed by the question), the values a
 * probe tries: absent, every value the policy mentions, and one it does not.
 */
function keyVariants(
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
const IDENTITY_KEYS = [
  'aws:PrincipalArn',
  'aws:PrincipalAccount',
  'aws:userid',
  'aws:username',
  'aws:PrincipalIsAWSService',
  'aws:PrincipalServiceName',
  'aws:PrincipalType',
];

/** The deciding Deny statements that test one of `keys` (so a warning names the right cause). */
function denyingOn(e: EvaluationResult, keys: readonly string[]): string[] {
  const lower = keys.map((k) => k.toLowerCase());
  return e.matchedDeny
    .filter(
      (s) =>
        s.notPrincipal !== undefined ||
        s.conditions.some((c) => lower.some((k) => c.key.toLowerCase().startsWith(k))),
    )
    .map(statementLabel);
}

/** Context variants: the full product of key values when small, else one key at a time. */
function* contextVariants(
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

function toCounterexample(r: RequestContext, decision: Decision): Counterexample {
  const context: Record<string, string | readonly string[]> = {};
  for (const [k, v] of Object.entries(r.context ?? {})) {
    context[k] = Array.isArray(v) ? v.map(String) : String(v);
  }
  return {
    principal: principalKey(r.principal),
    action: r.action,
    resource: r.resource,
    context,
    decision,
  };
}

function describe(c: Counterexample): string {
  const ctx = Object.entries(c.context)
    .filter(([k]) => !/^aws:Principal(Arn|Account|IsAWSService|ServiceName)$/.test(k))
    .map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(',')}]` : String(v)}`)
    .join(', ');
  return `${c.action} on ${c.resource} by ${c.principal}${ctx === '' ? '' : ` with ${ctx}`} is ${c.decision === 'allow' ? 'allowed' : c.decision === 'implicit-deny' ? 'only implicitly denied (an IAM policy of the bucket account can still allow it)' : 'explicitly denied'}`;
}

/** Runs probes; returns the first whose decision is not wanted, and the statements that decided. */
function search(
  policy: ParsedPolicy,
  probes: Iterable<RequestContext>,
  wanted: (d: Decision) => boolean,
): { hole?: Counterexample; deciding: Set<string>; count: number } {
  // The statements that decided every probe; if none did alone, all that took part.
  const union = new Set<string>();
  let every: Set<string> | undefined;
  let count = 0;
  for (const r of probes) {
    count++;
    const res = evaluatePolicy(policy, r);
    const labels = (res.decision === 'explicit-deny' ? res.matchedDeny : res.matchedAllow).map(
      statementLabel,
    );
    if (!wanted(res.decision))
      return { hole: toCounterexample(r, res.decision), deciding: new Set(labels), count };
    labels.forEach((l) => union.add(l));
    every = every === undefined ? new Set(labels) : new Set(labels.filter((l) => every!.has(l)));
  }
  return { deciding: every !== undefined && every.size > 0 ? every : union, count };
}

function* requestsFor(
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

/**
 * "Is every request with `aws:SecureTransport=false` explicitly denied, for every principal and
 * every S3 action on this bucket and on its objects?"
 */
export function checkDeniesInsecureTransport(
  policy: ParsedPolicy,
  t: PolicyTarget,
): PolicyCheckResult {
  const r = search(
    policy,
    requestsFor(policy, t, { 'aws:SecureTransport': false }, actionProbes(resourcesOf(t))),
    (d) => d === 'explicit-deny',
  );
  if (r.hole !== undefined) {
    return {
      ok: false,
      summary: `Insecure (non-TLS) requests are not always denied: ${describe(r.hole)}`,
      statements: [...r.deciding],
      counterexample: r.hole,
      warnings: [],
    };
  }
  return {
    ok: true,
    summary: `Every non-TLS request is explicitly denied (${r.count} probe requests; by ${[...r.deciding].join(', ')})`,
    statements: [...r.deciding],
    warnings: [],
  };
}

/** What uploads must carry, for {@link checkDeniesUnencryptedUploads}. */
export interface SseRequirement {
  /** The algorithm every PutObject must request. Default `aws:kms`. */
  readonly algorithm?: 'aws:kms' | 'AES256';
  /** With `aws:kms`: the KMS key ARNs an upload may name; another key must be denied. */
  readonly kmsKeyIds?: readonly string[];
}

/**
 * "Is a PutObject without the required server-side encryption (or naming another KMS key)
 * explicitly denied?" Also warns when a correctly encrypted upload is denied too.
 */
export function checkDeniesUnencryptedUploads(
  policy: ParsedPolicy,
  t: PolicyTarget,
  req: SseRequirement = {},
): PolicyCheckResult {
  const algorithm = req.algorithm ?? 'aws:kms';
  const sse = 's3:x-amz-server-side-encryption';
  const keyId = 's3:x-amz-server-side-encryption-aws-kms-key-id';
  // The SSE keys are what the question is about: each bad upload fixes both (undefined =
  // the header is absent), and only the other keys vary.
  const bad: Record<string, ContextValue | undefined>[] = [
    { 'aws:SecureTransport': true, [sse]: undefined, [keyId]: undefined },
  ];
  if (algorithm === 'aws:kms') {
    bad.push({ 'aws:SecureTransport': true, [sse]: 'AES256', [keyId]: undefined });
    if (req.kmsKeyIds !== undefined && req.kmsKeyIds.length > 0) {
      bad.push({
        'aws:SecureTransport': true,
        [sse]: 'aws:kms',
        [keyId]: 'arn:aws:kms:us-east-1:999999999999:key/s3enc-probe-other',
      });
    }
  }
  const put = [{ action: 's3:PutObject', resource: resourcesOf(t).object }];
  const deciding = new Set<string>();
  let count = 0;
  for (const fixed of bad) {
    const r = search(policy, requestsFor(policy, t, fixed, put), (d) => d === 'explicit-deny');
    r.deciding.forEach((s) => deciding.add(s));
    count += r.count;
    if (r.hole !== undefined) {
      return {
        ok: false,
        summary: `Uploads without the required encryption are not always denied: ${describe(r.hole)}`,
        statements: [...deciding],
        counterexample: r.hole,
        warnings: [],
      };
    }
  }
  const warnings: string[] = [];
  const good: Record<string, ContextValue> = { 'aws:SecureTransport': true, [sse]: algorithm };
  if (algorithm === 'aws:kms' && req.kmsKeyIds?.[0] !== undefined) good[keyId] = req.kmsKeyIds[0];
  const caller: RequestPrincipal = {
    type: 'AWS',
    id: `arn:aws:iam::${t.accountId ?? OUTSIDER_ACCOUNT}:role/s3enc-probe`,
  };
  const res = evaluatePolicy(policy, {
    principal: caller,
    action: 's3:PutObject',
    resource: resourcesOf(t).object,
    context: { ...principalContext(caller), ...good },
  });
  const blocking = denyingOn(res, ['s3:x-amz-server-side-encryption']);
  if (blocking.length > 0)
    warnings.push(`A correctly encrypted upload is denied as well (by ${blocking.join(', ')})`);
  return {
    ok: true,
    summary: `Uploads without ${algorithm === 'aws:kms' ? `SSE-KMS${req.kmsKeyIds?.length ? ' with the required key' : ''}` : 'SSE'} are explicitly denied (${count} probe requests; by ${[...deciding].join(', ')})`,
    statements: [...deciding],
    warnings,
  };
}

/** The network origins that should be the only ones allowed. */
export interface NetworkRequirement {
  readonly vpceIds?: readonly string[];
  readonly sourceIpRanges?: readonly string[];
}

function inRanges(ip: string, ranges: readonly string[]): boolean {
  return ranges.some((r) =>
    evaluateCondition(
      {
        operator: 'IpAddress',
        baseOperator: 'IpAddress',
        ifExists: false,
        setOperator: undefined,
        key: 'k',
        values: [r],
      },
      { k: ip },
    ),
  );
}

/**
 * "Is access restricted to the given VPC endpoints / source IP ranges?": requests from
 * elsewhere (an outside address, another endpoint) must be explicitly denied for every
 * principal (except AWS service principals and `exemptPrincipalArns`) and action; requests through an allowed endpoint or from an allowed range must
 * not be (else a warning: the policy locks everyone out).
 */
export function checkNetworkRestriction(
  policy: ParsedPolicy,
  t: PolicyTarget,
  req: NetworkRequirement,
): PolicyCheckResult {
  const vpces = req.vpceIds ?? [];
  const ranges = req.sourceIpRanges ?? [];
  const outsideIps = OUTSIDER_IPS.filter((ip) => !inRanges(ip, ranges));
  const v4 = outsideIps.find((ip) => isIP(ip) === 4);
  const v6 = outsideIps.find((ip) => isIP(ip) === 6);
  // Calls made by or through AWS services are the usual deliberate carve-out of a network
  // restriction, so the probes are plain callers: those keys are held absent.
  const plain = {
    'aws:SecureTransport': true,
    'aws:ViaAWSService': undefined,
    'aws:PrincipalIsAWSService': undefined,
    'aws:CalledVia': undefined,
  };
  const outside: Record<string, ContextValue | undefined>[] = [];
  if (v4 !== undefined) outside.push({ ...plain, 'aws:SourceIp': v4, 'aws:SourceVpce': undefined });
  if (v6 !== undefined) outside.push({ ...plain, 'aws:SourceIp': v6, 'aws:SourceVpce': undefined });
  if (vpces.length > 0)
    outside.push({
      ...plain,
      'aws:SourceVpce': 'vpce-0s3encprobeother',
      'aws:VpcSourceIp': '10.255.255.7',
      'aws:SourceIp': undefined,
    });
  const exempt = (t.exemptPrincipalArns ?? []).map((a) => ({ type: 'AWS' as const, id: a }));
  // AWS service principals (CloudFront, log delivery…) have no network origin of their own;
  // exempting them is the usual carve-out, so they are not probed.
  const skip = (p: RequestPrincipal): boolean =>
    p.type === 'Service' ||
    exempt.some(
      (e) =>
        p.type === 'AWS' &&
        principalMatches(
          { wildcard: false, AWS: [e.id], Service: [], Federated: [], CanonicalUser: [] },
          p,
        ),
    );
  const deciding = new Set<string>();
  let count = 0;
  for (const fixed of outside) {
    const r = search(
      policy,
      requestsFor(policy, t, fixed, actionProbes(resourcesOf(t)), { skipPrincipal: skip }),
      (d) => d === 'explicit-deny',
    );
    r.deciding.forEach((s) => deciding.add(s));
    count += r.count;
    if (r.hole !== undefined) {
      return {
        ok: false,
        summary: `Access is not restricted to the allowed networks: ${describe(r.hole)}`,
        statements: [...deciding],
        counterexample: r.hole,
        warnings: [],
      };
    }
  }
  if (v4 === undefined && ranges.length > 0) {
    return {
      ok: false,
      summary: 'The allowed IP ranges cover every IPv4 address',
      statements: [],
      warnings: [],
    };
  }
  const warnings: string[] = [];
  const caller: RequestPrincipal = {
    type: 'AWS',
    id: `arn:aws:iam::${t.accountId ?? OUTSIDER_ACCOUNT}:role/s3enc-probe`,
  };
  const inside: [string, Record<string, ContextValue>][] = [
    ...vpces.map((v): [string, Record<string, ContextValue>] => [
      `through ${v}`,
      { 'aws:SourceVpce': v, 'aws:VpcSourceIp': '10.0.0.7' },
    ]),
    ...ranges.map((r): [string, Record<string, ContextValue>] => [
      `from ${r}`,
      { 'aws:SourceIp': firstAddress(r) },
    ]),
  ];
  for (const [label, ctx] of inside) {
    const res = evaluatePolicy(policy, {
      principal: caller,
      action: 's3:GetObject',
      resource: resourcesOf(t).object,
      context: { ...principalContext(caller), 'aws:SecureTransport': true, ...ctx },
    });
    const blocking = denyingOn(res, [
      'aws:SourceVpce',
      'aws:SourceIp',
      'aws:SourceVpc',
      'aws:VpcSourceIp',
    ]);
    if (blocking.length > 0)
      warnings.push(`Requests ${label} are denied too (by ${blocking.join(', ')})`);
  }
  return {
    ok: true,
    summary: `Requests from outside ${[...vpces, ...ranges].join(', ')} are explicitly denied (${count} probe requests; by ${[...deciding].join(', ')})`,
    statements: [...deciding],
    warnings,
  };
}

/**
 * "Is access limited to the given principals?": every other principal (anonymous, an outsider,
 * a same-account role) must be explicitly denied every action; the allowed ones must not be
 * (else a warning). Requests by AWS service principals are not probed.
 */
export function checkPrincipalRestriction(
  policy: ParsedPolicy,
  t: PolicyTarget,
  allowedPrincipalArns: readonly string[],
): PolicyCheckResult {
  const exempt = [...allowedPrincipalArns, ...(t.exemptPrincipalArns ?? [])];
  const allowed = { wildcard: false, AWS: exempt, Service: [], Federated: [], CanonicalUser: [] };
  const skip = (p: RequestPrincipal): boolean =>
    p.type === 'Service' ||
    principalMatches(allowed, p) ||
    (p.type === 'AWS' && exempt.some((a) => globMatch(a, p.id)));
  const r = search(
    policy,
    requestsFor(
      policy,
      t,
      {
        'aws:SecureTransport': true,
        'aws:PrincipalIsAWSService': undefined,
        'aws:ViaAWSService': undefined,
      },
      actionProbes(resourcesOf(t)),
      { skipPrincipal: skip },
    ),
    (d) => d === 'explicit-deny',
  );
  if (r.hole !== undefined) {
    return {
      ok: false,
      summary: `Principals other than the allowed ones are not denied: ${describe(r.hole)}`,
      statements: [...r.deciding],
      counterexample: r.hole,
      warnings: [],
    };
  }
  const warnings: string[] = [];
  for (const arn of allowedPrincipalArns) {
    // Locked out: no request of this principal, whatever its other keys, escapes a Deny.
    const p: RequestPrincipal = { type: 'AWS', id: concretise(arn) };
    const variants = keyVariants(
      policy,
      new Set(['aws:securetransport', ...IDENTITY_KEYS.map((k) => k.toLowerCase())]),
      false,
    );
    let lockedOut = true;
    const by = new Set<string>();
    for (const context of contextVariants(
      { ...principalContext(p), 'aws:SecureTransport': true },
      variants,
    )) {
      const e = evaluatePolicy(policy, {
        principal: p,
        action: 's3:GetObject',
        resource: resourcesOf(t).object,
        context,
      });
      if (e.decision !== 'explicit-deny') {
        lockedOut = false;
        break;
      }
      e.matchedDeny.forEach((s) => by.add(statementLabel(s)));
    }
    if (lockedOut)
      warnings.push(
        `The allowed principal ${arn} is denied every request (by ${[...by].join(', ')})`,
      );
  }
  return {
    ok: true,
    summary: `Principals other than ${allowedPrincipalArns.join(', ')} are explicitly denied (${r.count} probe requests; by ${[...r.deciding].join(', ')})`,
    statements: [...r.deciding],
    warnings,
  };
}

/** "Are requests over TLS older than `minimumVersion` explicitly denied?" */
export function checkMinimumTlsVersion(
  policy: ParsedPolicy,
  t: PolicyTarget,
  minimumVersion = 1.2,
): PolicyCheckResult {
  const deciding = new Set<string>();
  let count = 0;
  for (const v of [1.0, 1.1, 1.2, 1.3].filter((x) => x < minimumVersion)) {
    const r = search(
      policy,
      requestsFor(
        policy,
        t,
        { 'aws:SecureTransport': true, 's3:TlsVersion': v.toFixed(1) },
        actionProbes(resourcesOf(t)),
      ),
      (d) => d === 'explicit-deny',
    );
    r.deciding.forEach((s) => deciding.add(s));
    count += r.count;
    if (r.hole !== undefined) {
      return {
        ok: false,
        summary: `TLS below ${minimumVersion.toFixed(1)} is not always denied: ${describe(r.hole)}`,
        statements: [...deciding],
        counterexample: r.hole,
        warnings: [],
      };
    }
  }
  return {
    ok: true,
    summary: `TLS below ${minimumVersion.toFixed(1)} is explicitly denied (${count} probe requests; by ${[...deciding].join(', ')})`,
    statements: [...deciding],
    warnings: [],
  };
}

/**
 * "Does any Allow grant to everyone (`Principal: "*"`, `{"AWS": "*"}`, or a NotPrincipal)
 * without a limiting condition?" A condition limits only when it is on a key the caller
 * cannot choose (source IP, VPC endpoint, organisation, principal ARN…); conditions on
 * `aws:SecureTransport`, `aws:Referer`, request headers and the like do not. The whole
 * policy is evaluated, so a Deny that blocks outsiders (e.g. on the source IP) counts.
 * `ok` is true when no public grant exists.
 */
export function checkPublicAccess(policy: ParsedPolicy, t: PolicyTarget): PolicyCheckResult {
  const res = resourcesOf(t);
  const outsiders: RequestPrincipal[] = [
    { type: 'anonymous' },
    { type: 'AWS', id: `arn:aws:iam::${OUTSIDER_ACCOUNT}:role/s3enc-probe-outsider` },
  ];
  const variants = keyVariants(policy, new Set(['aws:securetransport', 'aws:sourceip']), true);
  const granted = new Set<string>();
  let first: Counterexample | undefined;
  for (const s of policy.statements) {
    if (s.effect !== 'Allow') continue;
    const actions: { action: string; resource: string }[] = [];
    const resources = s.resource?.map(concretise) ?? [res.bucket, res.object];
    for (const a of s.action ?? [])
      for (const r of resources) actions.push({ action: concretise(a), resource: r });
    if (s.notAction !== undefined)
      for (const r of resources)
        actions.push(...actionProbes(res).map((p) => ({ action: p.action, resource: r })));
    for (const p of outsiders) {
      if (s.principal !== undefined && !principalMatches(s.principal, p)) continue;
      if (s.notPrincipal !== undefined && principalMatches(s.notPrincipal, p)) continue;
      for (const { action, resource } of actions) {
        for (const ctx of contextVariants(
          { ...principalContext(p), 'aws:SecureTransport': true, 'aws:SourceIp': OUTSIDER_IPS[0]! },
          variants,
        )) {
          const r: RequestContext = { principal: p, action, resource, context: ctx };
          const e = evaluatePolicy(policy, r);
          if (e.decision === 'allow' && e.matchedAllow.includes(s)) {
            granted.add(statementLabel(s));
            first ??= toCounterexample(r, e.decision);
            break;
          }
        }
        if (granted.has(statementLabel(s))) break;
      }
      if (granted.has(statementLabel(s))) break;
    }
  }
  if (first !== undefined) {
    return {
      ok: false,
      summary: `${[...granted].join(', ')} grant${granted.size === 1 ? 's' : ''} access to everyone without a limiting condition: ${describe(first)}`,
      statements: [...granted],
      counterexample: first,
      warnings: [],
    };
  }
  return {
    ok: true,
    summary: 'No Allow statement grants access to everyone without a limiting condition',
    statements: [],
    warnings: [],
  };
}

/** Flags statements written in ways that commonly do not do what their author meant. */
export function lintPolicy(policy: ParsedPolicy): PolicyLint[] {
  const out: PolicyLint[] = [];
  for (const s of policy.statements) {
    const label = statementLabel(s);
    if (s.notPrincipal !== undefined) {
      out.push(
        s.effect === 'Deny'
          ? {
              code: 'not-principal-deny',
              statement: label,
              message: `${label} denies everyone except the NotPrincipal list: the listed principals escape the deny, and role sessions not listed explicitly are denied`,
            }
          : {
              code: 'not-principal-allow',
              statement: label,
              message: `${label} allows everyone except the NotPrincipal list, anonymous callers included`,
            },
      );
    }
    for (const block of [s.principal, s.notPrincipal]) {
      for (const arn of block?.AWS ?? []) {
        if (/^arn:[^:]+:iam::\d{12}:user\//.test(arn)) {
          out.push({
            code: 'iam-user-principal',
            statement: label,
            message: `${label} names the IAM user ${arn}; workloads should use roles (no long-term credentials)`,
          });
        }
      }
    }
    for (const c of s.conditions) {
      const key = c.key.toLowerCase();
      if (!isKnownConditionKey(c.key)) {
        out.push({
          code: 'unknown-condition-key',
          statement: label,
          message: `${label} tests "${c.key}", which is not a known condition key (a typo?); the key is never present, so ${c.baseOperator === 'Null' ? 'Null sees it as absent' : isNegatedOperator(c.baseOperator) || c.ifExists ? 'the condition is always true' : 'the condition is never true'}`,
        });
      }
      if (MULTIVALUED_KEYS.has(key) && c.setOperator === undefined && c.baseOperator !== 'Null') {
        out.push({
          code: 'multivalued-key-single-operator',
          statement: label,
          message: `${label} uses ${c.operator} on the multivalued key ${c.key}; use ForAnyValue: or ForAllValues:`,
        });
      }
      if (s.effect === 'Allow' && c.setOperator === 'ForAllValues') {
        out.push({
          code: 'for-all-values-allow',
          statement: label,
          message: `${label} allows with ForAllValues on ${c.key}, which is true when the key is absent; add a Null condition`,
        });
      }
      if (s.effect === 'Allow' && c.ifExists && isLimitingKey(c.key)) {
        out.push({
          code: 'if-exists-allow-limiting-key',
          statement: label,
          message: `${label} allows with ${c.operator} on ${c.key}: requests without the key (e.g. from the internet) pass`,
        });
      }
      if (
        s.effect === 'Allow' &&
        key === 'aws:securetransport' &&
        c.baseOperator === 'Bool' &&
        c.values.some((v) => v.toLowerCase() === 'true')
      ) {
        out.push({
          code: 'allow-on-secure-transport',
          statement: label,
          message: `${label} allows on aws:SecureTransport=true, which does not deny non-TLS requests (other Allows or IAM policies still grant them); deny on aws:SecureTransport=false instead`,
        });
      }
    }
  }
  return out;
}

/** Expectations for {@link analysePolicy}; each given one adds a question. */
export interface PolicyExpectations extends SseRequirement, NetworkRequirement {
  /** Ask whether uploads without SSE are denied. Default true. */
  readonly requireSse?: boolean;
  /** Ask whether TLS below this version is denied (e.g. 1.2). */
  readonly minimumTlsVersion?: number;
  /** Ask whether every principal but these is denied. */
  readonly allowedPrincipalArns?: readonly string[];
}

/** All answers for one policy. */
export interface PolicyAnalysis {
  readonly insecureTransport: PolicyCheckResult;
  readonly unencryptedUploads: PolicyCheckResult | undefined;
  readonly network: PolicyCheckResult | undefined;
  readonly minimumTls: PolicyCheckResult | undefined;
  readonly principals: PolicyCheckResult | undefined;
  readonly publicAccess: PolicyCheckResult;
  readonly lints: readonly PolicyLint[];
}

/** Answers every practice question that applies to `expectations`. */
export function analysePolicy(
  policy: ParsedPolicy,
  target: PolicyTarget,
  expectations: PolicyExpectations = {},
): PolicyAnalysis {
  const network =
    (expectations.vpceIds?.length ?? 0) + (expectations.sourceIpRanges?.length ?? 0) > 0;
  return {
    insecureTransport: checkDeniesInsecureTransport(policy, target),
    unencryptedUploads:
      expectations.requireSse === false
        ? undefined
        : checkDeniesUnencryptedUploads(policy, target, expectations),
    network: network ? checkNetworkRestriction(policy, target, expectations) : undefined,
    minimumTls:
      expectations.minimumTlsVersion === undefined
        ? undefined
        : checkMinimumTlsVersion(policy, target, expectations.minimumTlsVersion),
    principals: expectations.allowedPrincipalArns?.length
      ? checkPrincipalRestriction(policy, target, expectations.allowedPrincipalArns)
      : undefined,
    publicAccess: checkPublicAccess(policy, target),
    lints: lintPolicy(policy),
  };
}
