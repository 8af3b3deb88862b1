// Training-log scalars as every parser returns them. Pure data; no node, no DOM.

/** [step, wall time in seconds since the epoch (null where the format has none), value]. */
export type ScalarPoint = [step: number, wallTime: number | null, value: number];

export type LogFormat = 'tfevents' | 'trainer_state' | 'jsonl' | 'csv';

/** One decoded source (a file, or the event files of one folder). */
export interface Run {
  name: string;
  format: LogFormat;
  /** Points per tag, in file order (duplicates kept, as TensorBoard's loader keeps them). */
  scalars: Record<string, ScalarPoint[]>;
  /** Records or lines that could not be used and why, e.g. {"CRC mismatch": 1, "bad JSON line": 2}. */
  skipped: Record<string, number>;
}

export function emptyRun(name: string, format: LogFormat): Run {
  return { name, format, scalars: {}, skipped: {} };
}

export function addPoint(run: Run, tag: string, point: ScalarPoint): void {
  (run.scalars[tag] ??= []).push(point);
}

export function skip(run: Run, reason: string, count = 1): void {
  run.skipped[reason] = (run.skipped[reason] ?? 0) + count;
}
