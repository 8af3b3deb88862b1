// The x axis of training curves: the step, the wall time, the time since the run's first point, or any logged
// series that never decreases (tokens seen, epoch), onto which a metric's points are placed by their step.
// Pure; float64 throughout.
import type { Run, Series } from './model';

/** 'step', 'wall_time', 'relative' (time since the run's first point), or the tag of a logged series. */
export type XAxis = 'step' | 'wall_time' | 'relative' | (string & {});

export const BUILT_IN_AXES: readonly XAxis[] = ['step', 'wall_time', 'relative'];

/** The tag whose values are the x axis, or undefined for the step and the two time axes. */
export function xSeriesTag(x: XAxis): string | undefined {
  return BUILT_IN_AXES.includes(x) ? undefined : x;
}

/** Where a series first decreases in file order (non-finite values are left out): the point and its value before. */
export interface Decrease {
  step: number;
  from: number;
  to: number;
}

export function firstDecrease(s: Series): Decrease | undefined {
  let last = -Infinity;
  for (let i = 0; i < s.values.length; i++) {
    const v = s.values[i];
    if (!Number.isFinite(v)) continue;
    if (v < last) return { step: s.steps[i], from: last, to: v };
    last = v;
  }
  return undefined;
}

/** True when `s` has a finite value and never decreases: a series that can be an x axis. */
export function isMonotone(s: Series): boolean {
  return s.values.some(Number.isFinite) && !firstDecrease(s);
}

/** An x series as a function of the step: its finite points sorted by step, the last value logged at a repeated step. */
export interface StepMap {
  steps: Float64Array;
  xs: Float64Array;
}

export function stepMap(s: Series): StepMap {
  const order: number[] = [];
  for (let i = 0; i < s.steps.length; i++) if (Number.isFinite(s.steps[i]) && Number.isFinite(s.values[i])) order.push(i);
  order.sort((a, b) => s.steps[a] - s.steps[b] || a - b);
  const steps: number[] = [];
  const xs: number[] = [];
  for (const i of order) {
    if (steps.length && steps[steps.length - 1] === s.steps[i]) xs[xs.length - 1] = s.values[i];
    else steps.push(s.steps[i]), xs.push(s.values[i]);
  }
  return { steps: Float64Array.from(steps), xs: Float64Array.from(xs) };
}

/**
 * The x of each of `steps`: the value the x series logged at that step, else its linear interpolation between
 * the neighbouring logged steps (numpy.interp); NaN outside the x series' first..last step (never extrapolated).
 */
export function alignToSteps(map: StepMap, steps: ArrayLike<number>): Float64Array {
  const out = new Float64Array(steps.length).fill(NaN);
  const n = map.steps.length;
  if (!n) return out;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    if (!(s >= map.steps[0] && s <= map.steps[n - 1])) continue;
    // Binary search: the last logged step ≤ s (metric steps need not be sorted).
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (map.steps[mid] <= s) lo = mid;
      else hi = mid - 1;
    }
    out[i] = map.steps[lo] === s ? map.xs[lo] : map.xs[lo] + ((map.xs[lo + 1] - map.xs[lo]) * (s - map.steps[lo])) / (map.steps[lo + 1] - map.steps[lo]);
  }
  return out;
}

/** How a run's points are placed on a tag's axis, or why the run cannot be drawn on it (naming the run and the tag). */
export function tagAxisOf(run: Run, tag: string): StepMap | string {
  const s = Object.hasOwn(run.scalars, tag) ? run.scalars[tag] : undefined;
  if (!s || !s.values.some(Number.isFinite)) return `${run.name} has no ${tag} to use as the x axis: it is not drawn`;
  const down = firstDecrease(s);
  if (down) return `${run.name}: ${tag} decreases at step ${down.step} (from ${down.from} to ${down.to}), so it cannot be the x axis: the run is not drawn`;
  return stepMap(s);
}

/** The wall time of a run's first point (seconds since the epoch), or undefined when it logged none. */
export function firstWallTime(run: Run): number | undefined {
  let first = Infinity;
  for (const s of Object.values(run.scalars)) for (const w of s.wallTimes) if (w < first) first = w; // NaN (no wall time) is never less
  return first === Infinity ? undefined : first;
}

/** Tags that can be an x axis: those that never decrease in at least one of `runs`, sorted. */
export function monotoneTags(runs: readonly Run[]): string[] {
  const tags = new Set<string>();
  for (const run of runs) for (const [tag, s] of Object.entries(run.scalars)) if (!tags.has(tag) && isMonotone(s)) tags.add(tag);
  return [...tags].sort();
}
