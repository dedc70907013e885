// The tree of small files bench/peers.ts copies with `cp --recursive`: a seeded, reproducible
// mix of sizes and nested paths, so every run (and every tool) moves the same bytes.

const KiB = 1024;

/** One file of the tree: its path relative to the tree's root and its size in bytes. */
export interface TreeFile {
  path: string;
  size: number;
}

export interface SizeMixOptions {
  /** Number of files. */
  count: number;
  /** Wanted total of the sizes; reached within `tolerance` (a fraction), bounds permitting. */
  totalBytes: number;
  /** Smallest and largest file (defaults 4 KiB and 1 MiB). */
  minBytes?: number;
  maxBytes?: number;
  /** PRNG seed (default 16). */
  seed?: number;
  /** Allowed relative distance of the total from `totalBytes` (default 0.001). */
  tolerance?: number;
}

/** mulberry32: a small, fast 32-bit PRNG; the same seed gives the same sequence everywhere. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Sizes drawn from a mix shaped like real trees (many small files, most bytes in the large
 * ones): a quarter log-uniform over [min, 64 KiB], a quarter log-uniform over
 * [64 KiB, 512 KiB], half uniform over [512 KiB, max]; then scaled (clamped to the bounds) until
 * the total is within the tolerance of `totalBytes`. Paths nest 0–3 directories deep.
 */
export function sizeMix(o: SizeMixOptions): TreeFile[] {
  const min = o.minBytes ?? 4 * KiB;
  const max = o.maxBytes ?? 1024 * KiB;
  const tolerance = o.tolerance ?? 0.001;
  if (!(o.count > 0 && min > 0 && min <= max)) throw new Error('sizeMix: bad count or bounds');
  if (o.totalBytes < o.count * min || o.totalBytes > o.count * max) {
    throw new Error('sizeMix: totalBytes is out of reach of count × [minBytes, maxBytes]');
  }
  const rnd = seededRandom(o.seed ?? 16);
  const logUniform = (lo: number, hi: number) => Math.exp(Math.log(lo) + rnd() * Math.log(hi / lo));
  const mid1 = Math.min(Math.max(64 * KiB, min), max);
  const mid2 = Math.min(Math.max(512 * KiB, min), max);
  const raw: number[] = [];
  const paths: string[] = [];
  for (let i = 0; i < o.count; i++) {
    const pick = rnd();
    raw.push(
      pick < 0.25
        ? logUniform(min, mid1)
        : pick < 0.5
          ? logUniform(mid1, mid2)
          : mid2 + rnd() * (max - mid2),
    );
    const depth = Math.floor(rnd() * 4);
    const dirs: string[] = [];
    for (let d = 0; d < depth; d++) dirs.push(`d${d}-${Math.floor(rnd() * 6)}`);
    paths.push([...dirs, `f${String(i).padStart(5, '0')}.bin`].join('/'));
  }
  // Scale towards the wanted total; clamping moves it, so repeat (converges in a few passes).
  let sizes = raw.map((s) => Math.round(s));
  for (let pass = 0; pass < 50; pass++) {
    const total = sizes.reduce((a, b) => a + b, 0);
    if (Math.abs(total - o.totalBytes) <= tolerance * o.totalBytes) break;
    const f = o.totalBytes / total;
    sizes = sizes.map((s) => Math.min(max, Math.max(min, Math.round(s * f))));
  }
  return sizes.map((size, i) => ({ path: paths[i]!, size }));
}
