// Figures of grouped runs: per metric, each group's mean (of its members' smoothed curves) as a line, with a
// ± std or min–max band, and the member count in the legend. A group of one is its run's line. On the step
// axis always: members' wall times differ, so bands over wall time would average different moments.
import { smoothedBand, type Band } from '../logs/bands';
import type { Smoother } from '../logs/smoothing';
import type { RunGroup } from '../logs/groups';
import type { Run } from '../logs/model';
import { runColor } from './runColors';
import type { ChartTheme } from './theme';
import { compareMetrics, metricLayout, metricOf, smoothingFor, type CurveOptions, type Figure } from './trainingCurves';

export type BandKind = 'std' | 'minmax';

/** `#rrggbb` → `rgba(r, g, b, alpha)` for the band's fill. */
function translucent(hex: string, alpha: number): string {
  const h = hex.length === 4 ? hex.replace(/^#(.)(.)(.)$/, '#$1$1$2$2$3$3') : hex;
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

/** The band of `tag` over `members` (their smoothed curves), or undefined when no member logged it. */
export function groupBand(members: readonly Run[], tag: string, smoothing: number, smoother: Smoother = 'ema'): Band | undefined {
  const curves = members.filter((r) => Object.hasOwn(r.scalars, tag) && r.scalars[tag].values.length).map((r) => r.scalars[tag]);
  return curves.length ? smoothedBand(curves, smoother, smoothing) : undefined;
}

function bandTraces(group: RunGroup, tag: string, band: Band, kind: BandKind, color: string, webgl: boolean): Record<string, unknown>[] {
  const { split } = metricOf(tag);
  const size = Math.max(...band.count);
  const name = `${group.name} (n=${size}) · ${tag}`;
  const type = webgl && band.steps.length > 2000 ? 'scattergl' : 'scatter';
  const x = Array.from(band.steps);
  const lower = Array.from(band.mean, (m, i) => (kind === 'std' ? m - band.std[i] : band.min[i]));
  const upper = Array.from(band.mean, (m, i) => (kind === 'std' ? m + band.std[i] : band.max[i]));
  const label = kind === 'std' ? '± std' : 'min–max';
  const common = { type, mode: 'lines', x, legendgroup: name, showlegend: false, hoverinfo: 'skip' };
  return [
    { ...common, y: lower, line: { width: 0, color }, name: `${name} ${label} lower` },
    { ...common, y: upper, line: { width: 0, color }, fill: 'tonexty', fillcolor: translucent(color, 0.25), name: `${name} ${label}` },
    {
      type,
      mode: x.length > 1 ? 'lines' : 'markers',
      x,
      y: Array.from(band.mean),
      customdata: Array.from(band.count),
      name,
      legendgroup: name,
      line: { color, width: 2, dash: split === 'eval' ? 'dash' : 'solid' },
      marker: { color },
      hovertemplate: `${name}<br>step %{x}: mean %{y:.6g} over %{customdata} run(s)<extra></extra>`,
    },
  ];
}

/** One figure per metric over the groups (members looked up in `runs` by name), losses first. */
export function bandFigures(runs: readonly Run[], groups: readonly RunGroup[], theme: ChartTheme, o: CurveOptions, kind: BandKind): Figure[] {
  const byName = new Map(runs.map((r) => [r.name, r]));
  const byMetric = new Map<string, { data: Record<string, unknown>[]; values: number[] }>();
  for (const group of groups) {
    const members = group.runs.map((n) => byName.get(n)).filter((r): r is Run => r !== undefined);
    const tags = [...new Set(members.flatMap((r) => Object.keys(r.scalars).filter((t) => r.scalars[t].values.length)))];
    const color = runColor(group.name, o.colors);
    for (const tag of tags) {
      const { metric } = metricOf(tag);
      const band = groupBand(members, tag, smoothingFor(metric, o.smoothing), o.smoother);
      if (!band) continue;
      const entry = byMetric.get(metric) ?? { data: [], values: [] };
      entry.data.push(...bandTraces(group, tag, band, kind, color, o.webgl));
      for (let i = 0; i < band.mean.length; i++) entry.values.push(kind === 'std' ? band.mean[i] - band.std[i] : band.min[i], kind === 'std' ? band.mean[i] + band.std[i] : band.max[i]);
      byMetric.set(metric, entry);
    }
  }
  const metrics = [...byMetric.keys()].sort(compareMetrics);
  const axis = { title: o.x === 'step' ? 'step' : 'step (bands are drawn over steps)', type: 'linear' as const };
  return metrics.map((metric) => ({ metric, data: byMetric.get(metric)!.data, layout: metricLayout(metric, theme, o, byMetric.get(metric)!.values, axis, byMetric.get(metric)!.data) }));
}
