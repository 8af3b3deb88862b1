// Curve arithmetic for display: TensorBoard's smoothing, loss-spike detection, min/max decimation.

/**
 * TensorBoard's classic smoothing (its line chart's debiased EMA): w clamped to [0, 1] (non-finite → 0);
 * a constant series is returned unchanged; non-finite points pass through and are not counted.
 */
export function smoothTensorBoard(values: ArrayLike<number>, weight: number): number[] {
  return Array.from(tensorBoardEma(values, weight));
}

/** smoothTensorBoard into a Float64Array (what the charts' hot paths take). */
export function tensorBoardEma(values: ArrayLike<number>, weight: number): Float64Array {
  const out = new Float64Array(values);
  if (isConstant(values)) return out;
  const ema = new DebiasedEma(weight);
  for (let i = 0; i < values.length; i++) {
    const y = values[i];
    if (Number.isFinite(y)) out[i] = ema.next(y);
  }
  return out;
}

/** Whether every finite value equals the first (then smoothing returns the values unchanged). */
export function isConstant(values: ArrayLike<number>): boolean {
  let first = NaN;
  for (let i = 0; i < values.length; i++) {
    const y = values[i];
    if (!Number.isFinite(y)) continue;
    if (Number.isNaN(first)) first = y;
    else if (y !== first) return false;
  }
  return true;
}

/**
 * TensorBoard's debiased EMA fed one finite value at a time (so a long series can be smoothed piece by piece):
 * next(y) is the smoothed value at y, the finite values before it having been fed in order.
 */
export class DebiasedEma {
  private readonly w: number;
  private last = 0;
  /** Values fed while the debiasing still divides (not counted after). */
  private count = 0;
  /**
   * Once w^count is below half an ulp of 1 the debiasing divides by exactly 1 (and stays so, w^count only
   * falls): Math.pow is then skipped, most of the cost over long series.
   */
  private debiased: boolean;

  constructor(weight: number) {
    this.w = Number.isFinite(weight) ? Math.min(1, Math.max(0, weight)) : 0;
    this.debiased = this.w === 1;
  }

  next(y: number): number {
    const w = this.w;
    const last = (this.last = w * this.last + (1 - w) * y);
    if (this.debiased) return last;
    const debias = 1 - Math.pow(w, ++this.count);
    this.debiased = debias === 1;
    return last / debias;
  }
}

/** A loss spike: its index, and how many standard deviations above the window's mean it lies. */
export interface Spike {
  index: number;
  score: number;
}

/**
 * Loss spikes: after at least `minPoints` values, a value above mean + k·std of the previous `window` finite
 * values (k = 2, window = 100 by default), in index order.
 */
export function findSpikes(values: readonly number[], k = 2, window = 100, minPoints = 10): Spike[] {
  const spikes: Spike[] = [];
  const history: number[] = [];
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) return;
    if (history.length >= minPoints) {
      const mean = history.reduce((a, b) => a + b, 0) / history.length;
      const std = Math.sqrt(history.reduce((a, b) => a + (b - mean) ** 2, 0) / history.length);
      if (v > mean + k * std) spikes.push({ index: i, score: std > 0 ? (v - mean) / std : Infinity });
    }
    history.push(v);
    if (history.length > window) history.shift();
  });
  return spikes;
}

/**
 * At most about `buckets`·2 points for display: per bucket of consecutive points, the min and the max
 * (in x order), so peaks and spikes survive. Returns indices into the input.
 */
export function decimateMinMax(values: readonly number[], buckets: number): number[] {
  if (values.length <= buckets * 2) return values.map((_, i) => i);
  const size = values.length / buckets;
  const keep: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor(b * size);
    const end = Math.min(values.length, Math.floor((b + 1) * size));
    let lo = start;
    let hi = start;
    for (let i = start; i < end; i++) {
      if (values[i] < values[lo]) lo = i;
      if (values[i] > values[hi]) hi = i;
    }
    keep.push(Math.min(lo, hi));
    if (hi !== lo) keep.push(Math.max(lo, hi));
  }
  return keep;
}
