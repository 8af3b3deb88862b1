// Inputs of the softmax & cross-entropy scene, and a tidy axis bound. The target distribution is an input the
// user sets (a class or soft target, smoothed by ε as label_smoothing defines it), not a result.

/** q = (1 − ε)·target + ε / C, with the target one-hot at `target` unless a soft target is given. */
export function targetDistribution(C: number, target: number, soft: number[] | undefined, smoothing: number): number[] {
  return Array.from({ length: C }, (_, i) => (1 - smoothing) * (soft ? soft[i] : i === target ? 1 : 0) + smoothing / C);
}

/** The smallest of 1, 2, 5 × 10^k at or above x (1 for x ≤ 0 or not finite): axis ranges that rarely change. */
export function niceCeil(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return 1;
  const k = Math.pow(10, Math.floor(Math.log10(x)));
  for (const m of [1, 2, 5, 10]) if (m * k >= x * (1 - 1e-12)) return m * k;
  return 10 * k;
}

/** An axis bound that grows at once but shrinks only when the values fall well below it: fewer full redraws. */
export function ratchet(current: number, needed: number): number {
  return needed > current || needed < current / 4 ? niceCeil(needed) : current;
}

/** The logit sliders' bound: ±10, or wider to cover every logit (a preset may set ±1000). */
export function logitBound(logits: number[]): number {
  const largest = logits.reduce((m, v) => (Number.isFinite(v) ? Math.max(m, Math.abs(v)) : m), 0);
  return largest > 10 ? niceCeil(largest) : 10;
}
