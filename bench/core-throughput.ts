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

/** Wall seconds `t[rep][i]`, and the process's CPU seconds of the same samples in `cpu`. */
type Times = number[][] & { cpu: number[][] };
/**
 * Seconds of each contender in each repetition, `t[rep][i]`, per pass over the data. A sample
 * runs `loops` passes so that it lasts long enough (~0.5 s) for GC pauses to average out.
 * CPU time is recorded too: on a machine shared with other work, wall time also counts the
 * time another process held the core, CPU time does not (the sync contenders are CPU-bound).
 */
async function race(fs: (() => unknown)[], reps = REPS, loops = 1): Promise<Times> {
  const t = [] as unknown as Times;
  t.cpu = [];
  for (let r = 0; r < reps; r++) {
    const row: number[] = new Array<number>(fs.length);
    const cpuRow: number[] = new Array<number>(fs.length);
    for (let k = 0; k < fs.length; k++) {
      const i = (k + r) % fs.length; // rotate, so no contender always runs first
      gc?.(); // nobody pays for the garbage of the contender before it
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      for (let l = 0; l < loops; l++) await fs[i]!();
      row[i] = Number(process.hrtime.bigint() - t0) / 1e9 / loops;
      const c = process.cpuUsage(c0);
      cpuRow[i] = (c.user + c.system) / 1e6 / loops;
    }
    t.push(row);
    t.cpu.push(cpuRow);
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

// Two raw node:crypto references over the same bytes.
//  - "raw per frame" is the fair one for a framed format (the target of issue 16): one
//    createCipheriv per frame with a fresh IV (the sequence number written into a reused IV
//    buffer), an AAD of the same length as ours, the same 16-byte tag, and the output copied
//    into a caller's buffer — the work any framed AES-GCM writer must do, minus the framing.
//  - "raw one cipher" is the floor of AES-GCM itself: one cipher over all the bytes, fed
//    frame-sized pieces, its output dropped. No framed format can reach it (one cipher per
//    frame costs a key schedule, an AAD and a tag per frame, and its output must go somewhere).
const AAD_LENGTH = 32 + 'AWSKMSEncryptionClient Frame'.length + 12; // messageId ‖ label ‖ seq ‖ length
const rawAad = Buffer.alloc(AAD_LENGTH);
const rawIv = Buffer.alloc(12);
function rawEncrypt(p: Buffer, F: number): void {
  const c = createCipheriv('aes-256-gcm', KEY, Buffer.alloc(12));
  for (let o = 0; o < p.length; o += F) c.update(p.subarray(o, o + F));
  c.final();
  c.getAuthTag();
}
/** Per frame: seq(4) ‖ iv(12) ‖ ciphertext ‖ tag(16) into `out`, like the format's frames. */
function rawSealFrames(p: Buffer, F: number, out: Buffer): void {
  let o = 0;
  for (let at = 0, seq = 1; at < p.length; at += F, seq++) {
    rawIv.writeUInt32BE(seq, 8);
    o = out.writeUInt32BE(seq, o);
    o += rawIv.copy(out, o);
    const c = createCipheriv('aes-256-gcm', KEY, rawIv, { authTagLength: 16 });
    rawAad.writeUInt32BE(seq, AAD_LENGTH - 12);
    c.setAAD(rawAad);
    o += c.update(p.subarray(at, at + F)).copy(out, o);
    c.final();
    o += c.getAuthTag().copy(out, o);
  }
}
/** The per-frame ciphertexts and tags of `p` (built once, outside the timings). */
function rawSealFramesOnce(p: Buffer, F: number): { ct: Buffer; tags: Buffer[] } {
  const ct = Buffer.allocUnsafe(p.length);
  const tags: Buffer[] = [];
  for (let at = 0, seq = 1; at < p.length; at += F, seq++) {
    rawIv.writeUInt32BE(seq, 8);
    const c = createCipheriv('aes-256-gcm', KEY, rawIv, { authTagLength: 16 });
    rawAad.writeUInt32BE(seq, AAD_LENGTH - 12);
    c.setAAD(rawAad);
    c.update(p.subarray(at, at + F)).copy(ct, at);
    c.final();
    tags.push(c.getAuthTag());
  }
  return { ct, tags };
}
/** Per frame: verify its tag, then copy its plaintext into `out`. */
function rawOpenFrames(raw: { ct: Buffer; tags: Buffer[] }, F: number, out: Buffer): void {
  for (let at = 0, seq = 1; at < raw.ct.length; at += F, seq++) {
    rawIv.writeUInt32BE(seq, 8);
    const d = createDecipheriv('aes-256-gcm', KEY, rawIv, { authTagLength: 16 });
    rawAad.writeUInt32BE(seq, AAD_LENGTH - 12);
    d.setAAD(rawAad);
    d.setAuthTag(raw.tags[seq - 1]!);
    const plain = d.update(raw.ct.subarray(at, at + F));
    d.final(); // throws unless the tag verifies
    plain.copy(out, at);
  }
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

// 1. Frame-length sweep on 64 MiB: ours (session API) vs raw per frame (and the one-cipher floor).
{
  const p = randomFillSync(Buffer.allocUnsafe(64 * MiB));
  console.log(
    '\nframe length sweep, 64 MiB, session API into a reused buffer (MiB/s, best; in parentheses the paired ratios to raw node:crypto per frame, of wall and of CPU time; [wall, to one raw cipher])',
  );
  for (const F of frameSweep) {
    const s = await beginEncryption({ keyring: ours(), frameLength: F });
    const d = await beginDecryption({ keyring: ours(), header: s.header });
    const body = s.sealFrames(1, p, true);
    const raw = rawSeal(p, F);
    const rawFrames = rawSealFramesOnce(p, F);
    const out = Buffer.allocUnsafe(body.length);
    const t = await race(
      [
        () => {
          rawEncrypt(p, F);
        },
        () => s.sealFramesInto(out, 0, 1, p, true),
        () => {
          rawDecrypt(raw, F);
        },
        () => d.openFramesInto(out, 0, 1, body),
        () => {
          rawSealFrames(p, F, out);
        },
        () => {
          rawOpenFrames(rawFrames, F, out);
        },
      ],
      REPS,
      8,
    );
    const f = (i: number, base: number, floor: number) =>
      `${mbps(p.length, best(t, i)).toFixed(0).padStart(5)} (${paired(t, base, i).toFixed(2)} wall, ${paired(t.cpu, base, i).toFixed(2)} cpu) [${paired(t, floor, i).toFixed(2)}]`;
    console.log(
      `  F=${String(F / 1024).padStart(5)} KiB  encrypt: raw/frame ${f(4, 4, 0)}, sealFramesInto ${f(1, 4, 0)}` +
        `   decrypt: raw/frame ${f(5, 5, 2)}, openFramesInto ${f(3, 5, 2)}`,
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
  const rawFrames = rawSealFramesOnce(p, F);
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
      () => {
        rawSealFrames(p, F, out);
      },
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
      () => {
        rawOpenFrames(rawFrames, F, out);
      },
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
    [
      `${label} raw node:crypto AES-256-GCM per frame, into a buffer`,
      mbps(size, best(te, 5)),
      ofRaw(te, 5),
    ],
    [
      `${label} s3enc sealFramesInto (reused buffer)`,
      mbps(size, best(te, 3)),
      `${ofRaw(te, 3)}; ${paired(te, 5, 3).toFixed(3)} of raw per frame (CPU time: ${paired(te.cpu, 5, 3).toFixed(3)})`,
    ],
    [`${label} aws-crypto encryptStream (same F)`, mbps(size, best(te, 2)), times(te, 2, 1)],
    [
      `${label} aws-crypto encryptStream (4 KiB default)`,
      mbps(size, best(te4, 1)),
      times(te4, 1, 0),
    ],
    [`${label} raw node:crypto AES-256-GCM decrypt, loop`, mbps(size, best(td, 0)), '1.000'],
    [`${label} raw node:crypto AES-256-GCM decrypt, stream`, mbps(size, best(td, 4)), ofRaw(td, 4)],
    [`${label} s3enc decryptStream`, mbps(size, best(td, 1)), ofRaw(td, 1, 4)],
    [
      `${label} raw node:crypto AES-256-GCM per frame, into a buffer`,
      mbps(size, best(td, 5)),
      ofRaw(td, 5),
    ],
    [
      `${label} s3enc openFramesInto (reused buffer)`,
      mbps(size, best(td, 3)),
      `${ofRaw(td, 3)}; ${paired(td, 5, 3).toFixed(3)} of raw per frame (CPU time: ${paired(td.cpu, 5, 3).toFixed(3)})`,
    ],
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
