// A group's curve statistics for bands: at each step any member logged, the members' mean, standard deviation
// (population, ddof = 0, as numpy's default), min and max. A member that did not log that step contributes its
// linear interpolation between its neighbouring points (numpy.interp), but only within its own first..last step
// (no extrapolation): the count says how many members each point stands on. Non-finite values are left out.
// Float64 throughout. Pure.

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

/**
 * A member's values on the union `steps`, within its own first..last step (indices from..to), interpolated
 * linearly where it did not log a step. A member that logged every union step (a sweep's members mostly share
 * their steps) is returned as it is; otherwise the values are written into `scratch`.
 */
function aligned(curve: Curve, steps: Float64Array, scratch: Float64Array): { from: number; to: number; values: ArrayLike<number> } {
  const { steps: cs, values: cv } = curve;
  const n = steps.length;
  if (cs.length === n && sameSteps(cs, steps)) return { from: 0, to: n, values: cv };
  const last = cs.length - 1;
  const from = lowerBound(steps, cs[0]);
  let i = from;
  for (let j = 0; i < n; i++) {
    const s = steps[i];
    if (s > cs[last]) break;
    while (j < last && cs[j + 1] <= s) j++;
    scratch[i] = cs[j] === s ? cv[j] : cv[j] + ((cv[j + 1] - cv[j]) * (s - cs[j])) / (cs[j + 1] - cs[j]);
  }
  return { from, to: i, values: scratch };
}

export function bandOf(members: readonly MemberCurve[]): Band {
  const curves = members.map(cleaned).filter((c) => c.steps.length > 0);
  const steps = unionSteps(curves);
  const n = steps.length;
  const sum = new Float64Array(n);
  const sumSq = new Float64Array(n);
  const min = new Float64Array(n).fill(Infinity);
  const max = new Float64Array(n).fill(-Infinity);
  const count = new Uint16Array(n);
  const mean = new Float64Array(n);
  // Two passes (mean, then squared deviations) for accuracy; the second aligns each member again rather than
  // holding every member's aligned values.
  const scratch = new Float64Array(n);
  for (let pass = 0; pass < 2; pass++) {
    for (const curve of curves) {
      const { from, to, values } = aligned(curve, steps, scratch);
      for (let i = from; i < to; i++) {
        const v = values[i];
        if (pass === 0) {
          sum[i] += v;
          count[i]++;
          if (v < min[i]) min[i] = v;
          if (v > max[i]) max[i] = v;
        } else {
          const d = v - mean[i];
          sumSq[i] += d * d;
        }
      }
    }
    if (pass === 0) for (let i = 0; i < n; i++) mean[i] = sum[i] / count[i];
  }
  const std = new Float64Array(n);
  for (let i = 0; i < n; i++) std[i] = Math.sqrt(sumSq[i] / count[i]);
  return { steps, mean, std, min, max, count };
}
