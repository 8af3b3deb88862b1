// Training-log scalars as every parser returns them. Pure data; no node, no DOM.
import { SeriesWriter, writerOf } from './seriesWriter';

/** [step, wall time in seconds since the epoch (null where the format has none), value]. */
export type ScalarPoint = [step: number, wallTime: number | null, value: number];

/** Steps: Int32Array while every step is a 32-bit integer (as nearly all are), else Float64Array. */
export type Steps = Int32Array | Float64Array;
/**
 * Values: Float32Array, TensorBoard's own precision (simple_value is a float32; ~7 significant digits, far
 * below what a chart shows), while every value keeps its meaning there; a series that logs an integer float32
 * cannot hold exactly (a count past 2^24, such as tokens seen) or a magnitude outside float32's normal range
 * is held as Float64Array.
 */
export type Values = Float32Array | Float64Array;

/**
 * A tag's points as typed columns of equal length (a million points cost 8 bytes each, not three boxed
 * numbers). Views on storage that grows by doubling (seriesWriter.ts): append through SeriesWriter,
 * addPoint or appendSeries, never by writing the arrays.
 */
export interface Series {
  steps: Steps;
  values: Values;
  /** Seconds since the epoch per point, NaN where a point has none; empty when no point has one. */
  wallTimes: Float64Array;
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
  return { steps: new Int32Array(0), values: new Float32Array(0), wallTimes: new Float64Array(0) };
}

/** A series holding these points (`wallTimes` absent or null where there is none). */
export function seriesFrom(steps: ArrayLike<number>, values: ArrayLike<number>, wallTimes?: ArrayLike<number | null>): Series {
  const s = emptySeries();
  const w = new SeriesWriter(s);
  for (let i = 0; i < values.length; i++) w.push(steps[i], wallTimes?.[i] ?? NaN, values[i]);
  w.flush();
  return s;
}

/** The wall time of point `i`, or null when it has none. */
export function wallTimeAt(s: Series, i: number): number | null {
  const w = s.wallTimes.length ? s.wallTimes[i] : NaN;
  return Number.isNaN(w) ? null : w;
}

/** Whether every point of `s` has a wall time (and it has points). */
export function hasWallTimes(s: Series): boolean {
  if (!s.values.length || !s.wallTimes.length) return false;
  for (let i = 0; i < s.wallTimes.length; i++) if (Number.isNaN(s.wallTimes[i])) return false;
  return true;
}

/** `tag`'s series in `run`, created empty if it has none yet (also for tags such as "constructor"). */
export function seriesOf(run: Run, tag: string): Series {
  if (Object.hasOwn(run.scalars, tag)) return run.scalars[tag];
  const s = emptySeries();
  Object.defineProperty(run.scalars, tag, { value: s, enumerable: true, writable: true, configurable: true });
  return s;
}

export function addPoint(run: Run, tag: string, step: number, wallTime: number | null, value: number): void {
  const w = writerOf(seriesOf(run, tag));
  w.push(step, wallTime ?? NaN, value);
  w.flush();
}

/** Appends `from` (or its points from index `start`) to `to`. */
export function appendSeries(to: Series, from: Series, start = 0): void {
  const w = writerOf(to);
  const timed = from.wallTimes.length > 0;
  for (let i = start; i < from.values.length; i++) w.push(from.steps[i], timed ? from.wallTimes[i] : NaN, from.values[i]);
  w.flush();
}

/**
 * Copies of the points `from`.. of each series, every array a view on one ArrayBuffer: what crosses to the
 * page. A webview message carries each distinct ArrayBuffer as one argument of VS Code's RPC, whose argument
 * count is a single byte (past ~250 buffers the rest arrive empty); a view of a larger buffer would send it all.
 */
export function packSeries(parts: readonly { series: Series; from: number }[]): Series[] {
  const columns = (s: Series, from: number) => [s.steps.subarray(from), s.values.subarray(from), s.wallTimes.subarray(s.wallTimes.length ? from : 0)] as const;
  // Each column starts on an 8-byte boundary: a Float64Array view needs its offset aligned.
  const aligned = (n: number) => Math.ceil(n / 8) * 8;
  let bytes = 0;
  for (const { series, from } of parts) for (const c of columns(series, from)) bytes += aligned(c.byteLength);
  const buffer = new ArrayBuffer(bytes);
  let at = 0;
  const copy = <T extends Int32Array | Float32Array | Float64Array>(c: T): T => {
    const view = new (c.constructor as new (b: ArrayBuffer, offset: number, length: number) => T)(buffer, at, c.length);
    view.set(c);
    at += aligned(c.byteLength);
    return view;
  };
  return parts.map(({ series, from }) => {
    const [steps, values, wallTimes] = columns(series, from);
    return { steps: copy(steps), values: copy(values), wallTimes: copy(wallTimes) };
  });
}

export function toPoints(s: Series): ScalarPoint[] {
  return Array.from(s.values, (v, i) => [s.steps[i], wallTimeAt(s, i), v]);
}

export function skip(run: Run, reason: string, count = 1): void {
  run.skipped[reason] = (run.skipped[reason] ?? 0) + count;
}
