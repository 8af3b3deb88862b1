// Figures for the notebook's rich outputs (distribution bars, curves), from their versioned payloads.
// Pure: payload in, plotly figure out; the renderer and any other view draw with these.
import type { CurvePayload, DistributionPayload } from '../protocol/notebook';
import type { ChartTheme } from './theme';
import type { Figure } from './trainingCurves';

function layout(theme: ChartTheme, title: string | undefined, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: title ? { text: title, font: { size: 13 } } : undefined,
    paper_bgcolor: theme.background,
    plot_bgcolor: theme.background,
    font: { color: theme.foreground, family: theme.font, size: 11 },
    xaxis: { gridcolor: theme.grid },
    yaxis: { gridcolor: theme.grid, zerolinecolor: theme.foreground },
    margin: { l: 50, r: 10, t: title ? 35 : 10, b: 35 },
    height: 280,
    legend: { orientation: 'h', y: -0.2 },
    ...extra,
  };
}

export function distributionFigure(p: DistributionPayload, theme: ChartTheme): Figure {
  return {
    metric: p.title ?? 'distribution',
    data: p.series.map((s, i) => ({ type: 'bar', x: p.labels, y: s.values, name: s.name, marker: { color: theme.palette[i % theme.palette.length] } })),
    layout: layout(theme, p.title, { barmode: 'group' }),
  };
}

export function curveFigure(p: CurvePayload, theme: ChartTheme): Figure {
  return {
    metric: p.title ?? 'curve',
    data: p.series.map((s, i) => ({ type: 'scatter', mode: 'lines', x: p.x, y: s.y, name: s.name, line: { color: theme.palette[i % theme.palette.length], width: 2 } })),
    layout: layout(theme, p.title, {
      xaxis: { gridcolor: theme.grid, title: { text: p.xTitle ?? '' } },
      yaxis: { gridcolor: theme.grid, type: p.logY ? 'log' : 'linear', title: { text: p.yTitle ?? '' } },
    }),
  };
}

/** Checks a payload's shape before drawing; returns the problem or undefined. */
export function payloadProblem(mime: string, p: unknown): string | undefined {
  const o = p as Record<string, unknown> | null;
  if (!o || typeof o !== 'object') return 'the payload is not a JSON object';
  if (o.version !== 1) return `unsupported payload version ${JSON.stringify(o.version)} (this renderer reads version 1)`;
  const numbers = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'number' || x === null);
  if (mime.includes('distribution')) {
    if (!Array.isArray(o.labels) || !Array.isArray(o.series)) return 'a distribution needs "labels" and "series"';
    if (!(o.series as { values?: unknown }[]).every((s) => numbers(s?.values) && (s.values as unknown[]).length === (o.labels as unknown[]).length)) return 'every series needs as many numeric "values" as there are labels';
  } else if (mime.includes('curve')) {
    if (!numbers(o.x) || !Array.isArray(o.series)) return 'a curve needs numeric "x" and "series"';
    if (!(o.series as { y?: unknown }[]).every((s) => numbers(s?.y) && (s.y as unknown[]).length === (o.x as unknown[]).length)) return 'every series needs a numeric "y" as long as "x"';
  } else if (mime.includes('scene')) {
    if (typeof o.title !== 'string' || typeof o.numbers !== 'string' || !Array.isArray(o.charts)) return 'a scene snapshot needs "title", "numbers" and "charts"';
    for (const c of o.charts as { kind?: string }[]) {
      const problem = payloadProblem(c?.kind === 'curve' ? 'curve' : 'distribution', c);
      if (problem) return `chart: ${problem}`;
    }
  } else if (mime.includes('tensor')) {
    if (!Array.isArray(o.shape) || !numbers(o.data)) return 'a tensor needs "shape" and numeric "data"';
    if ((o.shape as number[]).reduce((a, b) => a * b, 1) !== (o.data as unknown[]).length) return `shape [${o.shape}] does not match ${(o.data as unknown[]).length} values`;
  }
  return undefined;
}
