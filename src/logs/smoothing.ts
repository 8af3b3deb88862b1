// The log view's smoothers, one weight s in [0, 1) for all three. Non-finite values pass through and take no part.
// - ema: TensorBoard's debiased EMA (smoothTensorBoard), which assumes evenly spaced points.
// - time_ema: the same with a weight per point w_i = s^(Δx_i / median Δx), Δx_i the step gap to the previous
//   finite point (w_1 = s), and its debiasing term accumulated alike: m_i = w_i·m_{i−1} + (1−w_i)·y_i,
//   c_i = w_i·c_{i−1} + (1−w_i), shown m_i / c_i. On even spacing it is exactly ema; after a gap the old points
//   weigh less, as the gap's length says.
// - moving_average: the centred mean of the finite points within h = round(s / (1 − s)) points either side (fewer
//   at the ends), 2h + 1 being the span (1 + s) / (1 − s) of the EMA with weight s. No lag, but it looks ahead.
import { tensorBoardEma } from './curves';

export type Smoother = 'ema' | 'time_ema' | 'moving_average';

export const SMOOTHERS: readonly Smoother[] = ['ema', 'time_ema', 'moving_average'];

export function isSmoother(v: unknown): v is Smoother {
  return typeof v === 'string' && (SMOOTHERS as readonly string[]).includes(v);
}

/** The weight in [0, 1): non-finite → 0, 1 and above → just under 1. */
function clampWeight(s: number): number {
  return Number.isFinite(s) ? Math.min(1 - 1e-9, Math.max(0, s)) : 0;
}

function finiteIndices(values: ArrayLike<number>): Int32Array {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) n++;
  const out = new Int32Array(n);
  for (let i = 0, k = 0; i < values.length; i++) if (Number.isFinite(values[i])) out[k++] = i;
  return out;
}

function median(sorted: ArrayLike<number>): number {
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
}

export function timeWeightedEma(xs: ArrayLike<number>, values: ArrayLike<number>, weight: number): number[] {
  return Array.from(timeEma(xs, values, weight));
}

function timeEma(xs: ArrayLike<number>, values: ArrayLike<number>, weight: number): Float64Array {
  const s = clampWeight(weight);
  const idx = finiteIndices(values);
  const gaps = new Float64Array(Math.max(0, idx.length - 1));
  let g = 0;
  for (let k = 1; k < idx.length; k++) {
    const gap = xs[idx[k]] - xs[idx[k - 1]];
    if (gap > 0) gaps[g++] = gap;
  }
  const unit = g ? median(gaps.subarray(0, g).sort()) : 1;
  const out = new Float64Array(values);
  let m = 0;
  let c = 0;
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k];
    const w = k === 0 ? s : Math.pow(s, Math.max(0, xs[i] - xs[idx[k - 1]]) / unit);
    m = w * m + (1 - w) * values[i];
    c = w * c + (1 - w);
    out[i] = c > 0 ? m / c : values[i];
  }
  return out;
}

export function centredMovingAverage(values: ArrayLike<number>, weight: number): number[] {
  return Array.from(movingAverage(values, weight));
}

function movingAverage(values: ArrayLike<number>, weight: number): Float64Array {
  const s = clampWeight(weight);
  const h = Math.round(s / (1 - s));
  const idx = finiteIndices(values);
  // Prefix sums of the finite values: each window's mean in O(1).
  const prefix = new Float64Array(idx.length + 1);
  for (let k = 0; k < idx.length; k++) prefix[k + 1] = prefix[k] + values[idx[k]];
  const out = new Float64Array(values);
  for (let k = 0; k < idx.length; k++) {
    const lo = Math.max(0, k - h);
    const hi = Math.min(idx.length, k + h + 1);
    out[idx[k]] = (prefix[hi] - prefix[lo]) / (hi - lo);
  }
  return out;
}

/** `values` (logged at `xs`) smoothed by `smoother` with weight `weight`; weight 0 returns the values. */
export function smoothSeries(xs: ArrayLike<number>, values: ArrayLike<number>, smoother: Smoother, weight: number): number[] {
  return Array.from(smoothedValues(xs, values, smoother, weight));
}

/** smoothSeries into a Float64Array (what bands and long series take). */
export function smoothedValues(xs: ArrayLike<number>, values: ArrayLike<number>, smoother: Smoother, weight: number): Float64Array {
  if (!(weight > 0)) return new Float64Array(values);
  switch (smoother) {
    case 'ema':
      return tensorBoardEma(values, weight);
    case 'time_ema':
      return timeEma(xs, values, weight);
    case 'moving_average':
      return movingAverage(values, weight);
  }
}
