// Text-log records (one flat object per line or entry) as columnar points. The hot path of every text log:
// a million JSONL lines cost one JSON.parse each and, here, two `for…in` passes and a few array stores.
import { seriesOf, type Run, type Series } from './model';

/** Keys that name the step, in order of preference. */
const STEP_KEYS = ['step', 'global_step', 'iteration', 'current_steps', 'epoch'];
/** Keys that carry wall-clock seconds. */
const TIME_KEYS = ['wall_time', 'timestamp', 'time'];

/** Beyond this many distinct key lists in one read, the cache starts over (keys that change every line). */
const MAX_SHAPES = 1024;
/** Arrays are never stretched past this length in advance: V8 keeps longer ones as dictionaries. */
const MAX_RESERVED = 1 << 24;

/** A number as Python or a CSV writer spells it, or undefined for anything that is not one. */
export function numeric(v: unknown): number | undefined {
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
  series: Series;
  /** Points the series holds: where the next one goes. */
  length: number;
  /** The length its arrays are stretched to (`length` when none is reserved). */
  reserved: number;
  /** Points it held when this read began. */
  before: number;
}

/** One record shape: its keys in enumeration order and their roles; found again by comparing keys. */
interface Shape {
  keys: string[];
  /** Per key: its place in STEP_KEYS, or -1; likewise in TIME_KEYS. */
  stepRank: number[];
  timeRank: number[];
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
  private records = 0;
  /** Columns given a value by the record being added, still owed its step and wall time. */
  private readonly owing: Column[] = [];
  /** Numeric values of step and time keys, held until it is known which one is the step / wall time. */
  private held = new Float64Array(8);
  private readonly heldAt: number[] = [];

  /** `expected`: about how many records this read will add (room is reserved by it; it bounds nothing). */
  constructor(private readonly run: Run, private readonly expected: number) {}

  /** Adds one record; `fallbackStep` is used when it names no step. */
  add(record: Record<string, unknown>, fallbackStep: number): void {
    const { stepRank, timeRank, columns, keys } = this.shapeOf(record);
    if (this.held.length < keys.length) this.held = new Float64Array(keys.length * 2);
    const { owing, held, heldAt } = this;
    let owed = 0;
    let holding = 0;
    let step = fallbackStep;
    let stepAt = -1;
    let wallTime: number | null = null;
    let timeAt = -1;
    let i = -1;
    // Values go in at once; steps and wall times once all keys are seen (the step key may come last).
    for (const key in record) {
      i++;
      const raw = record[key];
      const value = typeof raw === 'number' ? raw : numeric(raw);
      if (value === undefined) continue;
      const sr = stepRank[i];
      const tr = timeRank[i];
      if (sr < 0 && tr < 0) {
        const c = columns[i] ?? (columns[i] = this.column(keys[i]));
        if (c.length === c.reserved) this.reserve(c);
        c.series.values[c.length] = value;
        owing[owed++] = c;
        continue;
      }
      held[i] = value;
      heldAt[holding++] = i;
      if (typeof raw !== 'number') continue;
      if (sr >= 0 && (stepAt < 0 || sr < stepRank[stepAt])) (step = raw), (stepAt = i);
      if (tr >= 0 && (timeAt < 0 || tr < timeRank[timeAt])) (wallTime = raw), (timeAt = i);
    }
    // Step and time keys not chosen as the step or wall time are scalars like any other (epoch beside step).
    for (let h = 0; h < holding; h++) {
      const at = heldAt[h];
      if (at === stepAt || at === timeAt) continue;
      const c = columns[at] ?? (columns[at] = this.column(keys[at]));
      if (c.length === c.reserved) this.reserve(c);
      c.series.values[c.length] = held[at];
      owing[owed++] = c;
    }
    for (let o = 0; o < owed; o++) {
      const c = owing[o];
      c.series.steps[c.length] = step;
      c.series.wallTimes[c.length] = wallTime;
      c.length++;
    }
    this.records++;
  }

  /** Cuts the room reserved in advance: every series' arrays end at its last point again. */
  finish(): void {
    for (const c of this.columns.values()) {
      if (c.reserved === c.length) continue;
      c.series.steps.length = c.series.wallTimes.length = c.series.values.length = c.length;
      c.reserved = c.length;
    }
  }

  /** `record`'s shape: the last one if its keys are the same, in the same order. */
  private shapeOf(record: Record<string, unknown>): Shape {
    const last = this.last;
    if (last) {
      const keys = last.keys;
      let i = 0;
      for (const key in record) if (key !== keys[i++]) return this.lookUp(record);
      if (i === keys.length) return last;
    }
    return this.lookUp(record);
  }

  private lookUp(record: Record<string, unknown>): Shape {
    const keys: string[] = [];
    for (const key in record) keys.push(key);
    const signature = keys.join('\u0000');
    let shape = this.shapes.get(signature);
    if (!shape) {
      if (this.shapes.size >= MAX_SHAPES) this.shapes.clear();
      const rank = (preferred: readonly string[]) => keys.map((k) => preferred.indexOf(k));
      shape = { keys, stepRank: rank(STEP_KEYS), timeRank: rank(TIME_KEYS), columns: [] };
      this.shapes.set(signature, shape);
    }
    return (this.last = shape);
  }

  private column(tag: string): Column {
    let c = this.columns.get(tag);
    if (!c) {
      const series = seriesOf(this.run, tag);
      const length = series.values.length;
      c = { series, length, reserved: length, before: length };
      this.columns.set(tag, c);
    }
    return c;
  }

  /**
   * Stretches a full column's arrays by what the rest of this read will likely bring: its share of the
   * records so far times the records still expected (a little more, for drift). Past MAX_RESERVED, or before
   * 64 records tell the share, it grows as a plain push would.
   */
  private reserve(c: Column): void {
    const left = this.expected - this.records;
    const share = (c.length - c.before + 1) / (this.records + 1);
    const length = this.records < 64 ? c.length + 64 : c.length + Math.ceil(left * share * 1.1) + 64;
    if (length > MAX_RESERVED) {
      c.reserved = Infinity;
      return;
    }
    c.series.steps.length = c.series.wallTimes.length = c.series.values.length = length;
    c.reserved = length;
  }
}
