// Runs in the training-log webview (browser): keeps the decoded runs, draws one chart per metric with the
// shared figure builders (every run's curves, or a band per group of runs), the run list and filters, and the
// runs table; re-draws on new points or when a control changes (one redraw per frame). What it shows and the
// colours set are remembered with the view and sent with every export, so the files match the charts.
import type { ExportSettings, FromLogView, ToLogView } from '../../protocol/logView';
import { appendSeries, seriesOf, type Run } from '../../logs/model';
import { themeFromCss } from '../../charts/theme';
import { DEFAULT_SELECTION, isGrouped, selectRuns, viewFigures, xAxisNotes, type CurveSelection } from '../../charts/curveView';
import { DEFAULT_CURVE_OPTIONS, isTimeAxis, runsWithoutWallTimes, type CurveOptions } from '../../charts/trainingCurves';
import { monotoneTags, type XAxis } from '../../logs/xAxis';
import { loadTranslations, t } from '../l10n';
import { button, checkbox, dropdown, setDropdownOptions, slider } from '../ui/components';
import { SelectionControls } from './selectionControls';
import { RunsTableView, type TableState } from './runsTableView';

interface ViewState {
  options: Partial<CurveOptions>;
  selection: CurveSelection;
  table: TableState;
}

const vscode = acquireVsCodeApi();
const post = (m: FromLogView) => vscode.postMessage(m);
const saved = vscode.getState() as Partial<ViewState> | undefined;
// This page loads the plotly bundle with scattergl: long series are drawn with WebGL.
const options: CurveOptions = { ...DEFAULT_CURVE_OPTIONS, colors: {}, ...saved?.options, webgl: true };
const selection: CurveSelection = { ...DEFAULT_SELECTION, ...saved?.selection };
const table: TableState = { sort: { key: 'run', descending: false }, colorBy: '', ...saved?.table };
const runs = new Map<string, Run>();
const charts = new Map<string, HTMLElement>();
const status = document.getElementById('status')!;
const controls = document.getElementById('controls')!;
loadTranslations(controls);
const grid = document.getElementById('charts')!;

function remember(): void {
  vscode.setState({ options: { smoothing: options.smoothing, smoother: options.smoother, logY: options.logY, x: options.x, colors: options.colors }, selection, table } satisfies ViewState);
}

const selectionControls = new SelectionControls({ selection, colors: options.colors, changed: () => (remember(), redraw()) });
document.getElementById('selection')!.append(selectionControls.element);
const tableView = new RunsTableView(table, () => (remember(), redraw()));
document.getElementById('runs-table')!.append(tableView.element);

function chartFor(metric: string): HTMLElement {
  let div = charts.get(metric);
  if (div) return div;
  div = document.createElement('div');
  div.className = 'chart';
  div.dataset.metric = metric;
  grid.appendChild(div);
  charts.set(metric, div);
  const plot = document.createElement('div');
  plot.className = 'plot';
  // As tall as drawn: the figure's height holds its legend.
  const height = () => (plot as HTMLElement & { layout?: { height?: number } }).layout?.height ?? 420;
  div.appendChild(button(t('PNG'), async () => post({ type: 'savePng', metric, dataUrl: await Plotly.toImage(plot, { format: 'png', width: 900, height: height() }) })));
  div.appendChild(plot);
  return div;
}

let scheduled = false;
function redraw(): void {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => {
    scheduled = false;
    const theme = themeFromCss((name) => getComputedStyle(document.body).getPropertyValue(name));
    const all = [...runs.values()];
    const selected = selectRuns(all, selection);
    const grouped = isGrouped(selection) && !selected.errors.some((e) => e.startsWith('Invalid group regex'));
    // The legends are laid out for the charts' width: known once a chart of the grid exists.
    const width = () => charts.values().next().value?.clientWidth || undefined;
    let figures = viewFigures(selected, grouped, selection.band, theme, { ...options, width: width() });
    if (figures.some((f) => !charts.has(f.metric))) {
      for (const f of figures) chartFor(f.metric);
      figures = viewFigures(selected, grouped, selection.band, theme, { ...options, width: width() });
    }
    // Charts of metrics no longer shown (a tag filter, unticked runs) are removed.
    const shown = new Set(figures.map((f) => f.metric));
    for (const [metric, div] of charts) {
      if (shown.has(metric)) continue;
      Plotly.purge(div.querySelector<HTMLElement>('.plot')!);
      div.remove();
      charts.delete(metric);
    }
    for (const figure of figures) {
      // Keep the charts in figure order (losses first) as metrics appear and return.
      const div = chartFor(figure.metric);
      grid.appendChild(div);
      void Plotly.react(div.querySelector<HTMLElement>('.plot')!, figure.data, figure.layout, { displaylogo: false, responsive: true });
    }
    showXChoices(selected.sources);
    selectionControls.showErrors(selected.errors);
    selectionControls.render(all, new Set(selected.runs.map((r) => r.name)), grouped ? selected.groups : undefined);
    tableView.render(selected.runs, theme, options.colors);
    const notes = [...selected.errors, ...all.flatMap((r) => Object.entries(r.skipped).map(([why, n]) => t('{0}: skipped {1} × {2}', r.name, n, why)))];
    notes.push(...xAxisNotes(selected, grouped, options.x));
    if (isTimeAxis(options.x) && !grouped) notes.push(...runsWithoutWallTimes(selected.runs).map((name) => t('{0} has no wall times: its charts keep the step axis', name)));
    const points = all.reduce((n, r) => n + Object.values(r.scalars).reduce((m, s) => m + s.values.length, 0), 0);
    const hidden = all.length - selected.runs.length;
    const filtered = hidden ? ` · ${t('{0} hidden by the filters', hidden)}` : '';
    const groups = grouped ? ` · ${t('{0} group(s)', selected.groups.length)}` : '';
    status.textContent = `${t('{0} run(s), {1} metric(s), {2} points', runs.size, charts.size, points)}${filtered}${groups}${notes.length ? ' · ' + notes.join(' · ') : ''}`;
  });
}

function setOption<K extends keyof CurveOptions>(key: K, value: CurveOptions[K]): void {
  options[key] = value;
  remember();
  redraw();
}

function exportSettings(): ExportSettings {
  return { smoothing: options.smoothing, smoother: options.smoother, logY: options.logY, x: options.x, colors: options.colors, selection };
}

const X_BUILT_IN = [
  { value: 'step', label: t('Step') },
  { value: 'wall_time', label: t('Wall time') },
  { value: 'relative', label: t('Relative time') },
];
const xAxis = dropdown<XAxis>(t('X axis'), X_BUILT_IN, options.x, (v) => setOption('x', v));
let xChoices = '';

/** The x-axis choices: step, the two times, and every tag that never decreases in a run (the chosen one kept). */
function showXChoices(sources: readonly Run[]): void {
  const tags = monotoneTags(sources);
  if (!X_BUILT_IN.some((o) => o.value === options.x) && !tags.includes(options.x)) tags.push(options.x);
  if (tags.join('\n') === xChoices) return;
  xChoices = tags.join('\n');
  setDropdownOptions(xAxis, [...X_BUILT_IN, ...tags.map((tag) => ({ value: tag, label: tag }))], options.x);
}

controls.append(
  slider(t('Smoothing'), 0, 0.99, 0.01, options.smoothing, (v) => setOption('smoothing', v)),
  dropdown(t('Smoother'), [{ value: 'ema', label: t('EMA (TensorBoard)') }, { value: 'time_ema', label: t('Time-weighted EMA') }, { value: 'moving_average', label: t('Centred moving average') }], options.smoother, (v) => setOption('smoother', v)),
  checkbox(t('Log scale'), options.logY, (v) => setOption('logY', v)),
  xAxis,
  button(t('Export HTML report'), () => post({ type: 'exportHtml', ...exportSettings() }), 'primary'),
  button(t('Export CSV'), () => post({ type: 'exportScalars', format: 'csv', ...exportSettings() })),
  button(t('Export JSON'), () => post({ type: 'exportScalars', format: 'json', ...exportSettings() })),
);

window.addEventListener('message', (event: MessageEvent<ToLogView>) => {
  const m = event.data;
  if (m.type === 'error') {
    status.textContent = m.message;
    status.classList.add('error');
    return;
  }
  const run = runs.get(m.run) ?? { name: m.run, format: 'jsonl', scalars: {}, skipped: {} };
  for (const [tag, series] of Object.entries(m.points)) appendSeries(seriesOf(run, tag), series);
  run.skipped = m.skipped;
  run.hparams = m.hparams;
  runs.set(m.run, run);
  redraw();
});

// Charts take their colours from the editor theme: redraw when VS Code swaps the body's theme class.
new MutationObserver(() => redraw()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
// A narrower or wider window wraps the legends into other rows: lay them out again.
window.addEventListener('resize', () => redraw());
post({ type: 'ready' });
