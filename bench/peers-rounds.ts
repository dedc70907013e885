// Rotating rounds and the report of bench/peers.ts. Every contender of a group runs once per
// round, back to back, in an order rotated each round; a ratio is the median of the per-round
// ratios (this shared 2-core machine's speed drifts too much for figures taken minutes apart).
import { loadavg } from 'node:os';
import { setRunLabel, type RunCost } from './peers-run.js';
import { median, pairedRatio, rotation, targetText, verdict, type Target } from './peers-stats.js';

export interface Contender {
  name: string;
  /** Bytes it moves per run (for MB/s and CPU seconds per GiB). */
  bytes: number;
  run(round: number): Promise<RunCost>;
  /** After each run, not timed (remove a download, drop its dirty pages). */
  after?: (round: number) => Promise<void> | void;
  costs: RunCost[];
  errors: string[];
}

const FAILED: RunCost = { wall: NaN, user: NaN, sys: NaN, maxRssKiB: NaN };

export function contender(
  name: string,
  bytes: number,
  run: Contender['run'],
  after?: Contender['after'],
): Contender {
  return { name, bytes, run, ...(after ? { after } : {}), costs: [], errors: [] };
}

/**
 * Runs rounds `from` … `to - 1` of `group` (a section that must interleave other work runs one
 * round per call); a failed run is recorded (NaN) and reported, not fatal.
 */
export async function runRounds(
  group: readonly Contender[],
  { from = 0, to }: { from?: number; to: number },
): Promise<void> {
  for (let r = from; r < to; r++) {
    for (const c of rotation(group, r)) {
      let cost = FAILED;
      try {
        setRunLabel(c.name);
        cost = await c.run(r);
      } catch (err) {
        c.errors.push(err instanceof Error ? err.message : String(err));
        console.error(`  ${c.name}, round ${r + 1}: FAILED ${c.errors.at(-1)}`);
      }
      c.costs[r] = cost;
      await c.after?.(r);
      const rate = c.bytes / 1e6 / cost.wall;
      console.error(
        `  round ${r + 1} ${c.name}: ${cost.wall.toFixed(2)} s (${rate.toFixed(0)} MB/s)`,
      );
    }
  }
}

const GiB = 1024 ** 3;
const walls = (c: Contender) => c.costs.map((x) => x.wall);

/** The median figures of a contender: seconds, MB/s, CPU s per GiB, peak RSS (MiB). */
export function summary(c: Contender) {
  const wall = median(walls(c).filter(Number.isFinite));
  const cpu = median(c.costs.map((x) => x.user + x.sys).filter(Number.isFinite));
  return {
    wall,
    mbps: c.bytes / 1e6 / wall,
    cpu,
    cpuPerGiB: cpu / (c.bytes / GiB),
    rssMiB: median(c.costs.map((x) => x.maxRssKiB).filter(Number.isFinite)) / 1024,
  };
}

export function printTable(title: string, group: readonly Contender[]): void {
  console.log(`\n${title}`);
  console.log(
    `  ${'contender'.padEnd(40)} ${'median s'.padStart(9)} ${'MB/s'.padStart(7)} ${'CPU s'.padStart(7)} ${'CPU s/GiB'.padStart(10)} ${'peak RSS MiB'.padStart(13)}  rounds`,
  );
  for (const c of group) {
    const s = summary(c);
    const ok = c.costs.filter((x) => Number.isFinite(x.wall)).length;
    console.log(
      `  ${c.name.padEnd(40)} ${s.wall.toFixed(2).padStart(9)} ${s.mbps.toFixed(0).padStart(7)} ${s.cpu.toFixed(2).padStart(7)} ${(c.bytes >= 2 ** 20 ? s.cpuPerGiB.toFixed(2) : '-').padStart(10)} ${s.rssMiB.toFixed(0).padStart(13)}  ${ok}/${c.costs.length}${c.errors.length ? `  (${c.errors.length} failed)` : ''}`,
    );
  }
}

/** One line of the verdict list. */
export interface RatioLine {
  label: string;
  ratio: number;
  target?: Target;
  note?: string;
}

export const ratioLines: RatioLine[] = [];

/** Paired time ratio a ÷ b (below 1: a is faster), recorded for the closing list. */
export function timeRatio(label: string, a: Contender, b: Contender, target?: Target): RatioLine {
  const line: RatioLine = {
    label,
    ratio: pairedRatio(walls(a), walls(b)),
    ...(target ? { target } : {}),
  };
  ratioLines.push(line);
  return line;
}

export function formatRatio(l: RatioLine): string {
  const t = l.target ? `target ${targetText(l.target)}  ${verdict(l.ratio, l.target)}` : '';
  return `  ${l.label.padEnd(58)} ${Number.isFinite(l.ratio) ? l.ratio.toFixed(2) : ' n/a'}  ${t}${l.note ? `  ${l.note}` : ''}`;
}

export function load(): string {
  return loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
}
