// Peak RSS while streaming 1 GiB (default) through encryptStream then decryptStream, measured
// in a child process so the parent's own memory does not count. The plaintext is generated on
// the fly and never held whole.
// Run: npx tsx bench/core-rss.ts [--size-mib=1024] [--frame=262144]
// Two sources: one reused buffer (isolates our own memory use) and fresh 1 MiB chunks (as a
// socket would give; their garbage adds to the peak until V8's next external-memory GC).
import { spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DEFAULT_FRAME_LENGTH,
  decryptStream,
  encryptStream,
  rawAesKeyring,
} from '../packages/core/src/index.js';

const MiB = 1024 * 1024;
const arg = (name: string, def: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? def;

async function child(): Promise<void> {
  const size = Number(arg('size-mib', '1024')) * MiB;
  const frameLength = Number(arg('frame', String(DEFAULT_FRAME_LENGTH)));
  const keyring = rawAesKeyring({
    key: Buffer.alloc(32, 3),
    keyName: 'rss',
    keyNamespace: 'bench',
  });
  const chunk = randomFillSync(Buffer.alloc(MiB));
  const fresh = arg('fresh', '1') === '1';
  (globalThis as { gc?: () => void }).gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const source = Readable.from(
    (function* () {
      // Fresh chunks, as a file or socket would produce them.
      for (let o = 0; o < size; o += MiB)
        yield fresh
          ? Buffer.from(chunk.subarray(0, Math.min(MiB, size - o)))
          : chunk.subarray(0, Math.min(MiB, size - o));
    })(),
  );
  let out = 0;
  const t = process.hrtime.bigint();
  await pipeline(
    decryptStream(encryptStream(source, { keyring, frameLength }), { keyring }),
    new Writable({
      write(c: Buffer, _e, cb) {
        out += c.length;
        peak = Math.max(peak, process.memoryUsage().rss);
        cb();
      },
    }),
  );
  clearInterval(timer);
  const secs = Number(process.hrtime.bigint() - t) / 1e9;
  if (out !== size) throw new Error(`decrypted ${out} of ${size} bytes`);
  console.log(
    JSON.stringify({
      size,
      frameLength,
      baselineMiB: baseline / MiB,
      peakMiB: peak / MiB,
      aboveMiB: (peak - baseline) / MiB,
      secs,
    }),
  );
}

if (process.argv.includes('--child')) {
  await child();
} else {
  const self = fileURLToPath(import.meta.url);
  const rows: string[] = [];
  const top = Number(arg('size-mib', '1024'));
  for (const fresh of ['0', '1']) {
    for (const sizeMiB of [top / 4, top]) {
      const r = spawnSync(
        process.execPath,
        [
          '--expose-gc',
          '--import',
          'tsx',
          self,
          '--child',
          `--size-mib=${sizeMiB}`,
          `--fresh=${fresh}`,
          `--frame=${arg('frame', String(DEFAULT_FRAME_LENGTH))}`,
        ],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
      );
      if (r.status !== 0) throw new Error(`child failed: ${r.status}`);
      const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
        size: number;
        frameLength: number;
        baselineMiB: number;
        peakMiB: number;
        aboveMiB: number;
        secs: number;
      };
      rows.push(
        `  ${fresh === '1' ? 'fresh 1 MiB source chunks ' : 'one reused source buffer  '} ${String(j.size / MiB).padStart(5)} MiB, F=${j.frameLength / 1024} KiB: baseline ${j.baselineMiB.toFixed(0)} MiB, peak ${j.peakMiB.toFixed(0)} MiB, +${j.aboveMiB.toFixed(1)} MiB, ${(j.size / MiB / j.secs).toFixed(0)} MiB/s enc+dec`,
      );
    }
  }
  console.log(
    'peak RSS streaming plaintext -> encryptStream -> decryptStream -> sink (child process):',
  );
  for (const r of rows) console.log(r);
}
