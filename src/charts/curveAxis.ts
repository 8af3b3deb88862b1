// Where training-curve points go on the x axis chosen (see logs/xAxis): per run, the x of each point of a
// series, the axis' title and type, and the runs that cannot be drawn on it, each with its reason. Pure.
import { wallTimeAt, type Run, type Series } from '../logs/model';
import { alignToSteps, firstWallTime, tagAxisOf, xSeriesTag, type StepMap, type XAxis } from '../logs/xAxis';

/** A point's x: a number, an ISO date on the wall-time axis, or null (not drawn: outside the x series' steps). */
export type XValue = number | string | null;

export interface Placement {
  title: string;
  type: 'linear' | 'date';
  /** The x of each point of `series` of the run named `run`, or undefined when that run is not drawn on this axis. */
  xsOf(run: string, series: Series): XValue[] | undefined;
  /** Why runs are not drawn on this axis, one message per run naming the run and the x series. */
  refusals: string[];
}

const isoTime = (w: number | null): string | null => (w === null ? null : new Date(w * 1000).toISOString());

/** A relative-time axis is in hours once a run spans this many seconds, in seconds below. */
const HOURS_FROM = 2 * 3600;

export const STEP_PLACEMENT: Placement = { title: 'step', type: 'linear', xsOf: (_run, s) => Array.from(s.steps), refusals: [] };

/**
 * The placement of `x` for `runs` (the runs with all their tags: the x series may be one the tag filter hides).
 * Runs with no points are never refused.
 */
export function placementOf(runs: readonly Run[], x: XAxis): Placement {
  if (x === 'step') return STEP_PLACEMENT;
  if (x === 'wall_time') {
    return { title: 'wall time', type: 'date', xsOf: (_run, s) => Array.from(s.values, (_v, i) => isoTime(wallTimeAt(s, i))), refusals: [] };
  }
  if (x === 'relative') {
    const first = new Map<string, number>();
    let span = 0;
    for (const run of runs) {
      const t0 = firstWallTime(run);
      if (t0 === undefined) continue;
      first.set(run.name, t0);
      for (const s of Object.values(run.scalars)) for (const w of s.wallTimes) if (!Number.isNaN(w)) span = Math.max(span, w - t0);
    }
    const unit = span >= HOURS_FROM ? 3600 : 1;
    return {
      title: unit === 1 ? 'relative time (s)' : 'relative time (h)',
      type: 'linear',
      xsOf: (run, s) => {
        const t0 = first.get(run);
        return t0 === undefined ? undefined : Array.from(s.values, (_v, i) => {
          const w = wallTimeAt(s, i);
          return w === null ? null : (w - t0) / unit;
        });
      },
      refusals: [],
    };
  }
  const tag = xSeriesTag(x)!;
  const maps = new Map<string, StepMap>();
  const refusals: string[] = [];
  for (const run of runs) {
    if (!Object.values(run.scalars).some((s) => s.values.length)) continue;
    const axis = tagAxisOf(run, tag);
    if (typeof axis === 'string') refusals.push(axis);
    else maps.set(run.name, axis);
  }
  return {
    title: tag,
    type: 'linear',
    xsOf: (run, s) => {
      const map = maps.get(run);
      return map && Array.from(alignToSteps(map, s.steps), (v) => (Number.isNaN(v) ? null : v));
    },
    refusals,
  };
}

/**
 * What the status line says of `x` for the drawn runs (`shown`, tags filtered) placed by `placement`: the
 * runs refused, and the points left out of a drawn run because its x series was not logged around their steps.
 */
export function placementNotes(shown: readonly Run[], placement: Placement, x: XAxis): string[] {
  const notes = [...placement.refusals];
  for (const run of shown) {
    for (const [tag, s] of Object.entries(run.scalars)) {
      const xs = placement.xsOf(run.name, s);
      const left = xs ? xs.reduce((n: number, v) => n + (v === null ? 1 : 0), 0) : 0;
      if (left && xSeriesTag(x)) notes.push(`${run.name}: ${left} point(s) of ${tag} lie outside the steps where ${x} was logged and are not drawn`);
    }
  }
  return notes;
}
