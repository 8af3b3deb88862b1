// Text-log records (one flat object per line or entry) as columnar points. The hot path of every text log:
// a million JSONL lines cost one JSON.parse each and, here, one `for…in` and one push per value.
import { seriesOf, type Run } from './model';
import { writerOf, type SeriesWriter } from './seriesWriter';

/** Keys that name the step, in order of preference. */
export const STEP_KEYS = ['step', 'global_step', 'iteration', 'current_steps', 'epoch'];
/** Keys that carry wall-clock seconds (not `time`: detectron2 writes seconds per iteration under it, a series). */
const TIME_KEYS = ['wall_time', 'timestamp'];

/** Beyond this many distinct key lists in one read, the cache starts over (keys that change every line). */
const MAX_SHAPES = 1024;

/** A number as Python or a CSV writer spells it, or undefined for anything that is not one. */
function numeric(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v === 'NaN' || v === 'nan') return NaN;
  if (v === 'Infinity' || v === 'inf') return Infinity;
  if (v === '-Infinity' || v === '-inf') return -Infinity;
  return undefined;
}

/** One record shape: its keys in enumeration order and where its step and time keys stand. */
interface Shape {
  keys: string[];
  /** The step keys it has, in order of preference, and their places in `keys`; likewise the time keys. */
  stepKeys: string[];
  stepAt: number[];
  timeKeys: string[];
  timeAt: number[];
  /** Per key: its series' writer, looked up the first time that key holds a number. */
  columns: (SeriesWriter | undefined)[];
}

/**
 * Adds records' numeric fields to a run as points: the step is the first of STEP_KEYS holding a number (else
 * the caller's fallback), the wall time likewise, every other number (or NaN / Infinity string) is a point of
 * the tag named by its key. A read (one call, or one chunk of a stream) ends with `finish()`, which makes the
 * run's series show what it added; the writer may then go on with the next chunk.
 */
export class RecordWriter {
  private readonly shapes = new Map<string, Shape>();
  private readonly columns = new Map<string, SeriesWriter>();
  private last: Shape | undefined;
  private previous: Shape | undefined;

  constructor(private readonly run: Run) {}

  /** Adds one record; `fallbackStep` is used when it names no step. */
  add(record: Record<string, unknown>, fallbackStep: number): void {
    // Records mostly repeat the keys of the record before, or of the one before that (train and eval lines
    // interleave): those two shapes are tried before the record's own is looked up.
    const { last, previous } = this;
    if (!last || !this.addAs(record, last, fallbackStep)) {
      if (previous && this.addAs(record, previous, fallbackStep)) (this.previous = last), (this.last = previous);
      else this.addAs(record, this.lookUp(record), fallbackStep);
    }
  }

  /** Adds `record` taking its keys to be `shape`'s; adds nothing and returns false if they are not. */
  private addAs(record: Record<string, unknown>, shape: Shape, fallbackStep: number): boolean {
    const { keys, columns, stepKeys, timeKeys } = shape;
    let step = fallbackStep;
    let stepAt = -1;
    for (let k = 0; k < stepKeys.length; k++) {
      const v = record[stepKeys[k]];
      if (typeof v !== 'number') continue;
      step = v;
      stepAt = shape.stepAt[k];
      break;
    }
    let wallTime = NaN;
    let timeAt = -1;
    for (let k = 0; k < timeKeys.length; k++) {
      const v = record[timeKeys[k]];
      if (typeof v !== 'number') continue;
      wallTime = v;
      timeAt = shape.timeAt[k];
      break;
    }
    let i = -1;
    for (const key in record) {
      i++;
      if (key !== keys[i]) {
        this.takeBack(record, columns, i, stepAt, timeAt);
        return false;
      }
      if (i === stepAt || i === timeAt) continue;
      const raw = record[key];
      const value = typeof raw === 'number' ? raw : numeric(raw);
      if (value === undefined) continue;
      (columns[i] ?? (columns[i] = this.column(key))).push(step, wallTime, value);
    }
    return true;
  }

  /** Undoes what `addAs` added of `record`'s first `count` keys (those it shares with the shape tried). */
  private takeBack(record: Record<string, unknown>, columns: Shape['columns'], count: number, stepAt: number, timeAt: number): void {
    let j = 0;
    for (const key in record) {
      if (j === count) return;
      if (j !== stepAt && j !== timeAt && numeric(record[key]) !== undefined) columns[j]!.pop();
      j++;
    }
  }

  /** Makes room in every series for `scale` times the points it has (the reader's estimate of what is coming). */
  reserve(scale: number): void {
    for (const w of this.columns.values()) w.reserve(w.points * scale);
  }

  /** Makes the run's series cover what this read added. */
  finish(): void {
    for (const w of this.columns.values()) w.flush();
  }

  /** `record`'s shape, which becomes the one the next record is compared with first. */
  private lookUp(record: Record<string, unknown>): Shape {
    const keys: string[] = [];
    for (const key in record) keys.push(key);
    const signature = keys.join('\u0000');
    let shape = this.shapes.get(signature);
    if (!shape) {
      if (this.shapes.size >= MAX_SHAPES) this.shapes.clear();
      const stepKeys = STEP_KEYS.filter((k) => keys.includes(k));
      const timeKeys = TIME_KEYS.filter((k) => keys.includes(k));
      const at = (k: string) => keys.indexOf(k);
      shape = { keys, stepKeys, stepAt: stepKeys.map(at), timeKeys, timeAt: timeKeys.map(at), columns: [] };
      this.shapes.set(signature, shape);
    }
    if (shape !== this.last) this.previous = this.last;
    return (this.last = shape);
  }

  private column(tag: string): SeriesWriter {
    let w = this.columns.get(tag);
    if (!w) {
      w = writerOf(seriesOf(this.run, tag));
      this.columns.set(tag, w);
    }
    return w;
  }
}
