// Pure arithmetic of bench/peers.ts: medians, paired ratios and the PASS/MISS verdicts.

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const v = [...xs].sort((a, b) => a - b);
  const h = v.length >> 1;
  return v.length % 2 === 1 ? v[h]! : (v[h - 1]! + v[h]!) / 2;
}

/**
 * Median over rounds of a[i] / b[i]: both measured in the same round, back to back, so a drift
 * of the machine's speed between rounds cancels out. Rounds where either side is missing
 * (a failed run) are left out.
 */
export function pairedRatio(a: readonly number[], b: readonly number[]): number {
  const r: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (Number.isFinite(x) && Number.isFinite(y) && y > 0) r.push(x / y);
  }
  return median(r);
}

/** A target on a ratio: `max` (≤) or `min` (≥). */
export type Target = { max: number } | { min: number };

export function verdict(ratio: number, target: Target): 'PASS' | 'MISS' | 'n/a' {
  if (!Number.isFinite(ratio)) return 'n/a';
  if ('max' in target) return ratio <= target.max ? 'PASS' : 'MISS';
  return ratio >= target.min ? 'PASS' : 'MISS';
}

export function targetText(target: Target): string {
  return 'max' in target ? `<= ${target.max.toFixed(2)}` : `>= ${target.min.toFixed(2)}`;
}

/**
 * The order contenders run in during round `round`: rotated by one each round, so none is
 * always first (cold caches) or always after the same neighbour.
 */
export function rotation<T>(items: readonly T[], round: number): T[] {
  const n = items.length;
  if (n === 0) return [];
  const k = round % n;
  return [...items.slice(k), ...items.slice(0, k)];
}
