// The defaults sweep of bench/peers.ts (S3ENC_PEERS_SECTIONS=sweep): the CLI's put and get of
// one file under every (concurrency, part size) pair of a grid, in rotating rounds, each
// compared with the current defaults measured in the same rounds.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONCURRENCY, DEFAULT_PART_SIZE } from '@s3enc/node';
import { deletePrefix, flushDisk } from './peers-files.js';
import { contender, runRounds, summary, type Contender } from './peers-rounds.js';
import { runMeasured } from './peers-run.js';
import type { BenchContext } from './peers-sections.js';
import { pairedRatio } from './peers-stats.js';
import { s3encTool } from './peers-tools.js';

const MiB = 1024 * 1024;

/** Either a full grid, or `pairs` as given ("CONCURRENCYxPART_MIB", e.g. 8x16). */
export interface SweepGrid {
  concurrency: number[];
  partMiB: number[];
  pairs?: string[] | undefined;
}

export async function sweep(
  ctx: BenchContext,
  file: string,
  bytes: number,
  grid: SweepGrid,
  rounds: number,
): Promise<void> {
  const configs = grid.pairs
    ? grid.pairs.map((x) => {
        const [c, p] = x.split('x').map(Number);
        return { c: c!, p: p! };
      })
    : grid.concurrency.flatMap((c) => grid.partMiB.map((p) => ({ c, p })));
  const isDefault = (x: { c: number; p: number }) =>
    x.c === DEFAULT_CONCURRENCY && x.p * MiB === DEFAULT_PART_SIZE;
  if (!configs.some(isDefault)) {
    configs.push({ c: DEFAULT_CONCURRENCY, p: DEFAULT_PART_SIZE / MiB });
  }
  const name = (x: { c: number; p: number }) =>
    `concurrency ${String(x.c).padStart(2)}, part ${String(x.p).padStart(2)} MiB${isDefault(x) ? ' (default)' : ''}`;
  const tool = (x: { c: number; p: number }) =>
    s3encTool(ctx.tc, 's3enc', ['--concurrency', String(x.c), '--part-size', `${x.p}MiB`]);
  // Gets read one object (the default put's): how it was cut into parts does not matter to a
  // reader, which fetches ranges of whole frames of its own size.
  const readKey = 'sweep/default';
  const puts = configs.map((x) => {
    const t = tool(x);
    const key = isDefault(x) ? readKey : `sweep/c${x.c}-p${x.p}`;
    return contender(`put, ${name(x)}`, bytes, () =>
      runMeasured(t.put(file, key), { env: t.env, dir: ctx.dir }),
    );
  });
  const gets = configs.map((x) => {
    const t = tool(x);
    const dest = join(ctx.dir, 'sweep-get.bin');
    return contender(
      `get, ${name(x)}`,
      bytes,
      () => runMeasured(t.get(readKey, dest), { env: t.env, dir: ctx.dir }),
      () => {
        rmSync(dest, { force: true });
        flushDisk();
      },
    );
  });
  console.error(`\n[sweep] ${configs.length} configurations × ${rounds} rounds, put then get`);
  await runRounds(puts, { to: rounds });
  await runRounds(gets, { to: rounds });
  report('put', puts, configs.findIndex(isDefault));
  report('get', gets, configs.findIndex(isDefault));
  await deletePrefix(ctx.plain, ctx.tc.bucket, 'sweep/');
}

function report(op: string, group: Contender[], def: number): void {
  const base = group[def]!;
  const rows = group.map((c) => ({
    c,
    s: summary(c),
    vsDefault: pairedRatio(
      c.costs.map((x) => x.wall),
      base.costs.map((x) => x.wall),
    ),
  }));
  rows.sort((a, b) => a.vsDefault - b.vsDefault);
  console.log(`\n[sweep] ${op}: sorted by time ÷ default time (paired median; below 1 is faster)`);
  for (const { c, s, vsDefault } of rows) {
    console.log(
      `  ${c.name.padEnd(48)} ${vsDefault.toFixed(2)}  median ${s.wall.toFixed(2)} s  ${s.mbps.toFixed(0).padStart(5)} MB/s  CPU ${s.cpuPerGiB.toFixed(2)} s/GiB  RSS ${s.rssMiB.toFixed(0)} MiB`,
    );
  }
}
