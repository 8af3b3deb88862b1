// Plotly figures for training curves: one figure per metric; runs overlaid; train solid, eval dashed;
// smoothed line over the raw curve drawn faintly; min/max envelope of the raw points where decimated;
// loss-spike markers; WebGL (scattergl) for long series where the page's plotly has it. Pure: data in,
// figure specs out (used by the log view, reports and notebooks).
import { decimateMinMax, findSpikes } from '../logs/curves';
import { smoothSeries, type Smoother } from '../logs/smoothing';
import { hasWallTimes, type Run, type Series } from '../logs/model';
import type { XAxis } from '../logs/xAxis';
import { placementOf, STEP_PLACEMENT, type Placement, type XValue } from './curveAxis';
import { runColor } from './runColors';
import type { ChartTheme } from './theme';

export interface CurveOptions {
  /** Smoothing weight in [0, 1) (0: none). */
  smoothing: number;
  /** How the weight smooths: TensorBoard's EMA, the time-weighted EMA or the centred moving average (see logs/smoothing). */
  smoother: Smoother;
  logY: boolean;
  /** The step, the wall time, the time since each run's first point, or a logged series that never decreases (see logs/xAxis). */
  x: XAxis;
  /** Points drawn per series at most with SVG (min/max decimation beyond it). */
  maxPoints: number;
  /**
   * The page's plotly.js has scattergl (the log view's bundle; not the basic one of reports and notebooks):
   * series longer than `maxPoints` are drawn with WebGL instead, decimated to `webglMaxPoints`.
   */
  webgl: boolean;
  webglMaxPoints: number;
  /** Colours the user chose, by run name (the others come from the name: see runColors). */
  colors: Record<string, string>;
  /** The chart's width in px where the page knows it (the legend's rows are laid out for it); else the narrowest chart of a grid. */
  width?: number;
}

export const DEFAULT_CURVE_OPTIONS: CurveOptions = { smoothing: 0.6, smoother: 'ema', logY: false, x: 'step', maxPoints: 2000, webgl: false, webglMaxPoints: 10_000, colors: {} };

export interface Figure {
  metric: string;
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
}

const EVAL_PREFIX = /^(eval|val|validation|test)[/_]/;

/** Schedules and counters (epoch, learning rate): drawn as logged, never smoothed. */
const SCHEDULE = /^(epoch|lr|learning_rate)([-_/].*)?$/i;

/** The smoothing weight a metric is drawn with: schedules and counters are never smoothed. */
export function smoothingFor(metric: string, smoothing: number): number {
  return SCHEDULE.test(metric) ? 0 : smoothing;
}

/** Loss-spike markers drawn per series at most: the largest (most standard deviations above the window). */
export const MAX_SPIKE_MARKERS = 20;

/** True for the axes that need wall times (a metric any of whose series lacks them keeps the step axis). */
export function isTimeAxis(x: XAxis): boolean {
  return x === 'wall_time' || x === 'relative';
}

/** Names of the runs with no wall times at all: on a time axis their charts keep the step axis. */
export function runsWithoutWallTimes(runs: readonly Run[]): string[] {
  return runs.filter((r) => Object.values(r.scalars).some((s) => s.values.length) && !Object.values(r.scalars).some(hasWallTimes)).map((r) => r.name);
}

/**
 * y-axis ticks: exponents written as 3e−4 (plotly's default writes SI prefixes: a learning rate of 3e-4 read
 * "300μ"); a log axis spanning several decades gets a label every decade or few instead of crowded 2s and 5s.
 */
function yAxisFormat(values: readonly number[], logY: boolean): Record<string, unknown> {
  const format: Record<string, unknown> = { exponentformat: 'e' };
  if (!logY) return format;
  let max = 0;
  let minPositive = Infinity;
  for (const v of values) {
    if (!(v > 0) || !Number.isFinite(v)) continue;
    max = Math.max(max, v);
    minPositive = Math.min(minPositive, v);
  }
  if (!(max > 0)) return format;
  const decades = Math.log10(max) - Math.log10(minPositive);
  if (decades >= 2) format.dtick = Math.ceil(decades / 5);
  else format.nticks = 5;
  return format;
}

const FONT_SIZE = 11;
const MARGIN = { l: 55, r: 15, b: 45 };
/** The plotting area's height: the same for every chart whatever its legend holds. */
const PLOT_HEIGHT = 260;
/** Space of the title at the top of the figure, above the legend. */
const TITLE_SPACE = 30;
/** The narrowest chart of the grids that show these figures (log view, playground, reports). */
export const NARROWEST_CHART = 420;

/**
 * Height in px of a horizontal legend of these entries across `width` px, laid out as plotly lays out a
 * grouped legend (each group a column of its entries; groups wrap into rows), with text widths over-estimated
 * so that the height reserved is never short of the one drawn.
 */
export function legendHeight(entries: readonly { group: string; text: string }[], width: number): number {
  const ENTRY_HEIGHT = 20; // plotly: max(1.3 × font size, 16) + 3
  const SYMBOL = 40; // line sample and its gaps
  const CHAR = 0.56 * FONT_SIZE; // wider than the average glyph of the UI fonts (0.49 em measured)
  const ITEM_GAP = 5;
  const GROUP_GAP = 10;
  const groups = new Map<string, { width: number; entries: number }>();
  for (const e of entries) {
    const g = groups.get(e.group) ?? { width: 0, entries: 0 };
    g.width = Math.max(g.width, SYMBOL + CHAR * e.text.length);
    g.entries++;
    groups.set(e.group, g);
  }
  if (!groups.size) return 0;
  let x = 0;
  let rowHeight = 0;
  let height = 0;
  for (const g of groups.values()) {
    const next = g.width + ITEM_GAP;
    if (x > 0 && x + next > width) {
      height += rowHeight + GROUP_GAP;
      x = 0;
      rowHeight = 0;
    }
    rowHeight = Math.max(rowHeight, g.entries * ENTRY_HEIGHT);
    x += next;
  }
  return Math.ceil(height + rowHeight + 2 * ITEM_GAP);
}

/**
 * The title at the top, the legend between it and the plot (never over the x-axis title, never a scroll box),
 * and a figure as tall as the three need: a plot of the same height whatever the number of runs.
 */
function titleAndLegend(metric: string, data: readonly Record<string, unknown>[], width: number): Record<string, unknown> {
  const entries = data.filter((d) => d.showlegend !== false).map((d) => ({ group: String(d.legendgroup ?? d.name), text: String(d.name) }));
  const legend = legendHeight(entries, Math.max(width - MARGIN.l - MARGIN.r, 100));
  const top = TITLE_SPACE + legend + 4;
  return {
    title: { text: metric, font: { size: FONT_SIZE + 2 }, x: 0.02, xanchor: 'left', y: 1, yref: 'container', yanchor: 'top', pad: { t: 8 } },
    margin: { ...MARGIN, t: top },
    height: PLOT_HEIGHT + top + MARGIN.b,
    legend: { orientation: 'h', x: 0, xanchor: 'left', y: 1, yanchor: 'bottom', maxheight: 2 * legend + 100 },
  };
}

/** The metric a tag belongs to: eval_loss and train/loss both chart under "loss". */
export function metricOf(tag: string): { metric: string; split: 'train' | 'eval' } {
  if (EVAL_PREFIX.test(tag)) return { metric: tag.replace(EVAL_PREFIX, ''), split: 'eval' };
  return { metric: tag.replace(/^train[/_]/, ''), split: 'train' };
}

function pick<T>(items: readonly T[], indices: number[]): T[] {
  return indices.map((i) => items[i]);
}

/** The hover label of a line: its value, and the raw logged value under a smoothed one. */
function hover(name: string, raw: number[] | undefined): Record<string, unknown> {
  if (!raw) return { hovertemplate: `${name}<br>%{x}: %{y:.6g}<extra></extra>` };
  return { customdata: raw, hovertemplate: `${name}<br>%{x}: %{y:.6g} smoothed, %{customdata:.6g} raw<extra></extra>` };
}

/** The points of `series` that have an x (those outside the x series' logged steps have none). */
/** The points of `series` that have an x (those outside the x series' logged steps have none), as arrays. */
function placed(series: Series, xs: XValue[]): { steps: number[]; values: number[]; xs: XValue[] } {
  const steps = Array.from(series.steps);
  const values = Array.from(series.values);
  if (!xs.includes(null)) return { steps, values, xs };
  const keep = xs.flatMap((x, i) => (x === null ? [] : [i]));
  return { steps: pick(steps, keep), values: pick(values, keep), xs: pick(xs, keep) };
}

function seriesTraces(run: Run, tag: string, logged: Series, xsLogged: XValue[], color: string, theme: ChartTheme, options: CurveOptions): Record<string, unknown>[] {
  const { metric, split } = metricOf(tag);
  const o = { ...options, smoothing: smoothingFor(metric, options.smoothing) };
  const { steps, values: ys, xs } = placed(logged, xsLogged);
  const smooth = smoothSeries(steps, ys, o.smoother, o.smoothing);
  // Every trace of a series has one type: a scattergl fill 'tonexty' fills to the previous scattergl trace only.
  const webgl = o.webgl && ys.length > o.maxPoints;
  const type = webgl ? 'scattergl' : 'scatter';
  const keep = decimateMinMax(ys, (webgl ? o.webglMaxPoints : o.maxPoints) / 2);
  const name = `${run.name} · ${tag}`;
  const dash = split === 'eval' ? 'dash' : 'solid';
  const traces: Record<string, unknown>[] = [];
  if (o.smoothing > 0) {
    traces.push({ type, mode: 'lines', x: pick(xs, keep), y: pick(ys, keep), name: `${name} (raw)`, line: { color, width: 1, dash }, opacity: 0.25, hoverinfo: 'skip', showlegend: false, legendgroup: name });
  }
  traces.push({ type, mode: ys.length > 1 ? 'lines' : 'markers', x: pick(xs, keep), y: pick(o.smoothing > 0 ? smooth : ys, keep), name, line: { color, width: 2, dash }, legendgroup: name, ...hover(name, o.smoothing > 0 ? pick(ys, keep) : undefined) });
  if (keep.length < ys.length) {
    // Envelope: min and max of the raw values within each display bucket.
    const lo: (number | null)[] = [];
    const hi: (number | null)[] = [];
    const xe: (string | number | null)[] = [];
    for (let k = 0; k + 1 < keep.length; k += 2) {
      const a = ys[keep[k]];
      const b = ys[keep[k + 1]];
      xe.push(xs[keep[k]]);
      lo.push(Math.min(a, b));
      hi.push(Math.max(a, b));
    }
    traces.push({ type, mode: 'lines', x: xe, y: lo, line: { width: 0 }, hoverinfo: 'skip', showlegend: false, legendgroup: name });
    traces.push({ type, mode: 'lines', x: xe, y: hi, fill: 'tonexty', fillcolor: `${color}22`, line: { width: 0 }, hoverinfo: 'skip', showlegend: false, legendgroup: name, name: `${name} min/max` });
  }
  if (split === 'train' && /loss/i.test(tag)) {
    const found = findSpikes(ys);
    const spikes = found.length > MAX_SPIKE_MARKERS ? [...found].sort((a, b) => b.score - a.score).slice(0, MAX_SPIKE_MARKERS).sort((a, b) => a.index - b.index) : found;
    if (spikes.length) {
      const label = spikes.length < found.length ? `${name} spikes (${spikes.length} largest of ${found.length})` : `${name} spikes`;
      const at = spikes.map((p) => p.index);
      traces.push({ type, mode: 'markers', x: pick(xs, at), y: pick(ys, at), name: label, marker: { color: theme.danger, symbol: 'x', size: 9 }, legendgroup: name, hovertemplate: `spike ${tag}<br>%{x}: %{y:.6g}<extra></extra>` });
    }
  }
  return traces;
}

/**
 * One figure per metric over all runs, sorted with losses first. `placement`: where the points go on the x
 * axis (by default worked out from `runs`; the log view passes one from the runs with all their tags, since
 * the x series may be one its tag filter hides). A run the placement refuses is not drawn.
 */
export function trainingFigures(runs: readonly Run[], theme: ChartTheme, options: Partial<CurveOptions> = {}, placement?: Placement): Figure[] {
  const o = { ...DEFAULT_CURVE_OPTIONS, ...options };
  const place = placement ?? placementOf(runs, o.x);
  const byMetric = new Map<string, Record<string, unknown>[]>();
  const values = new Map<string, number[]>();
  // On a time axis, a metric any of whose series lacks wall times keeps the step axis.
  const onSteps = new Set<string>();
  if (isTimeAxis(o.x)) {
    for (const run of runs) for (const [tag, series] of Object.entries(run.scalars)) if (series.values.length && !hasWallTimes(series)) onSteps.add(metricOf(tag).metric);
  }
  for (const run of runs) {
    for (const [tag, series] of Object.entries(run.scalars)) {
      if (!series.values.length) continue;
      const { metric } = metricOf(tag);
      const xs = (onSteps.has(metric) ? STEP_PLACEMENT : place).xsOf(run.name, series);
      if (!xs || xs.every((x) => x === null)) continue;
      const all = values.get(metric) ?? [];
      for (const v of series.values) all.push(v);
      values.set(metric, all);
      const traces = byMetric.get(metric) ?? [];
      traces.push(...seriesTraces(run, tag, series, xs, runColor(run.name, o.colors), theme, o));
      byMetric.set(metric, traces);
    }
  }
  const metrics = [...byMetric.keys()].sort(compareMetrics);
  const axisOf = (metric: string): XAxisLayout => (onSteps.has(metric) ? { title: 'step (no wall times logged)', type: 'linear' } : place);
  return metrics.map((metric) => ({ metric, data: byMetric.get(metric)!, layout: metricLayout(metric, theme, o, values.get(metric)!, axisOf(metric), byMetric.get(metric)!) }));
}

/** The x axis a chart is drawn on: its title and plotly axis type. */
export interface XAxisLayout {
  title: string;
  type: 'linear' | 'date';
}

/** Chart order: losses first, then by name. */
export function compareMetrics(a: string, b: string): number {
  return Number(!/loss/i.test(a)) - Number(!/loss/i.test(b)) || a.localeCompare(b);
}

/**
 * A metric chart's layout; `x` is the axis drawn (the step axis where wall times are missing); `data` the
 * chart's traces, whose legend entries get room above the plot.
 */
export function metricLayout(metric: string, theme: ChartTheme, o: CurveOptions, values: readonly number[], x: XAxisLayout, data: readonly Record<string, unknown>[]): Record<string, unknown> {
  return {
    paper_bgcolor: theme.background,
    plot_bgcolor: theme.background,
    font: { color: theme.foreground, family: theme.font, size: FONT_SIZE },
    xaxis: { title: { text: x.title }, gridcolor: theme.grid, type: x.type },
    yaxis: { type: o.logY ? 'log' : 'linear', gridcolor: theme.grid, ...yAxisFormat(values, o.logY) },
    ...titleAndLegend(metric, data, o.width ?? NARROWEST_CHART),
    hovermode: 'closest',
  };
}
