// Runs one contender's command as a child process and measures it: wall time, the child's CPU
// (user + sys) and its peak RSS, from wait4(2) (bench/peers-rusage.py). Output goes to a log
// file, not through a pipe into this process, so reading it costs the benchmark nothing.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RUSAGE = fileURLToPath(new URL('peers-rusage.py', import.meta.url));

/** What one run cost. Times in seconds, peak RSS in KiB. */
export interface RunCost {
  wall: number;
  user: number;
  sys: number;
  maxRssKiB: number;
}

export interface RunOptions {
  env: Record<string, string>;
  /** Scratch directory for the cost file and the log. */
  dir: string;
  cwd?: string;
}

let runs = 0;
let label = 'run';

/** Names the runs that follow (the contender), for their CPU profiles' directory. */
export function setRunLabel(name: string): void {
  label = name;
}

/**
 * S3ENC_PEERS_CPU_PROF=/abs/dir: a Node child (the s3enc CLI, the engine child) writes a CPU
 * profile to dir/<contender>/ (bench/cpuprofile-top.ts sums them up).
 */
function profileEnv(argv: readonly string[]): Record<string, string> {
  const base = process.env.S3ENC_PEERS_CPU_PROF;
  if (!base || argv[0] !== process.execPath) return {};
  const dir = join(base, label.replace(/[^a-z0-9]+/gi, '-').toLowerCase());
  return { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir}` };
}

/** Runs `argv` to completion; throws with the tail of its output when it exits non-zero. */
export async function runMeasured(argv: readonly string[], o: RunOptions): Promise<RunCost> {
  const id = ++runs;
  const costFile = join(o.dir, `cost-${id}.json`);
  const logFile = join(o.dir, `run-${id}.log`);
  const log = openSync(logFile, 'w');
  try {
    const child = spawn('python3', [RUSAGE, costFile, ...argv], {
      env: { ...o.env, ...profileEnv(argv) },
      cwd: o.cwd ?? o.dir,
      stdio: ['ignore', log, log],
    });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
    const cost = existsSync(costFile)
      ? (JSON.parse(readFileSync(costFile, 'utf8')) as RunCost & { code: number })
      : undefined;
    if (code !== 0 || cost === undefined || cost.code !== 0) {
      const tail = readFileSync(logFile, 'utf8').slice(-2000);
      throw new Error(`${argv.slice(0, 4).join(' ')} … exited ${cost?.code ?? code}:\n${tail}`);
    }
    rmSync(logFile, { force: true });
    return { wall: cost.wall, user: cost.user, sys: cost.sys, maxRssKiB: cost.maxRssKiB };
  } finally {
    closeSync(log);
    rmSync(costFile, { force: true });
  }
}
