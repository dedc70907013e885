/**
 * The command registry: names, usage and options of every command. Command modules are
 * imported lazily, so `s3enc --help` or `s3enc keygen` never load the AWS SDK.
 */
import type { OptionSpecs } from './args.js';
import type { CommandSpec } from './command.js';
import { CP_OUTPUT_OPTIONS, CP_PUT_OPTIONS } from './cp-options.js';

const KEY_FILE_PERMISSIONS = {
  'allow-insecure-key-file-permissions': {
    type: 'boolean',
    description:
      'use a key file that group or others can access (refused by default: chmod 600 it instead)',
  },
} as const satisfies OptionSpecs;

const KEY_OPTIONS = {
  'kms-key-id': {
    type: 'string',
    multiple: true,
    valueName: 'KEY',
    description:
      'KMS key id, ARN or alias (repeatable; the first generates the data key). Default: S3ENC_KMS_KEY_ID',
  },
  'key-file': {
    type: 'string',
    valueName: 'FILE',
    description: 'raw AES-256 key file (from `s3enc keygen`) instead of / besides KMS',
  },
  ...KEY_FILE_PERMISSIONS,
  context: {
    type: 'string',
    multiple: true,
    valueName: 'KEY=VALUE',
    description: 'encryption context pair (repeatable; not secret)',
  },
} as const satisfies OptionSpecs;

/** get: the keys that may decrypt (nothing is generated on a read). */
const DECRYPT_KEY_OPTIONS = {
  ...KEY_OPTIONS,
  'kms-key-id': {
    type: 'string',
    multiple: true,
    valueName: 'KEY',
    description:
      'KMS key id, ARN or alias that may decrypt the object (repeatable; any key that wrapped its data key will do). Default: S3ENC_KMS_KEY_ID',
  },
  context: {
    type: 'string',
    multiple: true,
    valueName: 'KEY=VALUE',
    description: 'encryption context pair the object must have been encrypted with (repeatable)',
  },
} as const satisfies OptionSpecs;

const SSE_C_KEY = {
  'sse-c-key': {
    type: 'string',
    valueName: 'fileb://FILE',
    description:
      'SSE-C customer key from a file, as the AWS CLI reads it: fileb://FILE (raw bytes) or file://FILE (text); 32 bytes, or 64 hex / 44 base64 characters. Never the key itself on the command line',
  },
  'sse-c': {
    type: 'string',
    valueName: 'AES256',
    description: 'SSE-C algorithm (only AES256; implied by --sse-c-key)',
  },
  ...KEY_FILE_PERMISSIONS,
} as const satisfies OptionSpecs;

const VERSION_ID = {
  'version-id': { type: 'string', valueName: 'ID', description: 'a specific object version' },
} as const satisfies OptionSpecs;

const DOWNLOAD_TRANSFER = {
  'part-size': {
    type: 'string',
    valueName: 'SIZE',
    description: 'bytes per ranged GET, e.g. 8MiB (rounded to whole frames)',
  },
  concurrency: { type: 'string', valueName: 'N', description: 'parallel ranged GETs' },
} as const satisfies OptionSpecs;

const TRANSFER = {
  'part-size': {
    type: 'string',
    valueName: 'SIZE',
    description: 'multipart part size, e.g. 16MiB (rounded to whole frames)',
  },
  concurrency: { type: 'string', valueName: 'N', description: 'parallel part transfers' },
} as const satisfies OptionSpecs;

/** Reading Amazon S3 Encryption Client objects (docs/s3ec.md). */
const S3EC_READ = {
  'instruction-file-suffix': {
    type: 'string',
    valueName: 'SUFFIX',
    description: 'S3 Encryption Client instruction files are <key>SUFFIX (default .instruction)',
  },
  'rsa-private-key': {
    type: 'string',
    valueName: 'FILE',
    description: 'PEM RSA private key for S3 Encryption Client objects wrapped with RSA',
  },
  'allow-unauthenticated-legacy-content': {
    type: 'boolean',
    description:
      'read S3 Encryption Client objects with AES/CBC content (NOT authenticated: altered ciphertext can yield altered plaintext)',
  },
  'allow-legacy-key-wrapping': {
    type: 'boolean',
    description:
      'unwrap legacy S3 Encryption Client envelopes (AESWrap, V1 x-amz-key AES/ECB or RSA PKCS#1 v1.5, Java RSA/OAEP-SHA-256)',
  },
} as const satisfies OptionSpecs;

const NO_OVERWRITE = {
  'no-overwrite': { type: 'boolean', description: 'fail if the target already exists' },
} as const satisfies OptionSpecs;

/** cp --recursive and sync (docs/cli.md, "cp", "sync"). */
const BULK_TRANSFER = {
  recursive: { type: 'boolean', description: 'a whole directory or prefix' },
  dryrun: { type: 'boolean', description: 'show what would be done; change nothing' },
  exclude: {
    type: 'string',
    multiple: true,
    valueName: 'PATTERN',
    description: 'leave out matching paths (repeatable; with --include, the last match wins)',
  },
  include: {
    type: 'string',
    multiple: true,
    valueName: 'PATTERN',
    description: 'take back matching paths an earlier --exclude left out (repeatable)',
  },
  concurrency: {
    type: 'string',
    valueName: 'N',
    description: 'parallel requests, objects and parts together (default 8)',
  },
  'fail-fast': { type: 'boolean', description: 'stop after the first object that fails' },
} as const satisfies OptionSpecs;

const BULK_LS = {
  recursive: { type: 'boolean', description: 'every key under the prefix' },
  'human-readable': { type: 'boolean', description: 'sizes in KiB, MiB, GiB' },
  summarize: { type: 'boolean', description: 'the number of objects and their total size' },
  concurrency: { type: 'string', valueName: 'N', description: 'headers read at once (default 8)' },
} as const satisfies OptionSpecs;

export const COMMANDS: CommandSpec[] = [
  {
    name: 'put',
    summary: 'encrypt a file (or stdin) and upload it',
    usage: ['put <file|-> s3://bucket/key [options]'],
    details:
      'The data key comes from KMS (--kms-key-id, default S3ENC_KMS_KEY_ID) and/or a raw key file (--key-file).\n' +
      'Server-side encryption (--sse, --sse-c-key) is added as a second layer.',
    options: {
      ...KEY_OPTIONS,
      'frame-size': {
        type: 'string',
        valueName: 'SIZE',
        description: 'plaintext bytes per authenticated frame (default: the library default)',
      },
      ...TRANSFER,
      ...NO_OVERWRITE,
      sse: {
        type: 'string',
        valueName: 'AES256|aws:kms',
        description: 'server-side encryption as well (second layer)',
      },
      'sse-kms-key-id': {
        type: 'string',
        valueName: 'KEY',
        description: 'KMS key for --sse aws:kms',
      },
      ...SSE_C_KEY,
      'checksum-algorithm': {
        type: 'string',
        valueName: 'ALG',
        description: 'S3 checksum of the ciphertext: CRC32, CRC32C, SHA1, SHA256, CRC64NVME',
      },
      'content-type': {
        type: 'string',
        valueName: 'TYPE',
        description: 'Content-Type to record (of the plaintext)',
      },
      format: {
        type: 'string',
        valueName: 's3enc|s3ec-v3',
        description:
          "object format: s3enc (default; authenticated ranges) or s3ec-v3 (the Amazon S3 Encryption Client's V3, for readers that are the official clients)",
      },
      'instruction-file': {
        type: 'boolean',
        description:
          'with --format s3ec-v3: the wrapped key in <key>.instruction instead of metadata',
      },
      size: {
        type: 'string',
        valueName: 'SIZE',
        description:
          'plaintext size of stdin when known, e.g. 1048576 or 5GB (plans parts up front)',
      },
      'resume-state': {
        type: 'string',
        valueName: 'FILE',
        description:
          'keep a resume state in FILE (no secrets): an interrupted put keeps its upload open, and the same command run again sends only the missing parts',
      },
      'resume-restart': {
        type: 'boolean',
        description:
          'with --resume-state: when the saved upload no longer fits (file changed, upload gone, parts differ), abort it and start over',
      },
      ...CP_PUT_OPTIONS,
      ...CP_OUTPUT_OPTIONS,
    },
    positionals: { min: 2, max: 2 },
    load: () => import('./commands/put.js'),
  },
  {
    name: 'get',
    summary: 'download and decrypt an object to a file (or stdout)',
    usage: ['get s3://bucket/key [file|-] [options]'],
    details:
      'Every frame is authenticated before its plaintext is written. A file target is written to a\n' +
      'temporary name and renamed only when the whole object verified, so a failure leaves no partial file.\n' +
      'The file is created with mode 0600 (owner only): the object was encrypted for a reason. --follow-umask\n' +
      'gives it the mode your umask gives instead, as aws s3 cp does.\n' +
      '--range bytes=FIRST-LAST is inclusive, as in HTTP.',
    options: {
      ...DECRYPT_KEY_OPTIONS,
      'kms-discovery-account': {
        type: 'string',
        multiple: true,
        valueName: 'ACCOUNT',
        description:
          'decrypt with any KMS key of this AWS account the object names, without listing key ids (repeatable)',
      },
      ...VERSION_ID,
      range: {
        type: 'string',
        valueName: 'bytes=A-B',
        description: 'only these plaintext bytes (inclusive, HTTP spelling)',
      },
      ...SSE_C_KEY,
      ...DOWNLOAD_TRANSFER,
      ...NO_OVERWRITE,
      ...S3EC_READ,
      'follow-umask': {
        type: 'boolean',
        description:
          'give the file the mode your umask gives (as aws s3 cp does) instead of 0600, owner only',
      },
      ...CP_OUTPUT_OPTIONS,
    },
    positionals: { min: 1, max: 2 },
    load: () => import('./commands/get.js'),
  },
  {
    name: 'head',
    summary: 'show the envelope of an encrypted object (no secrets)',
    usage: ['head s3://bucket/key [--version-id ID]'],
    options: {
      ...VERSION_ID,
      ...SSE_C_KEY,
      'instruction-file-suffix': S3EC_READ['instruction-file-suffix'],
    },
    positionals: { min: 1, max: 1 },
    load: () => import('./commands/head.js'),
  },
  {
    name: 'rewrap',
    summary: "change the keys that wrap objects' data keys, without re-encrypting their bodies",
    usage: [
      'rewrap s3://bucket/key [--add-kms-key-id KEY] [--add-key-file FILE] [--remove-key-id ID | --remove-key-file FILE | --remove-all-keys] [options]',
      'rewrap s3://bucket/prefix --recursive [--dryrun] [...]',
    ],
    details:
      'The data key is unwrapped with --kms-key-id / --key-file (default S3ENC_KMS_KEY_ID) and wrapped anew under\n' +
      'the added keys; --remove-key-id takes a key id as `s3enc head` lists it. A new version holds the new header\n' +
      'followed by the old frames, copied server side (only the header and ~5 MiB are uploaded); the source\n' +
      'version is kept. Objects already wrapped as asked are left alone. See docs/key-rotation.md.',
    options: {
      ...KEY_OPTIONS,
      'add-kms-key-id': {
        type: 'string',
        multiple: true,
        valueName: 'KEY',
        description: 'KMS key id, ARN or alias that also wraps the data key (repeatable)',
      },
      'add-key-file': {
        type: 'string',
        valueName: 'FILE',
        description: 'raw AES-256 key file that also wraps the data key',
      },
      'remove-key-id': {
        type: 'string',
        multiple: true,
        valueName: 'ID',
        description:
          'drop the data key wrapped by this key (KMS key ARN, or namespace/name of a key file; repeatable)',
      },
      'remove-key-file': {
        type: 'string',
        valueName: 'FILE',
        description: 'drop the data key wrapped by this raw AES-256 key file',
      },
      'remove-all-keys': {
        type: 'boolean',
        description: 'keep only the added keys (a replacement)',
      },
      recursive: { type: 'boolean', description: 'every object under the prefix' },
      dryrun: {
        type: 'boolean',
        description:
          'report what would change (the data key is unwrapped to prove it can be); write nothing',
      },
      'allow-unversioned-overwrite': {
        type: 'boolean',
        description: 'in a bucket without versioning, replace the only copy of each object',
      },
      concurrency: {
        type: 'string',
        valueName: 'N',
        description: 'parallel part copies per object',
      },
      ...VERSION_ID,
      ...SSE_C_KEY,
    },
    positionals: { min: 1, max: 1 },
    load: () => import('./commands/rewrap.js'),
  },
  {
    name: 'batch-job',
    summary: 'write the manifest of a bucket or prefix and the S3 Batch Operations job request',
    usage: [
      'batch-job s3://bucket[/prefix] --manifest s3://bucket/key.csv --task rewrap|encrypt|convert --account-id ID --function-arn ARN --role-arn ARN --report-bucket-arn ARN [--create]',
    ],
    details:
      'Writes a CSV manifest of the current versions under the prefix and prints the CreateJob request that runs\n' +
      'examples/batch-operations over it (ARNs from its template outputs). --create sends it (the job then waits\n' +
      'for confirmation). See docs/key-rotation.md.',
    options: {
      manifest: {
        type: 'string',
        valueName: 's3://BUCKET/KEY',
        description: 'where the CSV manifest is written',
      },
      task: { type: 'string', valueName: 'TASK', description: 'rewrap, encrypt or convert' },
      'add-kms-key-id': {
        type: 'string',
        multiple: true,
        valueName: 'ARN',
        description: 'rewrap: KMS key ARN that also wraps the data key (repeatable)',
      },
      'remove-key-id': {
        type: 'string',
        multiple: true,
        valueName: 'ARN',
        description: 'rewrap: drop the data key wrapped by this key (repeatable)',
      },
      'remove-all-keys': { type: 'boolean', description: 'rewrap: keep only the added keys' },
      'allow-unversioned-overwrite': {
        type: 'boolean',
        description: 'let the job replace objects in a bucket without versioning',
      },
      'account-id': {
        type: 'string',
        valueName: 'ID',
        description: 'the account that runs the job',
      },
      'function-arn': {
        type: 'string',
        valueName: 'ARN',
        description: 'the batch-operations Lambda',
      },
      'role-arn': {
        type: 'string',
        valueName: 'ARN',
        description: 'the role Batch Operations assumes',
      },
      'report-bucket-arn': {
        type: 'string',
        valueName: 'ARN',
        description: 'where completion reports go',
      },
      priority: { type: 'string', valueName: 'N', description: 'job priority (default 10)' },
      create: { type: 'boolean', description: 'send the CreateJob request (S3 Control)' },
    },
    positionals: { min: 1, max: 1 },
    load: () => import('./commands/batch-job.js'),
  },
  {
    name: 'convert',
    summary: 'rewrite Amazon S3 Encryption Client objects in the s3enc format',
    usage: [
      'convert s3://bucket/key [options]',
      'convert s3://bucket/prefix/ --recursive [--dryrun] [options]',
    ],
    details:
      'Reads each S3 Encryption Client object (V1/V2/V3; verified whole) and writes it back in the s3enc\n' +
      'format as a new version of the same key: user metadata, content type, tags, SSE and Object Lock\n' +
      'retention are kept, the write is conditional on the source ETag, and the source version is never\n' +
      'deleted (buckets without versioning are refused). s3enc and plaintext objects are skipped.',
    options: {
      ...KEY_OPTIONS,
      'kms-discovery-account': {
        type: 'string',
        multiple: true,
        valueName: 'ACCOUNT',
        description: 'decrypt sources with any KMS key of this AWS account (repeatable)',
      },
      recursive: { type: 'boolean', description: 'every object under the prefix' },
      dryrun: { type: 'boolean', description: 'report what would be converted; write nothing' },
      ...SSE_C_KEY,
      ...S3EC_READ,
    },
    positionals: { min: 1, max: 1 },
    load: () => import('./commands/convert.js'),
  },
  {
    name: 'rm',
    summary: 'delete an object or one of its versions',
    usage: [
      'rm s3://bucket/key [--version-id ID] [--mfa "SERIAL CODE"] [--bypass-governance-retention]',
    ],
    options: {
      ...VERSION_ID,
      mfa: {
        type: 'string',
        valueName: '"SERIAL CODE"',
        description: 'MFA device serial and current code (MFA Delete buckets)',
      },
      'bypass-governance-retention': {
        type: 'boolean',
        description:
          'delete a version under GOVERNANCE retention (needs s3:BypassGovernanceRetention)',
      },
    },
    positionals: { min: 1, max: 1 },
    load: () => import('./commands/rm.js'),
  },
  {
    name: 'lock',
    summary: 'Object Lock: retention and legal hold',
    usage: [
      'lock show s3://bucket/key [--version-id ID]',
      'lock retain s3://bucket/key --mode GOVERNANCE|COMPLIANCE (--until DATE | --days N) [--version-id ID]',
      'lock extend s3://bucket/key (--until DATE | --days N) [--version-id ID]',
      'lock legal-hold s3://bucket/key on|off [--version-id ID]',
    ],
    details:
      'COMPLIANCE retention cannot be shortened or removed by anyone until it expires: `retain --mode\n' +
      'COMPLIANCE` asks for --yes-irreversible. `extend` only ever moves the date later.',
    options: {
      ...VERSION_ID,
      mode: { type: 'string', valueName: 'MODE', description: 'GOVERNANCE or COMPLIANCE' },
      until: {
        type: 'string',
        valueName: 'DATE',
        description: 'retain until this ISO 8601 date/time',
      },
      days: { type: 'string', valueName: 'N', description: 'retain for N days from now' },
      'bypass-governance-retention': {
        type: 'boolean',
        description: 'shorten or change GOVERNANCE retention',
      },
      'yes-irreversible': {
        type: 'boolean',
        description: 'confirm COMPLIANCE retention, which nobody can undo',
      },
    },
    positionals: { min: 2, max: 3 },
    load: () => import('./commands/lock.js'),
  },
  {
    name: 'keygen',
    summary: 'write a new raw AES-256 key file (mode 0600) for use without KMS',
    usage: ['keygen <file>'],
    details:
      'Refuses to overwrite an existing file. Keep the file secret and backed up: without it the objects cannot be decrypted.',
    options: {},
    positionals: { min: 1, max: 1 },
    usesAws: false,
    load: () => import('./commands/keygen.js'),
  },
  {
    name: 'audit',
    summary: 'check a bucket against the security practices',
    usage: [
      'audit s3://bucket [--expect-kms-key KEY] [--expect-vpce VPCE] [--expect-source-ip CIDR] [--strict] [--json]',
      'audit s3://bucket [--replication-sample N] [--destination-region BUCKET=REGION] [--verify-destination-keys]',
    ],
    details:
      'A table when stdout is a TTY, JSON otherwise (or with --json). Exits 5 when a check fails\n' +
      '(with --strict also on warnings and unreadable settings), for pipelines. With replication\n' +
      'rules, up to N objects (default 20) are sampled, each by one ranged GET of its header, to\n' +
      'report whether replicas will be readable in each destination Region.',
    options: {
      'expect-kms-key': {
        type: 'string',
        valueName: 'KEY',
        description: 'the KMS key default encryption and uploads must use',
      },
      'expect-vpce': {
        type: 'string',
        multiple: true,
        valueName: 'VPCE',
        description: 'VPC endpoint the policy must restrict to (repeatable)',
      },
      'expect-source-ip': {
        type: 'string',
        multiple: true,
        valueName: 'CIDR',
        description: 'source IP range the policy must restrict to (repeatable)',
      },
      'expect-principal': {
        type: 'string',
        multiple: true,
        valueName: 'ARN',
        description: 'the only principals the policy may allow (repeatable)',
      },
      'expect-min-tls': {
        type: 'string',
        valueName: 'VERSION',
        description: 'TLS below this version must be denied, e.g. 1.2',
      },
      'require-mfa-delete': {
        type: 'boolean',
        description: 'fail (not warn) when MFA Delete is off',
      },
      'require-object-lock': {
        type: 'boolean',
        description: 'fail (not warn) without Object Lock',
      },
      'require-logging': {
        type: 'boolean',
        description: 'fail (not warn) without server access logging',
      },
      'replication-sample': {
        type: 'string',
        valueName: 'N',
        description: 'objects sampled for the replicas check, 0–1000 (default 20; 0 skips it)',
      },
      'destination-region': {
        type: 'string',
        multiple: true,
        valueName: 'BUCKET=REGION',
        description: "a replication destination's Region when it cannot be read (repeatable)",
      },
      'verify-destination-keys': {
        type: 'boolean',
        description:
          'ask KMS in each destination Region (DescribeKey) that the keys replicas need exist',
      },
      strict: {
        type: 'boolean',
        description: 'also exit 5 on warnings and settings that could not be read',
      },
    },
    positionals: { min: 1, max: 1 },
    load: () => import('./commands/audit.js'),
  },
  {
    name: 'policy',
    summary: 'print (or --apply) the bucket policy that enforces TLS and encryption',
    usage: [
      'policy s3://bucket [--kms-key KEY] [--require-sse aws:kms|AES256] [--vpce VPCE] [--source-ip CIDR] [--principal ARN] [--min-tls 1.2] [--apply]',
    ],
    details:
      'Merged into the existing policy: unrelated statements are kept. Prints the policy JSON on\n' +
      'stdout and what changed on stderr; --apply writes it (only when it changed).',
    options: {
      'kms-key': {
        type: 'string',
        multiple: true,
        valueName: 'KEY',
        description: 'deny uploads that do not request SSE-KMS with this key (repeatable)',
      },
      'require-sse': {
        type: 'string',
        valueName: 'aws:kms|AES256',
        description: 'deny uploads without this server-side encryption',
      },
      vpce: {
        type: 'string',
        multiple: true,
        valueName: 'VPCE',
        description: 'deny requests not through these VPC endpoints (repeatable)',
      },
      'source-ip': {
        type: 'string',
        multiple: true,
        valueName: 'CIDR',
        description: 'deny requests not from these IP ranges (repeatable)',
      },
      principal: {
        type: 'string',
        multiple: true,
        valueName: 'ARN',
        description: 'deny every principal but these (repeatable)',
      },
      'exempt-principal': {
        type: 'string',
        multiple: true,
        valueName: 'ARN',
        description: 'exempt from the network restriction (break-glass role)',
      },
      'min-tls': {
        type: 'string',
        valueName: 'VERSION',
        description: 'deny TLS below this version, e.g. 1.2',
      },
      'no-service-carve-outs': {
        type: 'boolean',
        description: 'no exemptions for AWS services (servers that reject …IfExists, e.g. MinIO)',
      },
      'drop-stale': {
        type: 'boolean',
        description: 'remove s3enc statements these options no longer produce',
      },
      apply: { type: 'boolean', description: 'write the policy to the bucket' },
    },
    positionals: { min: 1, max: 1 },
    load: () => import('./commands/policy.js'),
  },
  {
    name: 'harden',
    summary: 'show (or --apply) the changes that bring a bucket to the practices',
    usage: ['harden s3://bucket [--kms-key KEY] [--no-bucket-key] [--apply]'],
    details:
      'Versioning, default encryption, Block Public Access, ownership controls (ACLs off) and the\n' +
      'TLS-only policy (merged). Dry run by default: prints each change. Never weakens a setting.\n' +
      'Exits 5 when a change could not be planned or applied.',
    options: {
      'kms-key': {
        type: 'string',
        valueName: 'KEY',
        description: 'default encryption with SSE-KMS under this key (else SSE-S3)',
      },
      'no-bucket-key': {
        type: 'boolean',
        description: 'do not turn on S3 Bucket Keys with SSE-KMS',
      },
      'no-service-carve-outs': {
        type: 'boolean',
        description: 'policy without AWS-service exemptions (MinIO)',
      },
      apply: { type: 'boolean', description: 'make the changes' },
    },
    positionals: { min: 1, max: 1 },
    load: () => import('./commands/harden.js'),
  },
  {
    name: 'ls',
    summary:
      'list objects with their encryption (format, plaintext size, key ids; no key unwrapped)',
    usage: ['ls s3://bucket[/prefix] [--recursive] [--human-readable] [--summarize]'],
    options: BULK_LS,
    positionals: { min: 1, max: 1 },
    load: () => import('./commands/ls.js'),
  },
  {
    name: 'uploads',
    summary: 'list or abort incomplete multipart uploads (s3enc marks its own)',
    usage: [
      'uploads ls s3://bucket[/prefix] [--older-than AGE | --before DATE] [--upload-id ID]',
      'uploads abort s3://bucket[/prefix] [--older-than AGE | --before DATE] [--upload-id ID] [--include-unknown] [--dryrun]',
    ],
    details:
      'S3 does not say who opened an incomplete upload: every one under the prefix is listed, and those\n' +
      "this machine's s3enc opened and has not settled are marked s3enc. abort takes only those, older\n" +
      'than --older-than (default 24h), unless --include-unknown or --upload-id ID (exactly that one).',
    options: {
      'older-than': {
        type: 'string',
        valueName: 'AGE',
        description: 'only uploads created longer ago than AGE (e.g. 90s, 30m, 24h, 7d)',
      },
      before: {
        type: 'string',
        valueName: 'DATE',
        description: 'only uploads created before this ISO 8601 date/time',
      },
      'upload-id': { type: 'string', valueName: 'ID', description: 'only this upload' },
      'include-unknown': {
        type: 'boolean',
        description:
          "abort: also uploads s3enc did not record (other tools' or other machines' — they may still be running)",
      },
      dryrun: { type: 'boolean', description: 'abort: show what would be aborted; abort nothing' },
    },
    positionals: { min: 2, max: 2 },
    load: () => import('./commands/uploads.js'),
  },
  {
    name: 'cp',
    summary: 'copy a directory or prefix: dir → s3://, s3:// → dir, s3:// → s3:// (server-side)',
    usage: ['cp --recursive <dir|s3://bucket/prefix> <s3://bucket/prefix|dir> [options]'],
    details:
      'Rerunning the same cp skips what a previous run completed (same size and recorded time).\n' +
      'Prefix → prefix copies the stored ciphertext server-side (nothing decrypted).',
    options: { ...KEY_OPTIONS, ...BULK_TRANSFER },
    positionals: { min: 2, max: 2 },
    load: () => import('./commands/cp.js'),
  },
  {
    name: 'sync',
    summary: 'sync a directory and a prefix (either way) as aws s3 sync, encrypted',
    usage: ['sync <dir|s3://bucket/prefix> <s3://bucket/prefix|dir> [options]'],
    options: {
      ...KEY_OPTIONS,
      ...BULK_TRANSFER,
      delete: { type: 'boolean', description: 'delete destination files not in the source' },
      'size-only': { type: 'boolean', description: 'compare sizes only' },
      'exact-timestamps': {
        type: 'boolean',
        description: 'skip same-sized files only when their times match exactly',
      },
    },
    positionals: { min: 2, max: 2 },
    load: () => import('./commands/sync.js'),
  },
];

export function findSpec(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** Every option of every command, for locating the command name in argv. */
export function allCommandOptions(): OptionSpecs {
  const all: OptionSpecs = {};
  for (const c of COMMANDS) Object.assign(all, c.options);
  return all;
}
