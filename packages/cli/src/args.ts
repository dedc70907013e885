/**
 * Argument parsing on `node:util` parseArgs. Every command declares its options in the
 * registry (commands.ts) so parsing and help need no command module loaded; the module
 * itself is imported only when the command runs.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './cli-errors.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Shown in help, e.g. `KEY=VALUE`. */
  valueName?: string;
  description: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

/** Options every command accepts, before or after the command name. */
export const GLOBAL_OPTIONS = {
  profile: {
    type: 'string',
    valueName: 'NAME',
    description: 'AWS profile from ~/.aws/config and credentials (else AWS_PROFILE)',
  },
  region: {
    type: 'string',
    valueName: 'REGION',
    description: 'AWS Region (else AWS_REGION, AWS_DEFAULT_REGION, the profile)',
  },
  'endpoint-url': {
    type: 'string',
    valueName: 'URL',
    description: 'S3 endpoint, https only (else AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL)',
  },
  'kms-endpoint-url': {
    type: 'string',
    valueName: 'URL',
    description: 'KMS endpoint, https only (else AWS_ENDPOINT_URL_KMS, AWS_ENDPOINT_URL)',
  },
  'ca-bundle': {
    type: 'string',
    valueName: 'FILE',
    description: 'PEM CA bundle to trust for private endpoints (else AWS_CA_BUNDLE)',
  },
  'cli-read-timeout': {
    type: 'string',
    valueName: 'SECONDS',
    description: 'give up on a request after this long without data (as the AWS CLI; default 60)',
  },
  json: { type: 'boolean', description: 'print one JSON result (and errors as JSON)' },
  quiet: { type: 'boolean', short: 'q', description: 'print nothing but errors' },
  debug: {
    type: 'boolean',
    description: 'print stack traces and causes on errors, and the transfer events',
  },
  'no-color': { type: 'boolean', description: 'no colour (also NO_COLOR, CI)' },
  help: { type: 'boolean', short: 'h', description: 'show help' },
  version: { type: 'boolean', description: 'print the version' },
} as const satisfies OptionSpecs;

export interface GlobalOptions {
  profile?: string;
  region?: string;
  endpointUrl?: string;
  kmsEndpointUrl?: string;
  caBundle?: string;
  /** --cli-read-timeout, as given. */
  readTimeout?: string;
  json: boolean;
  quiet: boolean;
  debug: boolean;
  noColor: boolean;
  help: boolean;
  version: boolean;
}

export type ParsedValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

export interface ParsedCommandLine {
  /** The command name, or undefined when none was given. */
  command: string | undefined;
  positionals: string[];
  values: ParsedValues;
  global: GlobalOptions;
}

function toParseArgsOptions(specs: OptionSpecs) {
  const out: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> =
    {};
  for (const [name, s] of Object.entries(specs)) {
    out[name] = {
      type: s.type,
      ...(s.short ? { short: s.short } : {}),
      ...(s.multiple ? { multiple: true } : {}),
    };
  }
  return out;
}

/**
 * Finds the command name: the first positional once every known option (global or of any
 * command) has taken its value, so `--profile dev put …` finds `put`, not `dev`.
 */
export function findCommand(
  argv: string[],
  allOptions: OptionSpecs,
): { command: string | undefined; rest: string[] } {
  const { tokens } = parseArgs({
    args: argv,
    options: toParseArgsOptions({ ...allOptions, ...GLOBAL_OPTIONS }),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const t of tokens) {
    if (t.kind === 'option-terminator') break;
    if (t.kind === 'positional') {
      return { command: t.value, rest: [...argv.slice(0, t.index), ...argv.slice(t.index + 1)] };
    }
  }
  return { command: undefined, rest: argv };
}

/** Strict parse of the arguments of one command (global options included). */
export function parseCommandLine(
  argv: string[],
  commandOptions: OptionSpecs | undefined,
  allOptions: OptionSpecs,
): ParsedCommandLine {
  const { command, rest } = findCommand(argv, allOptions);
  const options = { ...GLOBAL_OPTIONS, ...(commandOptions ?? {}) };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      options: toParseArgsOptions(options),
      strict: true,
      allowPositionals: true,
    });
  } catch (e) {
    // parseArgs throws TypeErrors with codes like ERR_PARSE_ARGS_UNKNOWN_OPTION; their text
    // names the option, which is what the user needs.
    throw new UsageError(
      (e as Error).message.replace(/\. To specify a positional argument.*$/s, '.'),
    );
  }
  const v = parsed.values as ParsedValues;
  const str = (k: string) => (typeof v[k] === 'string' ? v[k] : undefined);
  const bool = (k: string) => v[k] === true;
  const global: GlobalOptions = {
    json: bool('json'),
    quiet: bool('quiet'),
    debug: bool('debug'),
    noColor: bool('no-color'),
    help: bool('help'),
    version: bool('version'),
  };
  const profile = str('profile');
  if (profile !== undefined) global.profile = profile;
  const region = str('region');
  if (region !== undefined) global.region = region;
  const endpointUrl = str('endpoint-url');
  if (endpointUrl !== undefined) global.endpointUrl = endpointUrl;
  const kmsEndpointUrl = str('kms-endpoint-url');
  if (kmsEndpointUrl !== undefined) global.kmsEndpointUrl = kmsEndpointUrl;
  const caBundle = str('ca-bundle');
  if (caBundle !== undefined) global.caBundle = caBundle;
  const readTimeout = str('cli-read-timeout');
  if (readTimeout !== undefined) global.readTimeout = readTimeout;
  return { command, positionals: parsed.positionals, values: v, global };
}

/** Reads a string option; undefined when absent. */
export function stringOpt(values: ParsedValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** Reads a repeatable string option; [] when absent. */
export function stringsOpt(values: ParsedValues, name: string): string[] {
  const v = values[name];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return typeof v === 'string' ? [v] : [];
}

export function boolOpt(values: ParsedValues, name: string): boolean {
  return values[name] === true;
}

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

/** Parses `65536`, `64KiB`, `8MiB`, `5GB`, `1t` into bytes (binary units, as the AWS CLI reads them). */
export function parseSize(option: string, text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) {
    throw new UsageError(
      `--${option} expects a size such as 65536, 64KiB, 8MiB or 5GB, got ${JSON.stringify(text)}`,
    );
  }
  const n = Number(m[1]) * unit;
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new UsageError(
      `--${option} must be a positive whole number of bytes, got ${JSON.stringify(text)}`,
    );
  }
  return n;
}

/** Parses a positive integer option such as --concurrency. */
export function parsePositiveInt(option: string, text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) <= 0 || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`--${option} expects a positive integer, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

/** Parses repeatable `--context k=v` into an encryption context. */
export function parseContext(pairs: string[]): Record<string, string> | undefined {
  if (pairs.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw new UsageError(`--context expects KEY=VALUE, got ${JSON.stringify(p)}`);
    const k = p.slice(0, i);
    if (k.startsWith('aws-crypto-')) {
      throw new UsageError(
        `--context keys starting with "aws-crypto-" are reserved, got ${JSON.stringify(k)}`,
      );
    }
    if (Object.prototype.hasOwnProperty.call(out, k))
      throw new UsageError(`--context ${k} is given twice`);
    out[k] = p.slice(i + 1);
  }
  return out;
}

/** Parses `--workers`: `auto` or a worker count (0: the calling thread only). */
export function parseWorkers(text: string | undefined): 'auto' | number | undefined {
  if (text === undefined || text === 'auto') return text;
  if (text === '0') return 0;
  return parsePositiveInt('workers', text);
}
