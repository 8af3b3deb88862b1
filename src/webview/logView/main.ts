// Runs in the training-log webview (browser): keeps the decoded runs, draws one chart per metric with the
// shared figure builders (every run's curves, or a band per group of runs), the run list and filters, and the
// runs table; re-draws on new points or when a control changes (one redraw per frame). What it shows and the
// colours set are remembered with the view and sent with every export, so the files match the charts.
//
// Lazy: the host lists every run first; the view asks for the scalars of the runs it shows (ticked and passing
// the run filter). Of a folder's runs, the first FIRST_SHOWN are ticked and the rest listed unticked, each
// read when ticked; and a chart is drawn only when it comes near the viewport (a placeholder of its height
// until then), so a folder of thousands of runs and tags paints its first charts at once.
import { FIRST_SHOWN, type ExportSettings, type FromLogView, type ListedRun, type ToLogView } from '../../protocol/logView';
import { appendSeries, seriesOf, type Run } from '../../logs/model';
import { themeFromCss } from '../../charts/theme';
import { DEFAULT_SELECTION, isGrouped, selectRuns, viewFigures, xAxisNotes, type CurveSelection } from '../../charts/curveView';
import { DEFAULT_CURVE_OPTIONS, isTimeAxis, runsWithoutWallTimes, type CurveOptions } from '../../charts/trainingCurves';
import { monotoneTags, type XAxis } from '../../logs/xAxis';
import { loadTranslations, t } from '../l10n';
import { button, checkbox, dropdown, setDropdownOptions, slider } from '../ui/components';
import { SelectionControls } from './selectionControls';
import { RunsTableView, type TableState } from './runsTableView';
import { ChartGrid } from './chartGrid';

interface ViewState {
  options: Partial<CurveOptions>;
  selection: CurveSelection;
  table: TableState;
  /** Every run listed so far: a run listed later than the first FIRST_SHOWN starts unticked. */
  seen: string[];
}

const vscode = acquireVsCodeApi();
const post = (m: FromLogView) => vscode.postMessage(m);
const saved = vscode.getState() as Partial<ViewState> | undefined;
// This page loads the plotly bundle with scattergl: long series are drawn with WebGL.
const options: CurveOptions = { ...DEFAULT_CURVE_OPTIONS, colors: {}, ...saved?.options, webgl: true };
const selection: CurveSelection = { ...DEFAULT_SELECTION, ...saved?.selection };
const table: TableState = { sort: { key: 'run', descending: false }, colorBy: '', ...saved?.table };
const runs = new Map<string, Run>();
let listed: ListedRun[] = [];
const seen = new Set(saved?.seen);
/** Runs asked of the host and not yet received. */
const requested = new Set<string>();
const status = document.getElementById('status')!;
const controls = document.getElementById('controls')!;
loadTranslations(controls);
const grid = document.getElementById('charts')!;

function remember(): void {
  vscode.setState({ options: { smoothing: options.smoothing, smoother: options.smoother, logY: options.logY, x: options.x, colors: options.colors }, selection, table, seen: [...seen] } satisfies ViewState);
}

/** Asks the host for the listed runs that are shown (ticked, passing the run filter) and not read yet. */
function loadShown(): void {
  const unread = listed.filter((r) => !runs.has(r.name) && !requested.has(r.name)).map((r) => ({ name: r.name, format: 'jsonl' as const, scalars: {}, skipped: {} }));
  const wanted = selectRuns(unread, selection).sources.map((r) => r.name);
  if (!wanted.length) return;
  for (const name of wanted) requested.add(name);
  post({ type: 'load', runs: wanted });
}

/** A new run list: runs beyond the first FIRST_SHOWN ever listed start unticked; the shown ones are asked for. */
function listRuns(list: ListedRun[]): void {
  listed = list;
  const hidden = new Set(selection.hidden);
  for (const { name } of list) {
    if (seen.has(name)) continue;
    if (seen.size >= FIRST_SHOWN) hidden.add(name);
    seen.add(name);
  }
  selection.hidden = [...hidden];
  remember();
  loadShown();
  redraw();
}

const selectionControls = new SelectionControls({ selection, colors: options.colors, changed: () => (remember(), loadShown(), redraw()) });
document.getElementById('selection')!.append(selectionControls.element);
const tableView = new RunsTableView(table, () => (remember(), redraw()));
document.getElementById('runs-table')!.append(tableView.element);

const chartGrid = new ChartGrid(grid, (metric, plot, height) => void Plotly.toImage(plot, { format: 'png', width: 900, height }).then((dataUrl) => post({ type: 'savePng', metric, dataUrl })));

let afterPaintTask: (() => void) | undefined;
/** Runs `task` once the next frame is painted; a later call before then replaces it. */
function afterPaint(task: () => void): void {
  const pending = afterPaintTask !== undefined;
  afterPaintTask = task;
  if (pending) return;
  requestAnimationFrame(() =>
    setTimeout(() => {
      const run = afterPaintTask!;
      afterPaintTask = undefined;
      run();
    }),
  );
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
    // The legends are laid out for the charts' width: known once the grid has a chart (the first figures are
    // built again then).
    const width = chartGrid.width();
    let figures = viewFigures(selected, grouped, selection.band, theme, { ...options, width });
    if (width === undefined && figures.length) {
      chartGrid.place(figures);
      figures = viewFigures(selected, grouped, selection.band, theme, { ...options, width: chartGrid.width() });
    }
    chartGrid.show(figures);
    showXChoices(selected.sources);
    selectionControls.showErrors(selected.errors);
    const unread = listed.filter((r) => !runs.has(r.name));
    selectionControls.render(all, new Set(selected.runs.map((r) => r.name)), grouped ? selected.groups : undefined, unread);
    // The table (of hundreds of columns for a folder's tags) is laid out after the charts in view are painted.
    afterPaint(() => tableView.render(selected.runs, theme, options.colors));
    const notes = [...selected.errors, ...all.flatMap((r) => Object.entries(r.skipped).map(([why, n]) => t('{0}: skipped {1} × {2}', r.name, n, why)))];
    notes.push(...xAxisNotes(selected, grouped, options.x));
    if (isTimeAxis(options.x) && !grouped) notes.push(...runsWithoutWallTimes(selected.runs).map((name) => t('{0} has no wall times: its charts keep the step axis', name)));
    const points = all.reduce((n, r) => n + Object.values(r.scalars).reduce((m, s) => m + s.values.length, 0), 0);
    const hidden = all.length - selected.runs.length;
    const filtered = hidden ? ` · ${t('{0} hidden by the filters', hidden)}` : '';
    const groups = grouped ? ` · ${t('{0} group(s)', selected.groups.length)}` : '';
    const reading = unread.filter((r) => requested.has(r.name)).length;
    const notRead = (unread.length > reading ? ` · ${t('{0} more listed, not read (tick one to read it)', unread.length - reading)}` : '') + (reading ? ` · ${t('{0} being read', reading)}` : '');
    status.textContent = `${t('{0} run(s), {1} metric(s), {2} points', runs.size, chartGrid.size, points)}${notRead}${filtered}${groups}${notes.length ? ' · ' + notes.join(' · ') : ''}`;
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
  if (m.type === 'runs') {
    listRuns(m.runs);
    return;
  }
  if (m.type === 'error') {
    status.textContent = m.message;
    status.classList.add('error');
    return;
  }
  for (const update of m.runs) {
    const run = runs.get(update.run) ?? { name: update.run, format: 'jsonl', scalars: {}, skipped: {} };
    for (const [tag, series] of Object.entries(update.points)) appendSeries(seriesOf(run, tag), series);
    run.skipped = update.skipped;
    run.hparams = update.hparams;
    runs.set(update.run, run);
    requested.delete(update.run);
  }
  redraw();
});

// Charts take their colours from the editor theme: redraw when VS Code swaps the body's theme class.
new MutationObserver(() => redraw()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
// A narrower or wider window wraps the legends into other rows: lay them out again.
window.addEventListener('resize', () => redraw());
post({ type: 'ready' });
