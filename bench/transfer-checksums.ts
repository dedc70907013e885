// Throughput of the checksum implementations (MB/s), printed side by side.
// Run: npx tsx bench/transfer-checksums.ts
import { randomBytes } from 'node:crypto';
import { Crc32cJs, Crc64NvmeJs } from '@aws-sdk/checksums/crc';
import { CHECKSUM_ALGORITHMS, createChecksum } from '../packages/core/src/checksum.js';
import { crc32cJs, crc32Js, crcImplementations } from '../packages/core/src/checksum-crc.js';

const data = randomBytes(64 * 1024 * 1024);
const chunk = 1 << 20;

async function mbps(f: () => void | Promise<void>): Promise<number> {
  await f(); // warm up
  const t = process.hrtime.bigint();
  await f();
  return data.length / 1e6 / (Number(process.hrtime.bigint() - t) / 1e9);
}
const chunked = (u: (c: Uint8Array) => void) => () => {
  for (let o = 0; o < data.length; o += chunk) u(data.subarray(o, o + chunk));
};

const rows: [string, number][] = [];
for (const alg of CHECKSUM_ALGORITHMS) {
  rows.push([
    `s3enc ${alg}`,
    await mbps(() => {
      const c = createChecksum(alg);
      chunked((d) => c.update(d))();
      c.digest();
    }),
  ]);
}
let v = 0;
rows.push(['js crc32 slicing-by-8', await mbps(chunked((d) => (v = crc32Js(d, v))))]);
rows.push(['js crc32c slicing-by-8', await mbps(chunked((d) => (v = crc32cJs(d, v))))]);
rows.push([
  '@aws-sdk Crc32cJs (byte-at-a-time)',
  await mbps(async () => {
    const h = new Crc32cJs();
    chunked((d) => {
      h.update(d);
    })();
    await h.digest();
  }),
]);
rows.push([
  '@aws-sdk Crc64NvmeJs',
  await mbps(async () => {
    const h = new Crc64NvmeJs();
    chunked((d) => {
      h.update(d);
    })();
    await h.digest();
  }),
]);
console.log('implementations:', crcImplementations);
for (const [n, r] of rows) console.log(`${n.padEnd(40)} ${r.toFixed(0).padStart(7)} MB/s`);
