// A parallel-coordinates chart of the runs table: one axis per hyperparameter column (text values placed at
// evenly spaced ticks), then the chosen metric, with each run's line coloured by that metric (Viridis: dark is
// low, yellow high; the metric's own axis is the scale: plotly's colour bar sets a style attribute, which the
// webview's CSP refuses). Pure.
import type { ChartTheme } from './theme';
import type { Column, RunsTable } from './runsTable';

export interface ParallelFigure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
}

/** Metric columns the chart can colour by: last and min columns with at least one value. */
export function metricColumns(table: RunsTable): Column[] {
  return table.columns.filter((c) => c.kind !== 'hparam' && table.rows.some((r) => typeof r.cells[c.key] === 'number'));
}

function dimension(table: RunsTable, column: Column): Record<string, unknown> | undefined {
  const cells = table.rows.map((r) => r.cells[column.key]);
  if (cells.every((c) => c === undefined)) return undefined;
  if (cells.every((c) => c === undefined || typeof c === 'number')) {
    return { label: column.label, values: cells.map((c) => (c === undefined ? NaN : c)) };
  }
  const texts = [...new Set(cells.filter((c) => c !== undefined).map(String))].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  return { label: column.label, values: cells.map((c) => (c === undefined ? NaN : texts.indexOf(String(c)))), tickvals: texts.map((_, i) => i), ticktext: texts, range: [-0.5, Math.max(0.5, texts.length - 0.5)] };
}

/** The chart, or undefined when the table has no hyperparameter column or `colorBy` names no metric column. */
export function parallelCoordinates(table: RunsTable, colorBy: string, theme: ChartTheme): ParallelFigure | undefined {
  const metric = table.columns.find((c) => c.key === colorBy && c.kind !== 'hparam');
  const hparams = table.columns.filter((c) => c.kind === 'hparam');
  if (!metric || !hparams.length) return undefined;
  const dimensions = [...hparams, metric].map((c) => dimension(table, c)).filter((d): d is Record<string, unknown> => d !== undefined);
  const color = table.rows.map((r) => (typeof r.cells[metric.key] === 'number' ? (r.cells[metric.key] as number) : NaN));
  return {
    data: [{ type: 'parcoords', dimensions, line: { color, colorscale: 'Viridis', showscale: false }, labelfont: { color: theme.foreground }, tickfont: { color: theme.foreground }, rangefont: { color: theme.foreground } }],
    layout: { paper_bgcolor: theme.background, plot_bgcolor: theme.background, font: { color: theme.foreground, family: theme.font, size: 11 }, margin: { l: 60, r: 80, t: 50, b: 25 }, height: 340 },
  };
}
