// Appending to a Series (model.ts) in place: its arrays are views on buffers that grow by doubling, so a
// million points cost about twenty copies in all and no boxed numbers. The one writer of a series is
// `writerOf(series)`; a batch of pushes ends with flush(), which makes the series' views cover them.
import type { Series, Steps, Values } from './model';

const WRITERS = new WeakMap<Series, SeriesWriter>();
const NO_WALL_TIMES = new Float64Array(0);

const FLOAT32_MAX = 3.4028234663852886e38;
const FLOAT32_MIN_NORMAL = 1.1754943508222875e-38;

/** Whether `v` keeps its meaning as a float32: exact there, or a fraction within float32's normal range. */
function fitsFloat32(v: number): boolean {
  if (Math.fround(v) === v || v !== v) return true;
  if (Number.isInteger(v)) return false;
  const a = Math.abs(v);
  return a >= FLOAT32_MIN_NORMAL && a <= FLOAT32_MAX;
}

export class SeriesWriter {
  private steps: Steps;
  private values: Values;
  /** Empty until a point has a wall time; then as long as the other columns, NaN where there is none. */
  private wallTimes: Float64Array;
  private length: number;
  /** Points the columns have room for. */
  private capacity: number;
  /** The values view the series last got from this writer: another one means something else replaced it. */
  private shown: Values;

  constructor(private readonly series: Series) {
    this.length = series.values.length;
    // The series' own arrays are only read: the first push copies them into buffers of this writer's own.
    this.steps = series.steps;
    this.values = series.values;
    this.wallTimes = series.wallTimes.length ? series.wallTimes : NO_WALL_TIMES;
    if (series.steps.length !== this.length || (series.wallTimes.length && series.wallTimes.length !== this.length)) {
      throw new Error(`a series' columns differ in length (${series.steps.length} steps, ${series.values.length} values, ${series.wallTimes.length} wall times)`);
    }
    this.capacity = Math.min(this.steps.length, this.values.length, this.wallTimes.length || Infinity);
    this.shown = series.values;
  }

  /** Appends one point; `wallTime` NaN when it has none. */
  push(step: number, wallTime: number, value: number): void {
    const n = this.length;
    if (n === this.capacity) this.grow();
    if ((step | 0) !== step && this.steps instanceof Int32Array) this.steps = this.widen(this.steps);
    this.steps[n] = step;
    if (this.values instanceof Float32Array && !fitsFloat32(value)) this.values = this.widen(this.values);
    this.values[n] = value;
    if (wallTime === wallTime) {
      if (!this.wallTimes.length) this.startWallTimes();
      this.wallTimes[n] = wallTime;
    } else if (this.wallTimes.length) this.wallTimes[n] = NaN;
    this.length = n + 1;
  }

  /** Points pushed. */
  get points(): number {
    return this.length;
  }

  /**
   * Makes room for `capacity` points at once (a reader that knows how much is coming): one allocation instead
   * of the doublings, whose copies would briefly hold the series twice. Room not yet written costs no memory
   * for a large series (the pages are not touched), so a generous estimate is cheap.
   */
  reserve(capacity: number): void {
    // At least doubling: estimates that creep up by a little each read never cost a copy each.
    if (capacity > this.capacity) this.grow(Math.max(Math.ceil(capacity), 2 * this.capacity));
  }

  /** Removes the last point. */
  pop(): void {
    if (this.length) this.length--;
  }

  /** Makes the series' views end at the last point pushed. */
  flush(): void {
    const n = this.length;
    const s = this.series;
    s.steps = this.steps.subarray(0, n);
    s.values = this.values.subarray(0, n);
    s.wallTimes = this.wallTimes.length ? this.wallTimes.subarray(0, n) : NO_WALL_TIMES;
    this.shown = s.values;
  }

  /** Whether this writer still describes its series (nothing else replaced its arrays). */
  describes(series: Series): boolean {
    return series === this.series && series.values === this.shown;
  }

  private grow(capacity = Math.max(16, 2 * this.capacity)): void {
    const n = this.length;
    const steps = this.steps instanceof Int32Array ? new Int32Array(capacity) : new Float64Array(capacity);
    steps.set(this.steps.subarray(0, n));
    const values = this.values instanceof Float32Array ? new Float32Array(capacity) : new Float64Array(capacity);
    values.set(this.values.subarray(0, n));
    this.steps = steps;
    this.values = values;
    if (this.wallTimes.length) {
      const wallTimes = new Float64Array(capacity);
      wallTimes.set(this.wallTimes.subarray(0, n));
      this.wallTimes = wallTimes;
    }
    this.capacity = capacity;
  }

  /** The column as Float64Array, same room. */
  private widen(column: Int32Array | Float32Array): Float64Array {
    const wide = new Float64Array(this.capacity);
    wide.set(column.subarray(0, this.length));
    return wide;
  }

  private startWallTimes(): void {
    if (!this.capacity) this.grow();
    this.wallTimes = new Float64Array(this.capacity).fill(NaN);
  }
}

/** The writer of `series` (one per series, kept while the series lives). */
export function writerOf(series: Series): SeriesWriter {
  const known = WRITERS.get(series);
  if (known && known.describes(series)) return known;
  const w = new SeriesWriter(series);
  WRITERS.set(series, w);
  return w;
}
