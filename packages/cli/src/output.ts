/**
 * Where output goes. Results go to stdout (one JSON document with --json), everything meant
 * for a person (progress, notes, errors) to stderr, so pipes only ever carry data.
 */
import type { Readable, Writable } from 'node:stream';

export interface CliIo {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean; columns?: number };
  env: Record<string, string | undefined>;
}

export function processIo(): CliIo {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/** Colour on stderr: off with NO_COLOR (any value), CI, --no-color, or when stderr is not a TTY; FORCE_COLOR forces it. */
export function colourEnabled(io: CliIo, noColorFlag: boolean): boolean {
  const env = io.env;
  if (noColorFlag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== '')
    return true;
  if (env.CI !== undefined && env.CI !== '' && env.CI !== 'false') return false;
  if (env.TERM === 'dumb') return false;
  return io.stderr.isTTY === true;
}

export interface Style {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

export function makeStyle(enabled: boolean): Style {
  const w = (open: number, close: number) => (s: string) =>
    enabled ? `\x1b[${open}m${s}\x1b[${close}m` : s;
  return { red: w(31, 39), green: w(32, 39), yellow: w(33, 39), bold: w(1, 22), dim: w(2, 22) };
}

export class Output {
  readonly style: Style;
  /** stdout carries object data (get … -): results then go to stderr. */
  dataOnStdout = false;

  constructor(
    readonly io: CliIo,
    readonly o: { json: boolean; quiet: boolean; colour: boolean; noProgress?: boolean },
  ) {
    this.style = makeStyle(o.colour);
  }

  /** Interactive output (progress bars) only on a TTY, never with --json, --quiet or --no-progress. */
  get interactive(): boolean {
    return (
      this.io.stderr.isTTY === true && !this.o.json && !this.o.quiet && this.o.noProgress !== true
    );
  }

  /** Prints the command's result: JSON with --json, else the human text unless --quiet. */
  result(data: unknown, human: () => string): void {
    const target = this.dataOnStdout ? this.io.stderr : this.io.stdout;
    if (this.o.json) {
      target.write(
        `${JSON.stringify(data, null, this.io.stdout.isTTY === true ? 2 : undefined)}\n`,
      );
      return;
    }
    if (this.o.quiet) return;
    const text = human();
    if (text !== '') target.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** A note for a person on stderr (suppressed by --quiet and --json). */
  note(text: string): void {
    if (this.o.quiet || this.o.json) return;
    this.io.stderr.write(`${text}\n`);
  }

  /** A warning on stderr (suppressed by --quiet only). */
  warn(text: string): void {
    if (this.o.quiet) return;
    this.io.stderr.write(`${this.style.yellow('warning:')} ${text}\n`);
  }
}

/** Formats bytes as `12.3 MiB`. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}
