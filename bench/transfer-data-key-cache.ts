// The data-key cache on many small files, through the built CLI: `cp --recursive` of N files
// of 4 KiB up (directory → prefix) and back down (prefix → directory), with the cache off (the
// default) and on (--data-key-cache-max-age 300), against MinIO + local-kms over TLS.
// Counts: KMS GenerateDataKey / Decrypt per run, taken once through a recording proxy in front
// of KMS. Times: paired rounds straight to KMS, contenders back to back in rotating order; a
// ratio is the median of per-round ratios. The load average is printed with every round.
//   npx tsx --tsconfig bench/transfer-tsconfig.json bench/transfer-data-key-cache.ts
// S3ENC_BENCH_FILES (default 500), S3ENC_BENCH_FILE_KIB (default 4), S3ENC_BENCH_REPS (default 5),
// S3ENC_BENCH_KMS_DELAY_MS (default 0: straight to local-kms; else each KMS request is held that
// long at the proxy, standing in for the network distance to a real KMS).
// local-kms answers on loopback in well under a millisecond; AWS KMS takes milliseconds per
// call, so the time saved here is a lower bound of what a real Region shows.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestServers } from '../test/harness/env.js';
import { startFaultProxy } from '../test/harness/fault-proxy.js';
import type { TestEnv } from '../test/harness/types.js';
import { makeBucket, plainS3 } from './transfer-common.js';

const repoDir = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(repoDir, 'packages/cli/bin/s3enc.js');
const FILES = Number(process.env.S3ENC_BENCH_FILES ?? 500);
const KIB = Number(process.env.S3ENC_BENCH_FILE_KIB ?? 4);
const REPS = Number(process.env.S3ENC_BENCH_REPS ?? 5);
/** > 0: the timed rounds reach KMS through the proxy, each KMS request held this long (a distant KMS). */
const KMS_DELAY_MS = Number(process.env.S3ENC_BENCH_KMS_DELAY_MS ?? 0);
const CACHE_FLAGS = ['--data-key-cache-max-age', '300'];

function cliEnv(env: TestEnv, kmsEndpoint: string, caFile: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    AWS_CONFIG_FILE: '/nonexistent/s3enc-bench-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/s3enc-bench-credentials',
    AWS_ACCESS_KEY_ID: env.s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: env.s3.credentials.secretAccessKey,
    AWS_REGION: env.s3.region,
    AWS_ENDPOINT_URL_S3: env.s3.endpoint,
    AWS_ENDPOINT_URL_KMS: kmsEndpoint,
    AWS_CA_BUNDLE: caFile,
    S3ENC_KMS_KEY_ID: env.kmsKeys.primary.arn,
    NO_COLOR: '1',
  };
}

/** Runs the CLI; resolves with the wall time in ms. Throws on a non-zero exit. */
function cli(args: string[], env: Record<string, string>): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args, '--quiet'], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(performance.now() - t0);
      else reject(new Error(`s3enc ${args.join(' ')} exited ${code}: ${err}`));
    });
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

const servers = await startTestServers();
mkdirSync(join(repoDir, '.cache'), { recursive: true });
const dir = mkdtempSync(join(repoDir, '.cache', 'dk-cache-bench-'));
const proxy = await startFaultProxy({
  upstream: servers.env.kms.endpoint,
  upstreamCa: servers.env.ca,
});
try {
  const env = servers.env;
  const bucket = await makeBucket(plainS3(env), `bench-dkc-${Date.now().toString(36)}`);
  const src = join(dir, 'src');
  mkdirSync(src);
  for (let i = 0; i < FILES; i++)
    writeFileSync(join(src, `f${String(i).padStart(5, '0')}.bin`), randomBytes(KIB * 1024));
  const direct = cliEnv(env, env.kms.endpoint, env.caPath);
  const caBoth = join(dir, 'ca-both.pem');
  writeFileSync(caBoth, `${env.ca}\n${proxy.ca}\n`);
  const counted = cliEnv(env, proxy.endpoint, caBoth);
  const contenders = { off: [] as string[], cache: CACHE_FLAGS };
  type Name = keyof typeof contenders;
  const names = Object.keys(contenders) as Name[];
  let seq = 0;
  const up = (n: Name, e: Record<string, string>) => {
    const prefix = `s3://${bucket}/${n}-${seq++}`;
    return cli(['cp', '--recursive', src, prefix, ...contenders[n]], e).then((ms) => ({
      ms,
      prefix,
    }));
  };
  const down = (n: Name, prefix: string, e: Record<string, string>) => {
    const to = join(dir, `down-${seq++}`);
    return cli(['cp', '--recursive', prefix, to, ...contenders[n]], e).then((ms) => {
      rmSync(to, { recursive: true, force: true });
      return ms;
    });
  };

  console.log(
    `data-key cache bench: ${FILES} files × ${KIB} KiB, cp --recursive up and down, KMS ${KMS_DELAY_MS > 0 ? `held ${KMS_DELAY_MS} ms per request at a proxy` : 'straight (local-kms on loopback)'}, node ${process.version}, load ${load()}`,
  );
  // KMS calls, once per contender, through the recording proxy.
  for (const n of names) {
    proxy.setFaults([]);
    const { prefix } = await up(n, counted);
    const gen = proxy.requests.filter((r) => r.target === 'TrentService.GenerateDataKey').length;
    proxy.setFaults([]);
    await down(n, prefix, counted);
    const dec = proxy.requests.filter((r) => r.target === 'TrentService.Decrypt').length;
    console.log(`  KMS calls, ${n.padEnd(5)}: up ${gen} GenerateDataKey, down ${dec} Decrypt`);
  }
  // Times, rotating order: straight to KMS, or through the proxy holding each KMS request.
  let timed = direct;
  if (KMS_DELAY_MS > 0) {
    proxy.setFaults([{ kind: 'delay', match: { method: 'POST' }, ms: KMS_DELAY_MS, times: 1e9 }]);
    timed = counted;
  }
  const ratios = { up: [] as number[], down: [] as number[] };
  const times: Record<Name, { up: number[]; down: number[] }> = {
    off: { up: [], down: [] },
    cache: { up: [], down: [] },
  };
  for (let r = 0; r < REPS; r++) {
    const order = r % 2 === 0 ? names : [...names].reverse();
    const t: Record<string, { up: number; down: number }> = {};
    for (const n of order) {
      const u = await up(n, timed);
      const d = await down(n, u.prefix, timed);
      t[n] = { up: u.ms, down: d };
      times[n].up.push(u.ms);
      times[n].down.push(d);
    }
    ratios.up.push(t.cache!.up / t.off!.up);
    ratios.down.push(t.cache!.down / t.off!.down);
    console.log(
      `  round ${r + 1} (${order.join(' → ')}): off up ${t.off!.up.toFixed(0)} ms down ${t.off!.down.toFixed(0)} ms; cache up ${t.cache!.up.toFixed(0)} ms down ${t.cache!.down.toFixed(0)} ms; load ${load()}`,
    );
  }
  for (const dirn of ['up', 'down'] as const) {
    console.log(
      `  ${dirn.padEnd(4)}: median off ${median(times.off[dirn]).toFixed(0)} ms, cache ${median(times.cache[dirn]).toFixed(0)} ms; cache ÷ off = ${median(ratios[dirn]).toFixed(3)} (median of ${REPS} paired rounds)`,
    );
  }
  console.log(`  load at end ${load()}`);
} finally {
  await proxy.close();
  await servers.stop();
  rmSync(dir, { recursive: true, force: true });
}
