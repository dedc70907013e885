/**
 * CRC engines: CRC32 (zlib), CRC32C (native @node-rs/crc32 when installed, else slicing-by-8),
 * CRC64/NVME (slicing-by-8 over 32-bit halves), and CRC combination (crc_combine via x^(8n)
 * mod P) for full-object checksums of multipart uploads.
 *
 * All CRCs here are the reflected, init ~0, xorout ~0 variants S3 uses. Values are numbers
 * (32-bit) or bigints (64-bit) only at the edges; digests are big-endian bytes like S3's.
 * @internal — the public surface is checksum.ts.
 */
import { createRequire } from 'node:module';
import * as zlib from 'node:zlib';

/** A running CRC. */
export interface CrcEngine {
  /** Continue the CRC over `data`. */
  update(data: Uint8Array): void;
  /** The big-endian digest of everything seen so far (does not reset). */
  digest(): Buffer;
}

const POLY32 = 0xedb88320; // CRC32 reflected
const POLY32C = 0x82f63b78; // CRC32C (Castagnoli) reflected
const POLY64_HI = 0x9a6c9329; // CRC64/NVME reflected 0x9a6c9329ac4bc9b5
const POLY64_LO = 0xac4bc9b5;

function slicing8Tables32(poly: number): Uint32Array {
  const t = new Uint32Array(8 * 256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let j = 0; j < 8; j++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[i] = c >>> 0;
  }
  for (let k = 1; k < 8; k++) {
    for (let i = 0; i < 256; i++) {
      const prev = t[(k - 1) * 256 + i]!;
      t[k * 256 + i] = ((prev >>> 8) ^ t[prev & 0xff]!) >>> 0;
    }
  }
  return t;
}

/** Slicing-by-8 update of a reflected 32-bit CRC; `crc` is the raw register (pre-xorout). */
function update32(t: Uint32Array, crc: number, d: Uint8Array): number {
  let i = 0;
  const n = d.length;
  const end8 = n - (n % 8);
  while (i < end8) {
    const a = crc ^ (d[i]! | (d[i + 1]! << 8) | (d[i + 2]! << 16) | (d[i + 3]! << 24));
    const b = d[i + 4]! | (d[i + 5]! << 8) | (d[i + 6]! << 16) | (d[i + 7]! << 24);
    crc =
      t[1792 + (a & 0xff)]! ^
      t[1536 + ((a >>> 8) & 0xff)]! ^
      t[1280 + ((a >>> 16) & 0xff)]! ^
      t[1024 + (a >>> 24)]! ^
      t[768 + (b & 0xff)]! ^
      t[512 + ((b >>> 8) & 0xff)]! ^
      t[256 + ((b >>> 16) & 0xff)]! ^
      t[b >>> 24]!;
    i += 8;
  }
  while (i < n) crc = (crc >>> 8) ^ t[(crc ^ d[i++]!) & 0xff]!;
  return crc >>> 0;
}

let tables32: Uint32Array | undefined;
let tables32c: Uint32Array | undefined;

/** CRC32 in pure JS (slicing-by-8); the fallback when zlib.crc32 is missing (Node < 20.15). */
export function crc32Js(data: Uint8Array, prev = 0): number {
  tables32 ??= slicing8Tables32(POLY32);
  return (update32(tables32, ~prev >>> 0, data) ^ 0xffffffff) >>> 0;
}

/** CRC32C in pure JS (slicing-by-8). */
export function crc32cJs(data: Uint8Array, prev = 0): number {
  tables32c ??= slicing8Tables32(POLY32C);
  return (update32(tables32c, ~prev >>> 0, data) ^ 0xffffffff) >>> 0;
}

type Crc32Fn = (data: Uint8Array, prev?: number) => number;

const zlibCrc32 = (zlib as unknown as { crc32?: (d: Uint8Array, v?: number) => number }).crc32;

/** CRC32 of `data`, continuing from the finished value `prev` (zlib when available). */
export const crc32: Crc32Fn =
  typeof zlibCrc32 === 'function' ? (d, p = 0) => zlibCrc32(d, p) : crc32Js;

function loadNativeCrc32c(): Crc32Fn | undefined {
  if (process.env.S3ENC_NO_NATIVE_CRC === '1') return undefined;
  try {
    const req = createRequire(import.meta.url);
    const mod = req('@node-rs/crc32') as { crc32c?: (d: Uint8Array, s?: number) => number };
    const f = mod.crc32c;
    if (typeof f !== 'function') return undefined;
    // Self-check with the standard check value before trusting it.
    if (f(Buffer.from('123456789')) !== 0xe3069283) return undefined;
    return (d, p = 0) => f(d, p);
  } catch {
    return undefined;
  }
}

const nativeCrc32c = loadNativeCrc32c();

/** CRC32C of `data`, continuing from the finished value `prev` (native when installed). */
export const crc32c: Crc32Fn = nativeCrc32c ?? crc32cJs;

/** Which implementation each CRC uses on this machine (for benchmarks and docs). */
export const crcImplementations = {
  CRC32: typeof zlibCrc32 === 'function' ? 'zlib' : 'js-slicing-by-8',
  CRC32C: nativeCrc32c !== undefined ? '@node-rs/crc32' : 'js-slicing-by-8',
  CRC64NVME: 'js-slicing-by-8',
} as const;

// ---- CRC64/NVME, 64-bit register split into hi/lo uint32 halves ----

let t64lo: Uint32Array | undefined;
let t64hi: Uint32Array | undefined;

function init64(): void {
  const lo = new Uint32Array(8 * 256);
  const hi = new Uint32Array(8 * 256);
  for (let i = 0; i < 256; i++) {
    let l = i;
    let h = 0;
    for (let j = 0; j < 8; j++) {
      if (l & 1) {
        l = ((l >>> 1) | ((h & 1) << 31)) ^ POLY64_LO;
        h = (h >>> 1) ^ POLY64_HI;
      } else {
        l = (l >>> 1) | ((h & 1) << 31);
        h = h >>> 1;
      }
    }
    lo[i] = l >>> 0;
    hi[i] = h >>> 0;
  }
  for (let k = 1; k < 8; k++) {
    for (let i = 0; i < 256; i++) {
      const pl = lo[(k - 1) * 256 + i]!;
      const ph = hi[(k - 1) * 256 + i]!;
      const idx = pl & 0xff;
      lo[k * 256 + i] = (((pl >>> 8) | (ph << 24)) ^ lo[idx]!) >>> 0;
      hi[k * 256 + i] = ((ph >>> 8) ^ hi[idx]!) >>> 0;
    }
  }
  t64lo = lo;
  t64hi = hi;
}

/** Running CRC64/NVME. */
export class Crc64Nvme implements CrcEngine {
  private lo = 0xffffffff;
  private hi = 0xffffffff;

  constructor() {
    if (t64lo === undefined) init64();
  }

  update(d: Uint8Array): void {
    const TL = t64lo!;
    const TH = t64hi!;
    let lo = this.lo;
    let hi = this.hi;
    let i = 0;
    const n = d.length;
    const end8 = n - (n % 8);
    while (i < end8) {
      const a = lo ^ (d[i]! | (d[i + 1]! << 8) | (d[i + 2]! << 16) | (d[i + 3]! << 24));
      const b = hi ^ (d[i + 4]! | (d[i + 5]! << 8) | (d[i + 6]! << 16) | (d[i + 7]! << 24));
      const i7 = 1792 + (a & 0xff);
      const i6 = 1536 + ((a >>> 8) & 0xff);
      const i5 = 1280 + ((a >>> 16) & 0xff);
      const i4 = 1024 + (a >>> 24);
      const i3 = 768 + (b & 0xff);
      const i2 = 512 + ((b >>> 8) & 0xff);
      const i1 = 256 + ((b >>> 16) & 0xff);
      const i0 = b >>> 24;
      lo = TL[i7]! ^ TL[i6]! ^ TL[i5]! ^ TL[i4]! ^ TL[i3]! ^ TL[i2]! ^ TL[i1]! ^ TL[i0]!;
      hi = TH[i7]! ^ TH[i6]! ^ TH[i5]! ^ TH[i4]! ^ TH[i3]! ^ TH[i2]! ^ TH[i1]! ^ TH[i0]!;
      i += 8;
    }
    while (i < n) {
      const idx = (lo ^ d[i++]!) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ TL[idx]!;
      hi = (hi >>> 8) ^ TH[idx]!;
    }
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
  }

  digest(): Buffer {
    const out = Buffer.allocUnsafe(8);
    out.writeUInt32BE((this.hi ^ 0xffffffff) >>> 0, 0);
    out.writeUInt32BE((this.lo ^ 0xffffffff) >>> 0, 4);
    return out;
  }
}

/** Running CRC32 or CRC32C over a 32-bit function. */
export class Crc32Engine implements CrcEngine {
  private value = 0;
  constructor(private readonly fn: Crc32Fn) {}
  update(data: Uint8Array): void {
    this.value = this.fn(data, this.value);
  }
  digest(): Buffer {
    const out = Buffer.allocUnsafe(4);
    out.writeUInt32BE(this.value >>> 0, 0);
    return out;
  }
}

// ---- CRC combination: crc(A‖B) from crc(A), crc(B), len(B) ----

interface CombineParams {
  width: bigint;
  poly: bigint;
  x2n: bigint[];
}

function multmodp(a: bigint, b: bigint, p: CombineParams): bigint {
  let m = 1n << (p.width - 1n);
  let r = 0n;
  for (;;) {
    if (a & m) {
      r ^= b;
      if ((a & (m - 1n)) === 0n) break;
    }
    m >>= 1n;
    b = b & 1n ? (b >> 1n) ^ p.poly : b >> 1n;
  }
  return r;
}

function params(width: number, poly: bigint): CombineParams {
  const p: CombineParams = { width: BigInt(width), poly, x2n: [] };
  let v = 1n << (p.width - 2n); // x^1
  p.x2n.push(v);
  for (let k = 1; k < 64; k++) {
    v = multmodp(v, v, p);
    p.x2n.push(v);
  }
  return p;
}

/** x^(n·2^k) mod P, reflected. */
function x2nmodp(n: bigint, k: number, p: CombineParams): bigint {
  let r = 1n << (p.width - 1n); // x^0
  while (n) {
    if (n & 1n) r = multmodp(p.x2n[k % 64]!, r, p);
    n >>= 1n;
    k++;
  }
  return r;
}

const combineParams: Record<'CRC32' | 'CRC32C' | 'CRC64NVME', () => CombineParams> = (() => {
  const cache = new Map<string, CombineParams>();
  const get = (name: string, w: number, poly: bigint) => () => {
    let v = cache.get(name);
    if (v === undefined) {
      v = params(w, poly);
      cache.set(name, v);
    }
    return v;
  };
  return {
    CRC32: get('CRC32', 32, BigInt(POLY32)),
    CRC32C: get('CRC32C', 32, BigInt(POLY32C)),
    CRC64NVME: get('CRC64NVME', 64, (BigInt(POLY64_HI) << 32n) | BigInt(POLY64_LO)),
  };
})();

/**
 * The CRC of A‖B given CRC(A), CRC(B) (big-endian digests) and the length of B in bytes —
 * zlib's crc32_combine, generalised to CRC32C and CRC64/NVME.
 */
export function combineCrcDigests(
  algorithm: 'CRC32' | 'CRC32C' | 'CRC64NVME',
  a: Uint8Array,
  b: Uint8Array,
  lengthOfB: number,
): Buffer {
  const p = combineParams[algorithm]();
  const ca = BigInt(`0x${Buffer.from(a).toString('hex')}`);
  const cb = BigInt(`0x${Buffer.from(b).toString('hex')}`);
  const r = multmodp(x2nmodp(BigInt(lengthOfB), 3, p), ca, p) ^ cb;
  const bytes = Number(p.width) / 8;
  return Buffer.from(r.toString(16).padStart(bytes * 2, '0'), 'hex');
}
