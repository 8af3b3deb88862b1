// Text-log records (one flat object per line or entry) as columnar points. The hot path of every text log:
// a million JSONL lines cost one JSON.parse each and, here, one `for…in` and three array stores per value.
import { seriesOf, type Run } from './model';

/** Keys that name the step, in order of preference. */
export const STEP_KEYS = ['step', 'global_step', 'iteration', 'current_steps', 'epoch'];
/** Keys that carry wall-clock seconds (not `time`: detectron2 writes seconds per iteration under it, a series). */
const TIME_KEYS = ['wall_time', 'timestamp'];

/** Beyond this many distinct key lists in one read, the cache starts over (keys that change every line). */
const MAX_SHAPES = 1024;
/** Arrays are never stretched past this length in advance: V8 keeps longer ones as dictionaries. */
const MAX_RESERVED = 1 << 24;

/** A number as Python or a CSV writer spells it, or undefined for anything that is not one. */
function numeric(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v === 'NaN' || v === 'nan') return NaN;
  if (v === 'Infinity' || v === 'inf') return Infinity;
  if (v === '-Infinity' || v === '-inf') return -Infinity;
  return undefined;
}

/**
 * A series being appended to. Its arrays may be stretched past `length` in advance (holes at the end), so
 * that a million points do not cost twenty reallocations and copies each; `RecordWriter.finish` cuts them.
 */
interface Column {
  /** The series' arrays (the series itself is in `run.scalars`). */
  steps: number[];
  wallTimes: (number | null)[];
  values: number[];
  /** Points the series holds: where the next one goes. */
  length: number;
  /** The length its arrays are stretched to (`length` when none is reserved). */
  reserved: number;
  /** Points it held when this read began. */
  before: number;
}

/** One record shape: its keys in enumeration order and where its step and time keys stand. */
interface Shape {
  keys: string[];
  /** The step keys it has, in order of preference, and their places in `keys`; likewise the time keys. */
  stepKeys: string[];
  stepAt: number[];
  timeKeys: string[];
  timeAt: number[];
  /** Per key: its column, looked up the first time that key holds a number. */
  columns: (Column | undefined)[];
}

/**
 * Adds records' numeric fields to a run as points: the step is the first of STEP_KEYS holding a number (else
 * the caller's fallback), the wall time likewise, every other number (or NaN / Infinity string) is a point of
 * the tag named by its key. Lives for one synchronous read, which ends with `finish()`.
 */
export class RecordWriter {
  private readonly shapes = new Map<string, Shape>();
  private readonly columns = new Map<string, Column>();
  private last: Shape | undefined;
  private previous: Shape | undefined;
  private records = 0;

  /** `expected`: about how many records this read will add (room is reserved by it; it bounds nothing). */
  constructor(private readonly run: Run, private readonly expected: number) {}

  /** Adds one record; `fallbackStep` is used when it names no step. */
  add(record: Record<string, unknown>, fallbackStep: number): void {
    // Records mostly repeat the keys of the record before, or of the one before that (train and eval lines
    // interleave): those two shapes are tried before the record's own is looked up.
    const { last, previous } = this;
    if (!last || !this.addAs(record, last, fallbackStep)) {
      if (previous && this.addAs(record, previous, fallbackStep)) (this.previous = last), (this.last = previous);
      else this.addAs(record, this.lookUp(record), fallbackStep);
    }
    this.records++;
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
    let wallTime: number | null = null;
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
      const c = columns[i] ?? (columns[i] = this.column(key));
      const at = c.length;
      if (at === c.reserved) this.reserve(c);
      c.values[at] = value;
      c.steps[at] = step;
      c.wallTimes[at] = wallTime;
      c.length = at + 1;
    }
    return true;
  }

  /** Undoes what `addAs` added of `record`'s first `count` keys (those it shares with the shape tried). */
  private takeBack(record: Record<string, unknown>, columns: Shape['columns'], count: number, stepAt: number, timeAt: number): void {
    let j = 0;
    for (const key in record) {
      if (j === count) return;
      if (j !== stepAt && j !== timeAt && numeric(record[key]) !== undefined) columns[j]!.length--;
      j++;
    }
  }

  /** Cuts the room reserved in advance: every series' arrays end at its last point again. */
  finish(): void {
    for (const c of this.columns.values()) {
      if (c.reserved === c.length) continue;
      c.steps.length = c.wallTimes.length = c.values.length = c.length;
      c.reserved = c.length;
    }
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

  private column(tag: string): Column {
    let c = this.columns.get(tag);
    if (!c) {
      const { steps, wallTimes, values } = seriesOf(this.run, tag);
      const length = values.length;
      c = { steps, wallTimes, values, length, reserved: length, before: length };
      this.columns.set(tag, c);
    }
    return c;
  }

  /**
   * Stretches a full column's arrays by what the rest of this read will likely bring: its share of the
   * records so far times the records still expected (a little more, for drift). Until 1024 records tell the
   * share, by doubling what this read added; past MAX_RESERVED, not at all (the arrays then grow as on
   * push). V8 keeps the spare capacity when the arrays are cut by less than half, so a log followed a few
   * lines at a time does not copy its series on every read.
   */
  private reserve(c: Column): void {
    const left = this.expected - this.records;
    const added = c.length - c.before;
    const share = (added + 1) / (this.records + 1);
    const length = this.records < 1024 ? c.length + 2 * added + 64 : c.length + Math.ceil(left * share * 1.03) + 64;
    if (length > MAX_RESERVED) {
      c.reserved = Infinity;
      return;
    }
    c.steps.length = c.wallTimes.length = c.values.length = length;
    c.reserved = length;
  }
}
