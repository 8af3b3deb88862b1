// A group's curve statistics for bands: at each step any member logged, the members' mean, standard deviation
// (population, ddof = 0, as numpy's default), min and max. A member that did not log that step contributes its
// linear interpolation between its neighbouring points (numpy.interp), but only within its own first..last step
// (no extrapolation): the count says how many members each point stands on. Non-finite values are left out.
// Float64 throughout. Pure.
//
// Members are smoothed first (smoothing.ts). The statistics are accumulated over blocks of steps, each member's
// block written to one row of a scratch matrix, so every sum stays in cache while 50 members of 100k points
// pass. Members of one sweep mostly log the same steps and finite values: then each member is read once, its
// EMA computed as the block is written, with no union, no interpolation and no smoothed copy; a member that
// turns out otherwise sends the band to the general path, which gives the same numbers.
import { DebiasedEma, isConstant } from './curves';
import { smoothedValues, type Smoother } from './smoothing';

export interface MemberCurve {
  steps: ArrayLike<number>;
  values: ArrayLike<number>;
}

export interface Band {
  steps: Float64Array;
  mean: Float64Array;
  std: Float64Array;
  min: Float64Array;
  max: Float64Array;
  /** Members standing at each step. */
  count: Uint16Array;
}

/** Finite points, steps strictly increasing (Int32Array steps are taken as they are: no copy). */
interface Curve {
  steps: Float64Array | Int32Array;
  values: Float64Array;
}

/** A member's finite points sorted by step (stable: of repeated steps the last logged value is kept). */
function cleaned(m: MemberCurve): Curve {
  const n = m.steps.length;
  // Mostly every point is finite and the steps strictly increase: then the member is used as it is.
  let clean = true;
  for (let i = 0, previous = -Infinity; i < n && clean; i++) {
    const s = m.steps[i];
    clean = s > previous && s < Infinity && Number.isFinite(m.values[i]);
    previous = s;
  }
  if (clean) return { steps: m.steps instanceof Int32Array ? m.steps : asFloat64(m.steps), values: asFloat64(m.values) };
  let kept = 0;
  let sorted = true;
  let previous = -Infinity;
  for (let i = 0; i < n; i++) {
    const s = m.steps[i];
    if (!Number.isFinite(s) || !Number.isFinite(m.values[i])) continue;
    if (s < previous) sorted = false;
    previous = s;
    kept++;
  }
  const order = new Int32Array(kept);
  for (let i = 0, k = 0; i < n; i++) if (Number.isFinite(m.steps[i]) && Number.isFinite(m.values[i])) order[k++] = i;
  if (!sorted) order.sort((a, b) => m.steps[a] - m.steps[b] || a - b);
  const steps = new Float64Array(kept);
  const values = new Float64Array(kept);
  let u = 0;
  for (let k = 0; k < kept; k++) {
    const i = order[k];
    if (u && steps[u - 1] === m.steps[i]) values[u - 1] = m.values[i];
    else {
      steps[u] = m.steps[i];
      values[u++] = m.values[i];
    }
  }
  return { steps: steps.subarray(0, u), values: values.subarray(0, u) };
}

const asFloat64 = (a: ArrayLike<number>): Float64Array => (a instanceof Float64Array ? a : new Float64Array(a));

function sameSteps(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The union of two sorted step lists without repeats. */
function mergeSteps(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length || j < b.length) {
    const s = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i] : b[j];
    if (i < a.length && a[i] === s) i++;
    if (j < b.length && b[j] === s) j++;
    out[n++] = s;
  }
  return out.subarray(0, n);
}

/** The sorted union of the members' steps: merged pairwise (members of one sweep mostly share their steps). */
function unionSteps(curves: readonly Curve[]): Float64Array {
  let lists: ArrayLike<number>[] = curves.map((c) => c.steps);
  if (lists.every((l) => sameSteps(l, lists[0]))) return lists.length ? new Float64Array(lists[0]) : new Float64Array(0);
  while (lists.length > 1) {
    const next: ArrayLike<number>[] = [];
    for (let k = 0; k < lists.length; k += 2) next.push(k + 1 < lists.length ? mergeSteps(lists[k], lists[k + 1]) : lists[k]);
    lists = next;
  }
  return lists[0] ? new Float64Array(lists[0]) : new Float64Array(0);
}

/** The first index of sorted `a` whose value is at least `x`. */
function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index of sorted `a` whose value exceeds `x`. */
function upperBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A member's values on the union steps, written in step order: fill(out, at, lo, hi) writes those at union
 * indices [lo, hi) ⊆ [from, to) to out[at + i], each call going on where the last ended. It returns false when
 * the member turns out not to be what the lane assumed (then the band is computed by the general path).
 */
interface Lane {
  readonly from: number;
  readonly to: number;
  fill(out: Float64Array, at: number, lo: number, hi: number): boolean;
}

/**
 * Magnitude below which a value's EMA is finite whatever the weight (it is a weighted mean of the values), so
 * that smoothing leaves out no point of a member whose values are all within it.
 */
const EMA_INPUT_LIMIT = 1e300;

/**
 * A member that logged exactly the union `steps`, its values taken as they are or smoothed by `ema` as they
 * pass. Fails at a step that differs from the union's or a value that is not finite (or, with `ema`, beyond
 * EMA_INPUT_LIMIT).
 */
class SameStepsLane implements Lane {
  readonly from = 0;
  readonly to: number;

  constructor(
    private readonly memberSteps: ArrayLike<number>,
    private readonly values: ArrayLike<number>,
    private readonly steps: ArrayLike<number>,
    private readonly ema?: DebiasedEma,
  ) {
    this.to = steps.length;
  }

  fill(out: Float64Array, at: number, lo: number, hi: number): boolean {
    const { memberSteps, values, steps, ema } = this;
    if (ema) {
      for (let i = lo; i < hi; i++) {
        const y = values[i];
        if (memberSteps[i] !== steps[i] || !(Math.abs(y) <= EMA_INPUT_LIMIT)) return false;
        out[at + i] = ema.next(y);
      }
    } else {
      for (let i = lo; i < hi; i++) {
        const y = values[i];
        if (memberSteps[i] !== steps[i] || !Number.isFinite(y)) return false;
        out[at + i] = y;
      }
    }
    return true;
  }
}

/** A cleaned member whose steps are not the union's: linearly interpolated at the union steps it spans. */
class InterpolatedLane implements Lane {
  readonly from: number;
  readonly to: number;
  /** The member's last point at or before the union step being written. */
  private j = 0;

  constructor(
    private readonly curve: Curve,
    private readonly steps: Float64Array,
  ) {
    this.from = lowerBound(steps, curve.steps[0]);
    this.to = upperBound(steps, curve.steps[curve.steps.length - 1]);
  }

  fill(out: Float64Array, at: number, lo: number, hi: number): boolean {
    const { steps: cs, values: cv } = this.curve;
    const { steps } = this;
    const last = cs.length - 1;
    let j = this.j;
    for (let i = lo; i < hi; i++) {
      const s = steps[i];
      while (j < last && cs[j + 1] <= s) j++;
      out[at + i] = cs[j] === s ? cv[j] : cv[j] + ((cv[j + 1] - cv[j]) * (s - cs[j])) / (cs[j + 1] - cs[j]);
    }
    this.j = j;
    return true;
  }
}

/** Union steps per block: a block's sums (8 bytes × 5 × BLOCK) stay in L1 while every member's row passes. */
const BLOCK = 512;
/** Rows of the block being accumulated, one per member (reused across bands: a recompute allocates none). */
let rows = new Float64Array(0);

/**
 * The band of `lanes` over the union `steps`, or undefined when a lane fails. Per step the members are taken in
 * order: the mean first (sum / count), then the squared deviations from it, for accuracy.
 */
function accumulate(lanes: readonly Lane[], steps: Float64Array): Band | undefined {
  const n = steps.length;
  const mean = new Float64Array(n);
  const std = new Float64Array(n);
  const min = new Float64Array(n).fill(Infinity);
  const max = new Float64Array(n).fill(-Infinity);
  const count = membersAt(lanes, n);
  if (rows.length < lanes.length * BLOCK) rows = new Float64Array(lanes.length * BLOCK);
  const out = rows;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    // mean holds the sums and std the sums of squared deviations until the block's last loop.
    for (let k = 0; k < lanes.length; k++) {
      const lane = lanes[k];
      const lo = Math.max(start, lane.from);
      const hi = Math.min(end, lane.to);
      if (lo >= hi) continue;
      const at = k * BLOCK - start;
      if (!lane.fill(out, at, lo, hi)) return undefined;
      for (let i = lo; i < hi; i++) {
        const v = out[at + i];
        mean[i] += v;
        if (v < min[i]) min[i] = v;
        if (v > max[i]) max[i] = v;
      }
    }
    for (let i = start; i < end; i++) mean[i] /= count[i];
    for (let k = 0; k < lanes.length; k++) {
      const lo = Math.max(start, lanes[k].from);
      const hi = Math.min(end, lanes[k].to);
      const at = k * BLOCK - start;
      for (let i = lo; i < hi; i++) {
        const d = out[at + i] - mean[i];
        std[i] += d * d;
      }
    }
    for (let i = start; i < end; i++) std[i] = Math.sqrt(std[i] / count[i]);
  }
  return { steps, mean, std, min, max, count };
}

/** How many lanes stand at each of `n` union steps (each lane's from..to is one range). */
function membersAt(lanes: readonly Lane[], n: number): Uint16Array {
  const change = new Int32Array(n + 1);
  for (const lane of lanes) {
    change[lane.from]++;
    change[lane.to]--;
  }
  const count = new Uint16Array(n);
  for (let i = 0, c = 0; i < n; i++) count[i] = c += change[i];
  return count;
}

/**
 * The band when every member logged the same strictly increasing steps with finite values (a sweep's usual
 * case), each member smoothed as it is read; undefined when they did not.
 */
function sameStepsBand(members: readonly MemberCurve[], smoother: Smoother, weight: number): Band | undefined {
  if (!members.length) return undefined;
  const ref = members[0].steps;
  const n = ref.length;
  if (members.some((m) => m.steps.length !== n || m.values.length !== n)) return undefined;
  for (let i = 0, previous = -Infinity; i < n; i++) {
    const s = ref[i];
    if (!(s > previous && s < Infinity)) return undefined;
    previous = s;
  }
  const steps = new Float64Array(ref);
  const lanes = members.map((m) => {
    if (!(weight > 0)) return new SameStepsLane(m.steps, m.values, steps);
    if (smoother !== 'ema') return new SameStepsLane(m.steps, smoothedValues(m.steps, m.values, smoother, weight), steps);
    // A constant series is not smoothed (tensorBoardEma).
    return new SameStepsLane(m.steps, m.values, steps, isConstant(m.values) ? undefined : new DebiasedEma(weight));
  });
  return accumulate(lanes, steps);
}

/** Any members: each smoothed, cleaned, and aligned to the union of their steps. */
function unionBand(members: readonly MemberCurve[], smoother: Smoother, weight: number): Band {
  const curves = members.map((m) => cleaned({ steps: m.steps, values: smoothedValues(m.steps, m.values, smoother, weight) })).filter((c) => c.steps.length > 0);
  const steps = unionSteps(curves);
  const lanes = curves.map((c) => (sameSteps(c.steps, steps) ? new SameStepsLane(c.steps, c.values, steps) : new InterpolatedLane(c, steps)));
  // Cleaned members have finite values and lanes on their own steps: no lane fails.
  return accumulate(lanes, steps)!;
}

/** The band of `members`, each smoothed first by `smoother` with weight `weight` (0: as logged). */
export function smoothedBand(members: readonly MemberCurve[], smoother: Smoother, weight: number): Band {
  return sameStepsBand(members, smoother, weight) ?? unionBand(members, smoother, weight);
}

/** The band of `members` as logged. */
export function bandOf(members: readonly MemberCurve[]): Band {
  return smoothedBand(members, 'ema', 0);
}
