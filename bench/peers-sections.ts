// The measured sections of bench/peers.ts (see its header): one large file against the peers,
// a tree of small files, our engine with crypto off (CPU), and peak RSS against object size.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { deletePrefix, flushDisk, treeStats } from './peers-files.js';
import {
  contender,
  printTable,
  ratioLines,
  runRounds,
  summary,
  timeRatio,
  type Contender,
} from './peers-rounds.js';
import { runMeasured } from './peers-run.js';
import {
  awsTool,
  rcloneCryptTool,
  s3encTool,
  s3encTreeTool,
  s5cmdTool,
  s5cmdTreeTool,
  type Tool,
  type ToolContext,
  type TreeTool,
} from './peers-tools.js';

export interface BenchContext {
  tc: ToolContext;
  plain: S3Client;
  /** Scratch directory for downloads, logs and cost files. */
  dir: string;
  /** Node + tsx command that runs a bench TypeScript file as a child. */
  tsx: string[];
  rounds: number;
}

const slug = (s: string) => s.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
const measured = (ctx: BenchContext, t: { env: Record<string, string> }, argv: string[]) =>
  runMeasured(argv, { env: t.env, dir: ctx.dir });

/** Puts and gets of `file` by each tool; returns the groups (put, get) for later sections. */
export async function bigFile(ctx: BenchContext, file: string, bytes: number) {
  const tools: Tool[] = [s3encTool(ctx.tc), s5cmdTool(ctx.tc), awsTool(ctx.tc)];
  try {
    tools.push(rcloneCryptTool(ctx.tc));
  } catch (err) {
    console.error(`rclone crypt is not available: ${String(err)}`);
  }
  const key = (t: Tool) => `big/${slug(t.name)}`;
  const puts = tools.map((t) =>
    contender(`${t.name} put`, bytes, () => measured(ctx, t, t.put(file, key(t)))),
  );
  console.error(`\n[1] one ${bytes / 2 ** 20} MiB file: put (${ctx.rounds} rounds)`);
  await runRounds(puts, { to: ctx.rounds });
  const gets = tools.map((t) => {
    const dest = join(ctx.dir, `get-${slug(t.name)}.bin`);
    return contender(
      `${t.name} get`,
      bytes,
      () => measured(ctx, t, t.get(key(t), dest)),
      () => {
        rmSync(dest, { force: true });
        flushDisk();
      },
    );
  });
  // The same download to stdout (discarded): no file, no fsync, no rename — what the file
  // target costs on top.
  const s3 = tools[0]!;
  const toNull = contender('s3enc get → stdout (/dev/null)', bytes, () =>
    measured(ctx, s3, ['sh', '-c', 'exec "$0" "$@" > /dev/null', ...s3.get(key(s3), '-')]),
  );
  console.error(`[1] get (${ctx.rounds} rounds)`);
  await runRounds([...gets, toNull], { to: ctx.rounds });
  printTable(`[1] one ${bytes / 2 ** 20} MiB file, ${ctx.rounds} rounds — put`, puts);
  printTable(`[1] get`, [...gets, toNull]);
  const [s3encPut, s5Put, awsPut, rcPut] = puts;
  const [s3encGet, s5Get, awsGet, rcGet] = gets;
  timeRatio('[1] s3enc put ÷ s5cmd put (plaintext)', s3encPut!, s5Put!, { max: 1.0 });
  timeRatio('[1] s3enc get ÷ s5cmd get (plaintext)', s3encGet!, s5Get!, { max: 1.0 });
  timeRatio('[1] s3enc put ÷ aws s3 cp put (plaintext)', s3encPut!, awsPut!, { max: 0.8 });
  timeRatio('[1] s3enc get ÷ aws s3 cp get (plaintext)', s3encGet!, awsGet!, { max: 0.8 });
  timeRatio('[1] s3enc get to stdout ÷ s5cmd get (no file written)', toNull, s5Get!);
  if (rcPut && rcGet) {
    timeRatio('[3] s3enc put ÷ rclone crypt put (encrypted)', s3encPut!, rcPut, { max: 0.7 });
    timeRatio('[3] s3enc get ÷ rclone crypt get (encrypted)', s3encGet!, rcGet, { max: 0.7 });
  } else {
    ratioLines.push({ label: '[3] s3enc ÷ rclone crypt', ratio: NaN, note: 'rclone not built' });
  }
  return { puts, gets };
}

/**
 * One 4 KiB object put and got by each tool: the cost of one invocation (process start-up,
 * connections, s3enc's KMS call), which a script calling the CLI once per file pays each time.
 */
export async function smallObject(ctx: BenchContext, file: string): Promise<void> {
  const tools: Tool[] = [s3encTool(ctx.tc), s5cmdTool(ctx.tc), awsTool(ctx.tc)];
  const key = (t: Tool) => `small/${slug(t.name)}`;
  const group = tools.flatMap((t) => {
    const dest = join(ctx.dir, `small-${slug(t.name)}.bin`);
    return [
      contender(`${t.name} put 4 KiB`, 4096, () => measured(ctx, t, t.put(file, key(t)))),
      contender(
        `${t.name} get 4 KiB`,
        4096,
        () => measured(ctx, t, t.get(key(t), dest)),
        () => {
          rmSync(dest, { force: true });
        },
      ),
    ];
  });
  console.error(`\n[1b] one 4 KiB object (${ctx.rounds} rounds)`);
  // Each tool's put then its get, tools rotating.
  await runRounds(group, { to: ctx.rounds });
  printTable('[1b] one 4 KiB object: the cost of one invocation', group);
  timeRatio('[1b] s3enc put ÷ s5cmd put, 4 KiB (one invocation)', group[0]!, group[2]!);
  timeRatio('[1b] s3enc get ÷ s5cmd get, 4 KiB (one invocation)', group[1]!, group[3]!);
}

/**
 * The tree both ways: each contender writes to its own fresh prefix and directory each round
 * (s3enc's `cp` skips what a previous run completed), both removed after the round.
 */
export async function smallFiles(
  ctx: BenchContext,
  root: string,
  expect: { files: number; bytes: number },
  cacheArgs: string[] | undefined,
) {
  const tools: TreeTool[] = [s3encTreeTool(ctx.tc, 's3enc cp', []), s5cmdTreeTool(ctx.tc)];
  if (cacheArgs) tools.push(s3encTreeTool(ctx.tc, 's3enc cp, data-key cache', cacheArgs));
  const prefix = (t: TreeTool, r: number) => `tree/r${r}/${slug(t.name)}`;
  const out = (t: TreeTool, r: number) => join(ctx.dir, `tree-get-r${r}-${slug(t.name)}`);
  const check = (t: TreeTool, r: number) => {
    const got = treeStats(out(t, r));
    if (got.files !== expect.files || got.bytes !== expect.bytes) {
      throw new Error(
        `${t.name} downloaded ${got.files} files / ${got.bytes} bytes, expected ${expect.files} / ${expect.bytes}`,
      );
    }
  };
  const puts = tools.map((t) =>
    contender(`${t.name} ↑ (dir → prefix)`, expect.bytes, (r) =>
      measured(ctx, t, t.putTree(root, prefix(t, r))),
    ),
  );
  const gets = tools.map((t) =>
    contender(`${t.name} ↓ (prefix → dir)`, expect.bytes, async (r) => {
      const cost = await measured(ctx, t, t.getTree(prefix(t, r), out(t, r)));
      check(t, r);
      return cost;
    }),
  );
  console.error(
    `\n[2] ${expect.files} files, ${(expect.bytes / 2 ** 20).toFixed(0)} MiB (${ctx.rounds} rounds)`,
  );
  for (let r = 0; r < ctx.rounds; r++) {
    // One round at a time: the puts of round r, then its gets (they read what was put).
    await runRounds(puts, { from: r, to: r + 1 });
    await runRounds(gets, { from: r, to: r + 1 });
    for (const t of tools) rmSync(out(t, r), { recursive: true, force: true });
    await deletePrefix(ctx.plain, ctx.tc.bucket, `tree/r${r}/`);
    flushDisk();
  }
  printTable(`[2] ${expect.files} files — dir → prefix`, puts);
  printTable(`[2] prefix → dir`, gets);
  timeRatio('[2] s3enc cp ↑ ÷ s5cmd cp ↑ (no data-key cache)', puts[0]!, puts[1]!, { max: 1.2 });
  timeRatio('[2] s3enc cp ↓ ÷ s5cmd cp ↓ (no data-key cache)', gets[0]!, gets[1]!, { max: 1.2 });
  if (cacheArgs) {
    timeRatio('[2] s3enc cp ↑ ÷ s5cmd cp ↑ (data-key cache)', puts[2]!, puts[1]!, { max: 1.2 });
    timeRatio('[2] s3enc cp ↓ ÷ s5cmd cp ↓ (data-key cache)', gets[2]!, gets[1]!, { max: 1.2 });
  } else {
    ratioLines.push({
      label: '[2] s3enc cp ÷ s5cmd cp (data-key cache)',
      ratio: NaN,
      note: 'cache not available in this CLI',
    });
  }
}

/**
 * CPU per GiB of our engine's get, encrypted against crypto off (allowPlaintext on the
 * plaintext copy), each in a fresh child process that measures the transfer alone.
 */
export async function engineCpu(
  ctx: BenchContext,
  bytes: number,
  encKey: string,
  plainKey: string,
) {
  const { env: te } = ctx.tc;
  const job = (key: string, allowPlaintext: boolean) => ({
    s3: {
      endpoint: te.s3.endpoint,
      region: te.s3.region,
      credentials: te.s3.credentials,
      forcePathStyle: te.s3.forcePathStyle,
      ca: te.ca,
    },
    kms: {
      endpoint: te.kms.endpoint,
      region: te.kms.region,
      credentials: te.kms.credentials,
      ca: te.ca,
    },
    kmsKeyIds: [te.kmsKeys.primary.arn],
    bucket: ctx.tc.bucket,
    key,
    allowPlaintext,
  });
  const engine = (name: string, key: string, allowPlaintext: boolean) =>
    contender(name, bytes, async () => {
      const outFile = join(ctx.dir, 'engine-get.json');
      const env = {
        PATH: process.env.PATH ?? '',
        PEERS_ENGINE_GET: JSON.stringify(job(key, allowPlaintext)),
        PEERS_ENGINE_OUT: outFile,
      };
      const whole = await runMeasured(
        [...ctx.tsx, join(import.meta.dirname, 'peers-engine-get.ts')],
        { env, dir: ctx.dir },
      );
      const self = JSON.parse(readFileSync(outFile, 'utf8')) as {
        wall: number;
        user: number;
        sys: number;
        bytes: number;
      };
      rmSync(outFile);
      return { wall: self.wall, user: self.user, sys: self.sys, maxRssKiB: whole.maxRssKiB };
    });
  const group = [
    engine('engine get, encrypted', encKey, false),
    engine('engine get, crypto off', plainKey, true),
  ];
  console.error(`\n[4] engine get: encrypted vs crypto off (${ctx.rounds} rounds)`);
  await runRounds(group, { to: ctx.rounds });
  printTable('[4] our engine (library get, drained; transfer only, start-up excluded)', group);
  const [enc, off] = group;
  const cpuRatio = summary(enc!).cpuPerGiB / summary(off!).cpuPerGiB;
  const cpu = (c: Contender) => c.costs.map((x) => x.user + x.sys);
  const paired = cpu(enc!)
    .map((x, i) => x / cpu(off!)[i]!)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  ratioLines.push({
    label: '[4] CPU s/GiB: engine get encrypted ÷ crypto off',
    ratio: paired.length ? paired[paired.length >> 1]! : NaN,
    target: { max: 1.15 },
    note: `(${summary(enc!).cpuPerGiB.toFixed(2)} vs ${summary(off!).cpuPerGiB.toFixed(2)} s/GiB; ratio of medians ${cpuRatio.toFixed(2)})`,
  });
  // Speed: crypto-off time ÷ encrypted time = encrypted speed ÷ crypto-off speed.
  const speed = timeRatio('[4] speed: engine get encrypted ÷ crypto off', off!, enc!, { min: 0.9 });
  speed.note = '(time of crypto off ÷ time encrypted)';
}

/** Peak RSS of the CLI's put and get at two object sizes (each run in its own process). */
export async function peakRss(
  ctx: BenchContext,
  files: { path: string; bytes: number }[],
  rounds: number,
): Promise<void> {
  const t = s3encTool(ctx.tc);
  const group: Contender[] = [];
  for (const f of files) {
    const mib = f.bytes / 2 ** 20;
    const key = `rss/${mib}`;
    const dest = join(ctx.dir, `rss-${mib}.bin`);
    group.push(
      contender(`s3enc put ${mib} MiB`, f.bytes, () => measured(ctx, t, t.put(f.path, key))),
    );
    group.push(
      contender(
        `s3enc get ${mib} MiB`,
        f.bytes,
        () => measured(ctx, t, t.get(key, dest)),
        () => {
          rmSync(dest, { force: true });
          flushDisk();
        },
      ),
    );
  }
  console.error(`\n[5] peak RSS (${rounds} rounds)`);
  // Puts before gets in every round: a get reads what this round's put wrote.
  for (let r = 0; r < rounds; r++) {
    await runRounds(
      group.filter((c) => c.name.includes(' put ')),
      { from: r, to: r + 1 },
    );
    await runRounds(
      group.filter((c) => c.name.includes(' get ')),
      { from: r, to: r + 1 },
    );
  }
  printTable('[5] s3enc CLI, peak RSS by object size', group);
  for (const op of ['put', 'get']) {
    const [small, large] = group.filter((c) => c.name.startsWith(`s3enc ${op} `));
    const ratio = summary(large!).rssMiB / summary(small!).rssMiB;
    ratioLines.push({
      label: `[5] peak RSS ${op}: ${large!.name.split(' ').slice(2).join(' ')} ÷ ${small!.name.split(' ').slice(2).join(' ')}`,
      ratio,
      target: { max: 1.25 },
      note: `(${summary(large!).rssMiB.toFixed(0)} vs ${summary(small!).rssMiB.toFixed(0)} MiB; flat = 1.00)`,
    });
  }
  await deletePrefix(ctx.plain, ctx.tc.bucket, 'rss/');
}
