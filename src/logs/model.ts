// Training-log scalars as every parser returns them. Pure data; no node, no DOM.

/** [step, wall time in seconds since the epoch (null where the format has none), value]. */
export type ScalarPoint = [step: number, wallTime: number | null, value: number];

/** A tag's points as columns (a million points cost three arrays, not a million small ones). */
export interface Series {
  steps: number[];
  wallTimes: (number | null)[];
  values: number[];
}

export type LogFormat = 'tfevents' | 'trainer_state' | 'jsonl' | 'csv';

/** One decoded source (a file, or the event files of one folder). */
export interface Run {
  name: string;
  format: LogFormat;
  /** Points per tag, in file order (duplicates kept, as TensorBoard's loader keeps them). */
  scalars: Record<string, Series>;
  /** Records or lines that could not be used and why, e.g. {"CRC mismatch": 1, "bad JSON line": 2}. */
  skipped: Record<string, number>;
  /** The run's hyperparameters where its framework wrote them (see hparams.ts), nested keys joined with "/". */
  hparams?: HParams;
}

export type HParamValue = string | number | boolean;
export type HParams = Record<string, HParamValue>;

export function emptyRun(name: string, format: LogFormat): Run {
  return { name, format, scalars: {}, skipped: {} };
}

export function emptySeries(): Series {
  return { steps: [], wallTimes: [], values: [] };
}

/** `tag`'s series in `run`, created empty if it has none yet (also for tags such as "constructor"). */
export function seriesOf(run: Run, tag: string): Series {
  if (Object.hasOwn(run.scalars, tag)) return run.scalars[tag];
  const s = emptySeries();
  Object.defineProperty(run.scalars, tag, { value: s, enumerable: true, writable: true, configurable: true });
  return s;
}

export function addPoint(run: Run, tag: string, step: number, wallTime: number | null, value: number): void {
  const s = seriesOf(run, tag);
  s.steps.push(step);
  s.wallTimes.push(wallTime);
  s.values.push(value);
}

/** Appends `from` (or its points from index `start`) to `to`. */
export function appendSeries(to: Series, from: Series, start = 0): void {
  for (let i = start; i < from.steps.length; i++) {
    to.steps.push(from.steps[i]);
    to.wallTimes.push(from.wallTimes[i]);
    to.values.push(from.values[i]);
  }
}

export function toPoints(s: Series): ScalarPoint[] {
  return s.steps.map((step, i) => [step, s.wallTimes[i], s.values[i]]);
}

export function skip(run: Run, reason: string, count = 1): void {
  run.skipped[reason] = (run.skipped[reason] ?? 0) + count;
}
