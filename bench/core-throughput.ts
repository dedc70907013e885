// Throughput of @s3enc/core's frame writer/reader, side by side in one run against raw
// node:crypto AES-256-GCM over the same bytes and against @aws-crypto/client-node streams.
// Run: node --expose-gc --import tsx bench/core-throughput.ts [--sizes=64,1024] [--frames=65536,...] [--reps=5]
//
// Every ratio is the median of paired runs: each repetition runs all contenders back to back
// (in a rotating order), and the ratio of two contenders is taken within the repetition. This
// VM's speed drifts by up to 2x over seconds; pairing cancels most of that, best-of does not.
import { createCipheriv, createDecipheriv, randomBytes, randomFillSync } from 'node:crypto';
import { loadavg } from 'node:os';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
} from '@aws-crypto/client-node';
import {
  beginDecryption,
  beginEncryption,
  decryptStream,
  DEFAULT_FRAME_LENGTH,
  encryptStream,
  rawAesKeyring,
  ciphertextSize,
} from '../packages/core/src/index.js';

const MiB = 1024 * 1024;
const arg = (name: string, def: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? def;
const sizes = arg('sizes', '64,1024')
  .split(',')
  .map((s) => Number(s) * MiB);
const frameSweep = arg('frames', '65536,131072,262144,524288,1048576').split(',').map(Number);
const REPS = Number(arg('reps', '5'));

const KEY = randomBytes(32);
const ours = () => rawAesKeyring({ key: KEY, keyName: 'bench', keyNamespace: 'bench' });
const theirs = () =>
  new RawAesKeyringNode({
    keyName: 'bench',
    keyNamespace: 'bench',
    unencryptedMasterKey: new Uint8Array(KEY),
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  });
const client = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);

/**
 * Seconds of each contender in each repetition, `t[rep][i]`, per pass over the data. A sample
 * runs `loops` passes so that it lasts long enough (~0.5 s) for GC pauses to average out.
 */
async function race(fs: (() => unknown)[], reps = REPS, loops = 1): Promise<number[][]> {
  const t: number[][] = [];
  for (let r = 0; r < reps; r++) {
    const row: number[] = new Array<number>(fs.length);
    for (let k = 0; k < fs.length; k++) {
      const i = (k + r) % fs.length; // rotate, so no contender always runs first
      gc?.(); // nobody pays for the garbage of the contender before it
      const t0 = process.hrtime.bigint();
      for (let l = 0; l < loops; l++) await fs[i]!();
      row[i] = Number(process.hrtime.bigint() - t0) / 1e9 / loops;
    }
    t.push(row);
  }
  return t;
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
/** Median over repetitions of t[a] / t[b]: above 1 means b is faster. */
const paired = (t: number[][], a: number, b: number) => median(t.map((row) => row[a]! / row[b]!));
const best = (t: number[][], i: number) => Math.min(...t.map((row) => row[i]!));

const sink = () =>
  new Writable({
    write(_c, _e, cb) {
      cb();
    },
  });
const chunks = (b: Buffer, size = MiB) =>
  Readable.from(
    (function* () {
      for (let o = 0; o < b.length; o += size) yield b.subarray(o, o + size);
    })(),
  );

// The floor for any framing: one AES-GCM cipher over all the bytes, fed frame-sized pieces,
// its output dropped as it comes (as our streams' output goes to a sink here).
function rawEncrypt(p: Buffer, F: number): void {
  const c = createCipheriv('aes-256-gcm', KEY, Buffer.alloc(12));
  for (let o = 0; o < p.length; o += F) c.update(p.subarray(o, o + F));
  c.final();
  c.getAuthTag();
}
/** The raw ciphertext of `p` and its tag (built once, outside the timings). */
function rawSeal(p: Buffer, F: number): { ct: Buffer; tag: Buffer } {
  const c = createCipheriv('aes-256-gcm', KEY, Buffer.alloc(12));
  const ct = Buffer.allocUnsafe(p.length);
  let n = 0;
  for (let o = 0; o < p.length; o += F) n += c.update(p.subarray(o, o + F)).copy(ct, n);
  c.final();
  return { ct, tag: c.getAuthTag() };
}
/** The same raw cipher as a stream (node:crypto's Cipheriv is a Transform): the floor for our streams. */
const rawEncryptStream = (p: Buffer) => () =>
  pipeline(chunks(p), createCipheriv('aes-256-gcm', KEY, Buffer.alloc(12)), sink());
const rawDecryptStream = (raw: { ct: Buffer; tag: Buffer }) => () =>
  pipeline(
    chunks(raw.ct),
    createDecipheriv('aes-256-gcm', KEY, Buffer.alloc(12)).setAuthTag(raw.tag),
    sink(),
  );
function rawDecrypt(raw: { ct: Buffer; tag: Buffer }, F: number): void {
  const d = createDecipheriv('aes-256-gcm', KEY, Buffer.alloc(12));
  d.setAuthTag(raw.tag);
  for (let o = 0; o < raw.ct.length; o += F) d.update(raw.ct.subarray(o, o + F));
  d.final(); // throws unless the tag verifies
}

type Row = [string, number, number | string];
const rows: Row[] = [];
const mbps = (bytes: number, s: number) => bytes / MiB / s;

console.log(
  `node ${process.version}, ${process.arch}, reps=${REPS} (paired, rotating order${gc ? ', gc before each sample' : ', no --expose-gc'}), default frame ${DEFAULT_FRAME_LENGTH}, load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);

// 1. Frame-length sweep on 64 MiB: ours (session API) vs raw.
{
  const p = randomFillSync(Buffer.allocUnsafe(64 * MiB));
  console.log(
    '\nframe length sweep, 64 MiB, session API into a reused buffer (MiB/s, best; in parentheses the paired ratio to raw node:crypto)',
  );
  for (const F of frameSweep) {
    const s = await beginEncryption({ keyring: ours(), frameLength: F });
    const d = await beginDecryption({ keyring: ours(), header: s.header });
    const body = s.sealFrames(1, p, true);
    const raw = rawSeal(p, F);
    const out = Buffer.allocUnsafe(body.length);
    const t = await race([
      () => {
        rawEncrypt(p, F);
      },
      () => s.sealFramesInto(out, 0, 1, p, true),
      () => {
        rawDecrypt(raw, F);
      },
      () => d.openFramesInto(out, 0, 1, body),
    ]);
    const f = (i: number, base: number) =>
      `${mbps(p.length, best(t, i)).toFixed(0).padStart(5)} (${paired(t, base, i).toFixed(2)})`;
    console.log(
      `  F=${String(F / 1024).padStart(5)} KiB  encrypt: raw ${f(0, 0)}, sealFramesInto ${f(1, 0)}` +
        `   decrypt: raw ${f(2, 2)}, openFramesInto ${f(3, 2)}`,
    );
    s.destroy();
    d.destroy();
  }
}

const suiteId = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY;
for (const size of sizes) {
  const F = DEFAULT_FRAME_LENGTH;
  const label = `${size / MiB} MiB`;
  const loops = Math.max(1, Math.round((512 * MiB) / size));
  const p = randomFillSync(Buffer.allocUnsafe(size));
  const s = await beginEncryption({ keyring: ours(), frameLength: F });
  const body = Buffer.allocUnsafe(ciphertextSize(size, F, 0));
  s.sealFramesInto(body, 0, 1, p, true);
  const d = await beginDecryption({ keyring: ours(), header: s.header });
  const message = (header: Uint8Array, frames: Buffer) => () =>
    Readable.from(
      (function* () {
        yield Buffer.from(header);
        for (let o = 0; o < frames.length; o += MiB) yield frames.subarray(o, o + MiB);
      })(),
    );
  const ourMessage = message(s.header, body);
  const raw = rawSeal(p, F);
  const out = Buffer.allocUnsafe(body.length);
  const ourEnc = () =>
    pipeline(encryptStream(chunks(p), { keyring: ours(), frameLength: F }), sink());
  const ourDec = () => pipeline(decryptStream(ourMessage(), { keyring: ours() }), sink());
  const theirsEnc = (frameLength: number) => () =>
    pipeline(
      chunks(p),
      client.encryptStream(theirs(), { frameLength, suiteId }) as unknown as NodeJS.ReadWriteStream,
      sink(),
    );
  const theirsDec = (m: Uint8Array) => () =>
    pipeline(
      chunks(Buffer.from(m.buffer, m.byteOffset, m.byteLength)),
      client.decryptUnsignedMessageStream(theirs()) as unknown as NodeJS.ReadWriteStream,
      sink(),
    );

  // Encryption: raw (a loop, and as a stream), our stream, theirs at the same F, our session
  // API; paired. Streams are held to the raw stream, the session API to the raw loop.
  const te = await race(
    [
      () => {
        rawEncrypt(p, F);
      },
      ourEnc,
      theirsEnc(F),
      () => s.sealFramesInto(out, 0, 1, p, true),
      rawEncryptStream(p),
    ],
    REPS,
    loops,
  );
  const theirsF = (await client.encrypt(theirs(), p, { frameLength: F, suiteId })).result;
  const td = await race(
    [
      () => {
        rawDecrypt(raw, F);
      },
      ourDec,
      theirsDec(theirsF),
      () => d.openFramesInto(out, 0, 1, body),
      rawDecryptStream(raw),
    ],
    REPS,
    loops,
  );
  // Their 4 KiB default is slow: fewer repetitions.
  const slowReps = Math.max(2, Math.ceil(REPS / 2));
  const te4 = await race([ourEnc, theirsEnc(4096)], slowReps, Math.ceil(loops / 4));
  const theirs4 = (await client.encrypt(theirs(), p, { frameLength: 4096, suiteId })).result;
  const td4 = await race([ourDec, theirsDec(theirs4)], slowReps, Math.ceil(loops / 4));

  const ofRaw = (t: number[][], i: number, base = 0) =>
    `${paired(t, base, i).toFixed(3)} of raw${base === 0 ? '' : ' stream'}`;
  const times = (t: number[][], theirs: number, oursI: number) =>
    `${paired(t, theirs, oursI).toFixed(2)}x faster is ours`;
  rows.push(
    [`${label} raw node:crypto AES-256-GCM encrypt, loop`, mbps(size, best(te, 0)), '1.000'],
    [`${label} raw node:crypto AES-256-GCM encrypt, stream`, mbps(size, best(te, 4)), ofRaw(te, 4)],
    [`${label} s3enc encryptStream (F=${F / 1024} KiB)`, mbps(size, best(te, 1)), ofRaw(te, 1, 4)],
    [`${label} s3enc sealFramesInto (reused buffer)`, mbps(size, best(te, 3)), ofRaw(te, 3)],
    [`${label} aws-crypto encryptStream (same F)`, mbps(size, best(te, 2)), times(te, 2, 1)],
    [
      `${label} aws-crypto encryptStream (4 KiB default)`,
      mbps(size, best(te4, 1)),
      times(te4, 1, 0),
    ],
    [`${label} raw node:crypto AES-256-GCM decrypt, loop`, mbps(size, best(td, 0)), '1.000'],
    [`${label} raw node:crypto AES-256-GCM decrypt, stream`, mbps(size, best(td, 4)), ofRaw(td, 4)],
    [`${label} s3enc decryptStream`, mbps(size, best(td, 1)), ofRaw(td, 1, 4)],
    [`${label} s3enc openFramesInto (reused buffer)`, mbps(size, best(td, 3)), ofRaw(td, 3)],
    [
      `${label} aws-crypto decryptUnsignedMessageStream (same F)`,
      mbps(size, best(td, 2)),
      times(td, 2, 1),
    ],
    [
      `${label} aws-crypto decryptUnsignedMessageStream (4 KiB)`,
      mbps(size, best(td4, 1)),
      times(td4, 1, 0),
    ],
  );
  s.destroy();
  d.destroy();
}

console.log(`\nthroughput (MiB/s, best of ${REPS}) and paired median ratios, measured in this run`);
for (const [name, v, r] of rows)
  console.log(`  ${name.padEnd(58)} ${v.toFixed(0).padStart(6)}  ${r}`);
