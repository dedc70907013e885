/**
 * The entry point: parse, dispatch to a lazily loaded command, and the ONE error boundary
 * that turns any failure into a message on stderr and a documented exit code.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { GLOBAL_OPTIONS, parseCommandLine, type GlobalOptions, type OptionSpecs } from './args.js';
import { UsageError } from './cli-errors.js';
import type { CommandSpec } from './command.js';
import { COMMANDS, allCommandOptions, findSpec } from './commands.js';
import { ExitCode } from './exit-codes.js';
import { Output, colourEnabled, processIo, type CliIo } from './output.js';
import {
  keptUploadNotice,
  openUploadNotice,
  openUploads,
  resumeStateOf,
  uploadLeftOpenBy,
} from './open-uploads.js';
import { recordFacts, resetFacts, runFacts } from './run-facts.js';
import { terminalSafe } from './terminal-text.js';

/** How long a second interrupt waits for an open multipart upload to be aborted. */
const ABORT_WAIT_MS = 10_000;

export function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

function optionLines(specs: OptionSpecs): string[] {
  const rows = Object.entries(specs).map(([name, s]) => {
    const flag = `${s.short ? `-${s.short}, ` : '    '}--${name}${s.type === 'string' ? ` ${s.valueName ?? 'VALUE'}` : ''}`;
    return [flag, s.description + (s.multiple ? '' : '')] as const;
  });
  const w = Math.min(36, Math.max(...rows.map((r) => r[0].length)));
  return rows.map(([f, d]) => `  ${f.padEnd(w)}  ${d}`);
}

/** A document shipped in the package's docs/ (copied there by scripts/package-files.mjs). */
function docPath(name: string): string {
  return fileURLToPath(new URL(`../docs/${name}`, import.meta.url));
}

export function mainHelp(): string {
  const w = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `s3enc ${version()} — client-side encryption for S3 objects (KMS data keys, TLS only)`,
    '',
    'Usage: s3enc <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    '',
    'Global options:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'Exit codes: 0 ok, 1 other failure, 2 usage, 3 integrity (tampered, truncated, wrong context),',
    '            4 access or key (denied, no matching key, credentials), 5 audit/harden findings, 130 interrupted.',
    "Run `s3enc help <command>` for a command's options.",
    `Documentation (installed with s3enc): ${docPath('cli.md')}, error codes: ${docPath('errors.md')}`,
    '',
  ].join('\n');
}

export function commandHelp(spec: CommandSpec): string {
  return [
    `s3enc ${spec.name} — ${spec.summary}`,
    '',
    'Usage:',
    ...spec.usage.map((u) => `  s3enc ${u}`),
    ...(spec.details ? ['', spec.details] : []),
    ...(Object.keys(spec.options).length > 0 ? ['', 'Options:', ...optionLines(spec.options)] : []),
    '',
    'Global options: --profile, --region, --endpoint-url, --kms-endpoint-url, --ca-bundle, --cli-read-timeout, --json, --quiet, --debug, --no-color',
    '',
  ].join('\n');
}

/**
 * `aws s3 cp --no-verify-ssl` turns certificate checks off; s3enc never does (an attacker on the
 * path could then read SSE-C keys and swap objects). Refused with the reason and the way to
 * trust a private CA, rather than as an unknown option.
 */
function refuseNoVerifySsl(argv: string[]): void {
  const i = argv.indexOf('--');
  const args = i === -1 ? argv : argv.slice(0, i);
  if (args.includes('--no-verify-ssl'))
    throw new UsageError(
      '--no-verify-ssl is refused: s3enc never turns TLS certificate checks off (anyone on the path could then read SSE-C keys and credentials, or swap objects). ' +
        'For a private CA pass --ca-bundle FILE (or set AWS_CA_BUNDLE, or ca_bundle in the profile).',
      'ERR_S3ENC_TLS_VERIFICATION_REQUIRED',
    );
}

/** Best-effort scan for global output flags, so even a usage error honours --json / --debug. */
function sniffGlobal(argv: string[]): Pick<GlobalOptions, 'json' | 'quiet' | 'debug' | 'noColor'> {
  const has = (f: string) => argv.includes(f);
  return {
    json: has('--json'),
    quiet: has('--quiet') || has('-q'),
    debug: has('--debug'),
    noColor: has('--no-color'),
  };
}

async function printError(
  io: CliIo,
  out: Output,
  err: unknown,
  debug: boolean,
  json: boolean,
): Promise<number> {
  // Loaded only on failure: it needs @s3enc/core's error classes.
  const { reportFor } = await import('./error-report.js');
  // A body-less 404 cannot tell a missing bucket from a missing key: one HeadBucket can.
  await (await import('./cause/missing-bucket.js')).probeMissingBucket(err);
  const r = reportFor(err, runFacts());
  const leftOpen = uploadLeftOpenBy(err);
  const statePath = leftOpen === undefined ? undefined : resumeStateOf(err);
  if (json) {
    const target = out.dataOnStdout ? io.stderr : io.stdout;
    target.write(
      `${JSON.stringify({ ok: false, error: { code: r.code, message: r.message, exitCode: r.exitCode, ...(r.hint ? { hint: r.hint } : {}), ...(r.cause ? { cause: r.cause } : {}), ...(leftOpen ? { openMultipartUpload: leftOpen } : {}), ...(statePath !== undefined ? { resumeStatePath: statePath } : {}) } })}\n`,
    );
  }
  // The human message always goes to stderr, even with --json or --quiet: errors are never silent.
  // Messages and codes may quote a server (an S3 error code) or an object: escaped for the
  // terminal here, exact in the JSON document above.
  const s = out.style;
  io.stderr.write(
    `${s.red('s3enc: error:')} ${terminalSafe(r.message)} ${s.dim(`(${terminalSafe(r.code)})`)}\n`,
  );
  if (r.hint) io.stderr.write(`${terminalSafe(r.hint)}\n`);
  // Whatever the error became (an interrupt reports "interrupted"), an upload that could not
  // be aborted is named, with the command that aborts it.
  if (leftOpen) {
    io.stderr.write(
      statePath === undefined ? openUploadNotice(leftOpen) : keptUploadNotice(leftOpen, statePath),
    );
  }
  if (debug) {
    let e: unknown = err;
    for (let i = 0; i < 6 && e !== undefined && e !== null; i++) {
      const text = e instanceof Error ? (e.stack ?? e.message) : inspect(e);
      io.stderr.write(
        `${i === 0 ? '' : 'caused by: '}${text.split('\n').map(terminalSafe).join('\n')}\n`,
      );
      e = (e as { cause?: unknown }).cause;
    }
  } else if (r.exitCode === ExitCode.FAILURE && r.code === 'ERR_S3ENC_CLI_UNKNOWN') {
    io.stderr.write('Run again with --debug for details.\n');
  }
  return r.exitCode;
}

/**
 * Runs the CLI with the given arguments (without `node` and the script) and returns the exit
 * code. Never throws; never calls process.exit (so tests can call it in process).
 */
export async function run(
  argv: string[],
  io: CliIo = processIo(),
  signal: AbortSignal = new AbortController().signal,
): Promise<number> {
  resetFacts();
  const sniff = sniffGlobal(argv);
  let out = new Output(io, {
    json: sniff.json,
    quiet: sniff.quiet,
    colour: colourEnabled(io, sniff.noColor),
  });
  let debug = sniff.debug;
  let json = sniff.json;
  try {
    refuseNoVerifySsl(argv);
    const first = parseCommandLine(argv, allCommandOptions(), allCommandOptions());
    if (first.global.version && first.command === undefined) {
      io.stdout.write(`${version()}\n`);
      return ExitCode.OK;
    }
    if (first.command === undefined) {
      if (first.global.help) {
        io.stdout.write(mainHelp());
        return ExitCode.OK;
      }
      io.stderr.write(mainHelp());
      return ExitCode.USAGE;
    }
    if (first.command === 'help') {
      const name = first.positionals[0];
      const spec = name === undefined ? undefined : findSpec(name);
      if (name !== undefined && spec === undefined)
        throw new UsageError(`unknown command ${JSON.stringify(name)}; run \`s3enc help\``);
      io.stdout.write(spec ? commandHelp(spec) : mainHelp());
      return ExitCode.OK;
    }
    const spec = findSpec(first.command);
    if (spec === undefined) {
      throw new UsageError(`unknown command ${JSON.stringify(first.command)}; run \`s3enc help\``);
    }
    if (first.global.help) {
      io.stdout.write(commandHelp(spec));
      return ExitCode.OK;
    }
    const parsed = parseCommandLine(argv, spec.options, allCommandOptions());
    const g = parsed.global;
    debug = g.debug;
    json = g.json;
    // `aws s3 cp` spellings: --only-show-errors is --quiet; --no-progress draws no bar.
    out = new Output(io, {
      json: g.json,
      quiet: g.quiet || parsed.values['only-show-errors'] === true,
      colour: colourEnabled(io, g.noColor),
      noProgress: parsed.values['no-progress'] === true,
    });
    const n = parsed.positionals.length;
    if (n < spec.positionals.min || n > spec.positionals.max) {
      throw new UsageError(
        `${n < spec.positionals.min ? 'missing arguments' : `unexpected argument ${JSON.stringify(parsed.positionals[spec.positionals.max])}`}; usage: ${spec.usage.map((u) => `s3enc ${u}`).join(' | ')}`,
      );
    }
    recordFacts({ command: spec.name });
    // The profile's settings, read once through the SDK's loaders (aws-config.ts).
    const aws =
      spec.usesAws === false
        ? undefined
        : await (await import('./aws-config.js')).loadProfileConfig(g.profile, io.env);
    const mod = await spec.load();
    const stopEvents = debug
      ? await (await import('./debug-events.js')).printEvents(io.stderr)
      : undefined;
    try {
      const code = await mod.run({
        positionals: parsed.positionals,
        values: parsed.values,
        global: g,
        out,
        io,
        signal,
        aws,
        argv,
      });
      return code ?? ExitCode.OK;
    } finally {
      stopEvents?.();
    }
  } catch (err) {
    let e = err;
    if (signal.aborted && !(err instanceof UsageError)) {
      const { AbortError } = await import('@s3enc/core');
      e = new AbortError('interrupted', { cause: err });
    }
    return printError(io, out, e, debug, json);
  }
}

/** Used by bin/s3enc.js: wires signals and sets process.exitCode. */
export async function cli(): Promise<void> {
  const controller = new AbortController();
  let interrupts = 0;
  let waiting: NodeJS.Timeout | undefined;
  // The first interrupt cancels the command, which aborts any multipart upload it opened. A
  // second one does not cut that short: it waits a bounded time for the abort; a third, or the
  // end of the wait, exits at once and names every upload still open so it can be aborted by
  // hand (an open upload keeps its parts, billed, until aborted).
  const leave = (): never => {
    for (const u of openUploads.list()) process.stderr.write(openUploadNotice(u));
    process.exit(ExitCode.INTERRUPTED);
  };
  const onSignal = (sig: NodeJS.Signals) => {
    interrupts++;
    if (interrupts === 1) {
      controller.abort(Object.assign(new Error(`interrupted by ${sig}`), { name: 'AbortError' }));
      return;
    }
    if (!openUploads.busy() || openUploads.exitsAtSecondInterrupt() || interrupts > 2) leave();
    if (waiting === undefined) {
      process.stderr.write(
        `s3enc: aborting the upload; waiting up to ${ABORT_WAIT_MS / 1000} s (interrupt again to exit now)\n`,
      );
      waiting = setTimeout(leave, ABORT_WAIT_MS);
      waiting.unref();
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A closed stdout (e.g. `s3enc get … - | head -c 10`) is not an error worth a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  process.exitCode = await run(process.argv.slice(2), processIo(), controller.signal);
  if (waiting !== undefined) clearTimeout(waiting);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}
