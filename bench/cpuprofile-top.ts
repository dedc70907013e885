// Where a CPU profile's time went: self time by function and by package, over one or more
// `.cpuprofile` files (node --cpu-prof; bench/peers.ts writes them for the s3enc runs when
// S3ENC_PEERS_CPU_PROF=DIR is set):
//   npx tsx bench/cpuprofile-top.ts DIR_OR_FILES… [--top N]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args[topAt + 1]) : 25;
const inputs = args.filter((a, i) => i !== topAt && i !== topAt + 1);
const files = inputs.flatMap((p) =>
  statSync(p).isDirectory()
    ? readdirSync(p)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => join(p, f))
    : [p],
);

/** The package a script URL belongs to: node_modules/<pkg>, our dist/ per package, node:. */
function area(url: string): string {
  if (url === '') return '(native / VM)';
  if (url.startsWith('node:')) return url.split('/')[0]!;
  const nm = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  const ours = /packages\/([^/]+)\/(?:dist|src)\//.exec(url);
  if (ours) return `@s3enc/${ours[1]!}`;
  return url;
}

const byFunction = new Map<string, number>();
const byArea = new Map<string, number>();
let total = 0;
for (const f of files) {
  const p = JSON.parse(readFileSync(f, 'utf8')) as Profile;
  const nodes = new Map(p.nodes.map((n) => [n.id, n]));
  p.samples.forEach((id, i) => {
    const dt = (p.timeDeltas[i] ?? 0) / 1000; // µs → ms
    const n = nodes.get(id);
    if (!n) return;
    const { functionName, url, lineNumber } = n.callFrame;
    const fn = `${functionName || '(anonymous)'} ${url.split('/').slice(-1)[0] ?? ''}:${lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + dt);
    byArea.set(area(url), (byArea.get(area(url)) ?? 0) + dt);
    total += dt;
  });
}

const print = (title: string, m: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(
      `  ${((100 * v) / total).toFixed(1).padStart(5)} %  ${v.toFixed(0).padStart(7)} ms  ${k}`,
    );
  }
};
console.log(`${files.length} profile(s), ${total.toFixed(0)} ms sampled`);
print('self time by package', byArea);
print('self time by function', byFunction);
