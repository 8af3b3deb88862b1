// The log view's smoothers, one weight s in [0, 1) for all three. Non-finite values pass through and take no part.
// - ema: TensorBoard's debiased EMA (smoothTensorBoard), which assumes evenly spaced points.
// - time_ema: the same with a weight per point w_i = s^(Δx_i / median Δx), Δx_i the step gap to the previous
//   finite point (w_1 = s), and its debiasing term accumulated alike: m_i = w_i·m_{i−1} + (1−w_i)·y_i,
//   c_i = w_i·c_{i−1} + (1−w_i), shown m_i / c_i. On even spacing it is exactly ema; after a gap the old points
//   weigh less, as the gap's length says.
// - moving_average: the centred mean of the finite points within h = round(s / (1 − s)) points either side (fewer
//   at the ends), 2h + 1 being the span (1 + s) / (1 − s) of the EMA with weight s. No lag, but it looks ahead.
import { smoothTensorBoard } from './curves';

export type Smoother = 'ema' | 'time_ema' | 'moving_average';

export const SMOOTHERS: readonly Smoother[] = ['ema', 'time_ema', 'moving_average'];

export function isSmoother(v: unknown): v is Smoother {
  return typeof v === 'string' && (SMOOTHERS as readonly string[]).includes(v);
}

/** The weight in [0, 1): non-finite → 0, 1 and above → just under 1. */
function clampWeight(s: number): number {
  return Number.isFinite(s) ? Math.min(1 - 1e-9, Math.max(0, s)) : 0;
}

function finiteIndices(values: readonly number[]): number[] {
  const out: number[] = [];
  values.forEach((v, i) => Number.isFinite(v) && out.push(i));
  return out;
}

function median(sorted: readonly number[]): number {
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
}

export function timeWeightedEma(xs: readonly number[], values: readonly number[], weight: number): number[] {
  const s = clampWeight(weight);
  const idx = finiteIndices(values);
  const gaps = idx
    .slice(1)
    .map((i, k) => xs[i] - xs[idx[k]])
    .filter((g) => g > 0)
    .sort((a, b) => a - b);
  const unit = gaps.length ? median(gaps) : 1;
  const out = [...values];
  let m = 0;
  let c = 0;
  idx.forEach((i, k) => {
    const w = k === 0 ? s : Math.pow(s, Math.max(0, xs[i] - xs[idx[k - 1]]) / unit);
    m = w * m + (1 - w) * values[i];
    c = w * c + (1 - w);
    out[i] = c > 0 ? m / c : values[i];
  });
  return out;
}

export function centredMovingAverage(values: readonly number[], weight: number): number[] {
  const s = clampWeight(weight);
  const h = Math.round(s / (1 - s));
  const idx = finiteIndices(values);
  // Prefix sums of the finite values: each window's mean in O(1).
  const prefix = [0];
  for (const i of idx) prefix.push(prefix[prefix.length - 1] + values[i]);
  const out = [...values];
  idx.forEach((i, k) => {
    const lo = Math.max(0, k - h);
    const hi = Math.min(idx.length, k + h + 1);
    out[i] = (prefix[hi] - prefix[lo]) / (hi - lo);
  });
  return out;
}

/** `values` (logged at `xs`) smoothed by `smoother` with weight `weight`; weight 0 returns the values. */
export function smoothSeries(xs: readonly number[], values: readonly number[], smoother: Smoother, weight: number): number[] {
  if (!(weight > 0)) return [...values];
  switch (smoother) {
    case 'ema':
      return smoothTensorBoard(values, weight);
    case 'time_ema':
      return timeWeightedEma(xs, values, weight);
    case 'moving_average':
      return centredMovingAverage(values, weight);
  }
}
