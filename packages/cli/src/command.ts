import type { GlobalOptions, OptionSpecs, ParsedValues } from './args.js';
import type { ProfileConfig } from './aws-config.js';
import type { CliIo, Output } from './output.js';

/** What a command module receives. */
export interface CommandContext {
  positionals: string[];
  values: ParsedValues;
  global: GlobalOptions;
  out: Output;
  io: CliIo;
  /** The command line as given (for options whose relative order matters: --exclude/--include). */
  argv?: readonly string[];
  /** Aborted on SIGINT/SIGTERM; pass it to every library call. */
  signal: AbortSignal;
  /** The chosen profile's settings from the AWS config files (aws-config.ts); absent for local commands. */
  aws?: ProfileConfig | undefined;
}

/** A command module (`commands/<name>.ts`) exports `run`; it may return a non-zero exit code. */
export interface CommandModule {
  run(ctx: CommandContext): Promise<number | undefined>;
}

/** A command as the registry knows it: enough to parse and print help without loading it. */
export interface CommandSpec {
  name: string;
  summary: string;
  /** Usage lines without the leading `s3enc `. */
  usage: string[];
  /** Extra help text. */
  details?: string;
  options: OptionSpecs;
  positionals: { min: number; max: number };
  /** False for commands that never reach AWS (keygen): the config files are not read. */
  usesAws?: boolean;
  load(): Promise<CommandModule>;
}
