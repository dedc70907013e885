// Throughput of @s3enc/core's frame writer/reader, side by side in one run against raw
// node:crypto AES-256-GCM over the same bytes and against @aws-crypto/client-node streams.
// Run: npx tsx bench/core-throughput.ts [--sizes=64,1024] [--frames=65536,262144,...] [--quick]
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
const REPS = Number(arg('reps', '3'));

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
 * Best-of-`reps` seconds for each function, run interleaved (a, b, c, a, b, c, …) so that
 * machine noise hits every contender alike.
 */
async function race(fs: (() => unknown)[], reps = REPS): Promise<number[]> {
  const best = fs.map(() => Infinity);
  for (let r = 0; r < reps; r++) {
    for (let i = 0; i < fs.length; i++) {
      const t = process.hrtime.bigint();
      await fs[i]!();
      best[i] = Math.min(best[i]!, Number(process.hrtime.bigint() - t) / 1e9);
    }
  }
  return best;
}

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

function rawEncrypt(p: Buffer, F: number): Buffer[] {
  // One AES-GCM cipher over all bytes, fed frame-sized pieces: the floor for any framing.
  const c = createCipheriv('aes-256-gcm', KEY, Buffer.alloc(12));
  const out: Buffer[] = [];
  for (let o = 0; o < p.length; o += F) out.push(c.update(p.subarray(o, o + F)));
  out.push(c.final(), c.getAuthTag());
  return out;
}
function rawDecrypt(ct: Buffer[], total: number): Buffer[] {
  const d = createDecipheriv('aes-256-gcm', KEY, Buffer.alloc(12));
  d.setAuthTag(ct[ct.length - 1]!);
  const out: Buffer[] = [];
  let n = 0;
  for (let i = 0; i < ct.length - 2; i++) n += out[out.push(d.update(ct[i]!)) - 1]!.length;
  d.final();
  if (n !== total) throw new Error('raw decrypt length');
  return out;
}

type Row = [string, number, number | string];
const rows: Row[] = [];
const mbps = (bytes: number, s: number) => bytes / MiB / s;

console.log(
  `node ${process.version}, ${process.arch}, reps=${REPS} (best of, interleaved), default frame ${DEFAULT_FRAME_LENGTH}, load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);

// 1. Frame-length sweep on 64 MiB: ours (session API) encrypt and decrypt vs raw.
{
  const p = randomFillSync(Buffer.allocUnsafe(64 * MiB));
  console.log(
    '\nframe length sweep, 64 MiB, session API (MiB/s; in parentheses the ratio to raw node:crypto over the same bytes)',
  );
  for (const F of frameSweep) {
    const s = await beginEncryption({ keyring: ours(), frameLength: F });
    const d = await beginDecryption({ keyring: ours(), header: s.header });
    const body = s.sealFrames(1, p, true);
    const raw = rawEncrypt(p, F);
    const out = Buffer.allocUnsafe(body.length);
    const [tRawE, tE, tEI, tRawD, tD, tDI] = await race([
      () => rawEncrypt(p, F),
      () => s.sealFrames(1, p, true),
      () => s.sealFramesInto(out, 0, 1, p, true),
      () => rawDecrypt(raw, p.length),
      () => d.openFrames(1, body),
      () => d.openFramesInto(out, 0, 1, body),
    ]);
    const f = (t: number) => mbps(p.length, t).toFixed(0).padStart(5);
    console.log(
      `  F=${String(F / 1024).padStart(5)} KiB  encrypt: raw ${f(tRawE!)}, sealFramesInto ${f(tEI!)} (${(tRawE! / tEI!).toFixed(3)}), sealFrames ${f(tE!)} (${(tRawE! / tE!).toFixed(3)})` +
        `  decrypt: raw ${f(tRawD!)}, openFramesInto ${f(tDI!)} (${(tRawD! / tDI!).toFixed(3)}), openFrames ${f(tD!)} (${(tRawD! / tD!).toFixed(3)})`,
    );
    s.destroy();
    d.destroy();
  }
}

for (const size of sizes) {
  const F = DEFAULT_FRAME_LENGTH;
  const label = `${size / MiB} MiB`;
  const big = size > 256 * MiB;
  const reps = big ? 2 : REPS;
  const p = randomFillSync(Buffer.allocUnsafe(size));
  const s = await beginEncryption({ keyring: ours(), frameLength: F });
  const body = Buffer.allocUnsafe(ciphertextSize(size, F, 0));
  s.sealFramesInto(body, 0, 1, p, true);
  const d = await beginDecryption({ keyring: ours(), header: s.header });
  const msgChunks = () =>
    Readable.from(
      (function* () {
        yield s.header;
        for (let o = 0; o < body.length; o += MiB) yield body.subarray(o, o + MiB);
      })(),
    );
  const out = Buffer.allocUnsafe(body.length);

  // Encryption, interleaved.
  let raw: Buffer[] | undefined;
  const [tRawE, tEI, tSE, tE] = await race(
    [
      () => (raw = rawEncrypt(p, F)),
      () => s.sealFramesInto(out, 0, 1, p, true),
      () => pipeline(encryptStream(chunks(p), { keyring: ours(), frameLength: F }), sink()),
      () => s.sealFrames(1, p, true),
    ],
    reps,
  );
  // Decryption, interleaved.
  const [tRawD, tDI, tSD, tD] = await race(
    [
      () => rawDecrypt(raw!, p.length),
      () => d.openFramesInto(out, 0, 1, body),
      () => pipeline(decryptStream(msgChunks(), { keyring: ours() }), sink()),
      () => d.openFrames(1, body),
    ],
    reps,
  );
  raw = undefined;

  // @aws-crypto/client-node at the same frame length and at its 4 KiB default, one after the
  // other with ours again right next to it.
  const suiteId = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY;
  const theirsEnc = (frameLength: number) =>
    pipeline(
      chunks(p),
      client.encryptStream(theirs(), { frameLength, suiteId }) as unknown as NodeJS.ReadWriteStream,
      sink(),
    );
  const theirsDec = (m: Uint8Array) =>
    pipeline(
      chunks(Buffer.from(m.buffer, m.byteOffset, m.byteLength)),
      client.decryptUnsignedMessageStream(theirs()) as unknown as NodeJS.ReadWriteStream,
      sink(),
    );
  const ourEnc = () =>
    pipeline(encryptStream(chunks(p), { keyring: ours(), frameLength: F }), sink());
  const ourDec = () => pipeline(decryptStream(msgChunks(), { keyring: ours() }), sink());
  const cmp: Record<string, number> = {};
  for (const tf of [F, 4096]) {
    const [a, b] = await race([ourEnc, () => theirsEnc(tf)], big ? 1 : REPS);
    const m = (await client.encrypt(theirs(), p, { frameLength: tf, suiteId })).result;
    const [c, e] = await race([ourDec, () => theirsDec(m)], big ? 1 : REPS);
    Object.assign(cmp, { [`oe${tf}`]: a!, [`te${tf}`]: b!, [`od${tf}`]: c!, [`td${tf}`]: e! });
  }

  const ratio = (base: number, t: number) => (base / t).toFixed(3) + ' of raw';
  const slower = (theirsT: number, oursT: number) =>
    (theirsT / oursT).toFixed(2) + 'x our stream time';
  rows.push(
    [`${label} raw node:crypto AES-256-GCM encrypt`, mbps(size, tRawE!), '1.000'],
    [
      `${label} s3enc sealFramesInto (F=${F / 1024} KiB, reused buffer)`,
      mbps(size, tEI!),
      ratio(tRawE!, tEI!),
    ],
    [`${label} s3enc encryptStream`, mbps(size, tSE!), ratio(tRawE!, tSE!)],
    [`${label} s3enc sealFrames (fresh output buffer)`, mbps(size, tE!), ratio(tRawE!, tE!)],
    [
      `${label} aws-crypto encryptStream (same F) vs ours`,
      mbps(size, cmp[`te${F}`]!),
      slower(cmp[`te${F}`]!, cmp[`oe${F}`]!),
    ],
    [
      `${label} aws-crypto encryptStream (4 KiB) vs ours`,
      mbps(size, cmp.te4096!),
      slower(cmp.te4096!, cmp.oe4096!),
    ],
    [`${label} raw node:crypto AES-256-GCM decrypt`, mbps(size, tRawD!), '1.000'],
    [`${label} s3enc openFramesInto (reused buffer)`, mbps(size, tDI!), ratio(tRawD!, tDI!)],
    [`${label} s3enc decryptStream`, mbps(size, tSD!), ratio(tRawD!, tSD!)],
    [`${label} s3enc openFrames (fresh output buffer)`, mbps(size, tD!), ratio(tRawD!, tD!)],
    [
      `${label} aws-crypto decryptUnsignedMessageStream (same F) vs ours`,
      mbps(size, cmp[`td${F}`]!),
      slower(cmp[`td${F}`]!, cmp[`od${F}`]!),
    ],
    [
      `${label} aws-crypto decryptUnsignedMessageStream (4 KiB) vs ours`,
      mbps(size, cmp.td4096!),
      slower(cmp.td4096!, cmp.od4096!),
    ],
  );
  s.destroy();
  d.destroy();
}

console.log('\nthroughput (MiB/s) and ratios, measured in this run');
for (const [name, v, r] of rows)
  console.log(`  ${name.padEnd(62)} ${v.toFixed(0).padStart(6)}  ${r}`);
