// Plotly figures for training curves: one figure per metric; runs overlaid; train solid, eval dashed;
// smoothed line over the raw curve drawn faintly; min/max envelope of the raw points where decimated;
// loss-spike markers; WebGL (scattergl) for long series where the page's plotly has it. Pure: data in,
// figure specs out (used by the log view, reports and notebooks).
import { decimateMinMax, findSpikes, smoothTensorBoard } from '../logs/curves';
import type { Run, Series } from '../logs/model';
import type { ChartTheme } from './theme';

export interface CurveOptions {
  /** TensorBoard smoothing weight in [0, 1). */
  smoothing: number;
  logY: boolean;
  x: 'step' | 'wall_time';
  /** Points drawn per series at most with SVG (min/max decimation beyond it). */
  maxPoints: number;
  /**
   * The page's plotly.js has scattergl (the log view's bundle; not the basic one of reports and notebooks):
   * series longer than `maxPoints` are drawn with WebGL instead, decimated to `webglMaxPoints`.
   */
  webgl: boolean;
  webglMaxPoints: number;
}

export const DEFAULT_CURVE_OPTIONS: CurveOptions = { smoothing: 0.6, logY: false, x: 'step', maxPoints: 2000, webgl: false, webglMaxPoints: 10_000 };

export interface Figure {
  metric: string;
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
}

const EVAL_PREFIX = /^(eval|val|validation|test)[/_]/;

/** The metric a tag belongs to: eval_loss and train/loss both chart under "loss". */
export function metricOf(tag: string): { metric: string; split: 'train' | 'eval' } {
  if (EVAL_PREFIX.test(tag)) return { metric: tag.replace(EVAL_PREFIX, ''), split: 'eval' };
  return { metric: tag.replace(/^train[/_]/, ''), split: 'train' };
}

function pick<T>(items: readonly T[], indices: number[]): T[] {
  return indices.map((i) => items[i]);
}

function seriesTraces(run: Run, tag: string, series: Series, color: string, theme: ChartTheme, o: CurveOptions): Record<string, unknown>[] {
  const { split } = metricOf(tag);
  const xs: (number | string | null)[] = o.x === 'step' ? series.steps : series.wallTimes.map((w) => (w === null ? null : new Date(w * 1000).toISOString()));
  const ys = series.values;
  const smooth = smoothTensorBoard(ys, o.smoothing);
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
  traces.push({ type, mode: ys.length > 1 ? 'lines' : 'markers', x: pick(xs, keep), y: pick(o.smoothing > 0 ? smooth : ys, keep), name, line: { color, width: 2, dash }, legendgroup: name, hovertemplate: `${name}<br>%{x}: %{y:.6g}<extra></extra>` });
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
    const spikes = findSpikes(ys);
    if (spikes.length) {
      traces.push({ type, mode: 'markers', x: pick(xs, spikes), y: pick(ys, spikes), name: `${name} spikes`, marker: { color: theme.danger, symbol: 'x', size: 9 }, legendgroup: name, hovertemplate: `spike ${tag}<br>%{x}: %{y:.6g}<extra></extra>` });
    }
  }
  return traces;
}

/** One figure per metric over all runs, sorted with losses first. */
export function trainingFigures(runs: readonly Run[], theme: ChartTheme, options: Partial<CurveOptions> = {}): Figure[] {
  const o = { ...DEFAULT_CURVE_OPTIONS, ...options };
  const byMetric = new Map<string, Record<string, unknown>[]>();
  let colorIndex = 0;
  const colors = new Map<string, string>();
  for (const run of runs) {
    for (const [tag, series] of Object.entries(run.scalars)) {
      if (!series.values.length) continue;
      const { metric } = metricOf(tag);
      const key = `${run.name}\u0000${metric}`;
      if (!colors.has(key)) colors.set(key, theme.palette[colorIndex++ % theme.palette.length]);
      const traces = byMetric.get(metric) ?? [];
      traces.push(...seriesTraces(run, tag, series, colors.get(key)!, theme, o));
      byMetric.set(metric, traces);
    }
  }
  const metrics = [...byMetric.keys()].sort((a, b) => Number(!/loss/i.test(a)) - Number(!/loss/i.test(b)) || a.localeCompare(b));
  return metrics.map((metric) => ({
    metric,
    data: byMetric.get(metric)!,
    layout: {
      title: { text: metric, font: { size: 13 } },
      paper_bgcolor: theme.background,
      plot_bgcolor: theme.background,
      font: { color: theme.foreground, family: theme.font, size: 11 },
      xaxis: { title: { text: o.x === 'step' ? 'step' : 'wall time' }, gridcolor: theme.grid, type: o.x === 'step' ? 'linear' : 'date' },
      yaxis: { type: o.logY ? 'log' : 'linear', gridcolor: theme.grid },
      margin: { l: 55, r: 15, t: 35, b: 45 },
      height: 340,
      legend: { orientation: 'h', y: -0.3 },
      hovermode: 'closest',
    },
  }));
}
