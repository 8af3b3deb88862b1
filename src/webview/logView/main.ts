// Runs in the training-log webview (browser): keeps the decoded runs, draws one chart per metric with the
// shared figure builders, and re-draws on new points or when a control changes (one redraw per frame).
import type { FromLogView, ToLogView } from '../../protocol/logView';
import { appendSeries, seriesOf, type Run } from '../../logs/model';
import { themeFromCss } from '../../charts/theme';
import { DEFAULT_CURVE_OPTIONS, runsWithoutWallTimes, trainingFigures, type CurveOptions } from '../../charts/trainingCurves';
import { loadTranslations, t } from '../l10n';
import { button, checkbox, dropdown, slider } from '../ui/components';

const vscode = acquireVsCodeApi();
const post = (m: FromLogView) => vscode.postMessage(m);
const saved = vscode.getState() as Partial<CurveOptions> | undefined;
// This page loads the plotly bundle with scattergl: long series are drawn with WebGL.
const options: CurveOptions = { ...DEFAULT_CURVE_OPTIONS, ...saved, webgl: true };
const runs = new Map<string, Run>();
const charts = new Map<string, HTMLElement>();
const status = document.getElementById('status')!;
const controls = document.getElementById('controls')!;
loadTranslations(controls);
const grid = document.getElementById('charts')!;

let scheduled = false;
function redraw(): void {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => {
    scheduled = false;
    const theme = themeFromCss((name) => getComputedStyle(document.body).getPropertyValue(name));
    for (const figure of trainingFigures([...runs.values()], theme, options)) {
      let div = charts.get(figure.metric);
      if (!div) {
        div = document.createElement('div');
        div.className = 'chart';
        div.dataset.metric = figure.metric;
        grid.appendChild(div);
        charts.set(figure.metric, div);
        const target = div;
        div.appendChild(button(t('PNG'), async () => post({ type: 'savePng', metric: figure.metric, dataUrl: await Plotly.toImage(target.querySelector<HTMLElement>('.plot')!, { format: 'png', width: 900, height: 420 }) })));
        const plot = document.createElement('div');
        plot.className = 'plot';
        div.appendChild(plot);
      }
      void Plotly.react(div.querySelector<HTMLElement>('.plot')!, figure.data, figure.layout, { displaylogo: false, responsive: true });
    }
    const notes = [...runs.values()].flatMap((r) => Object.entries(r.skipped).map(([why, n]) => t('{0}: skipped {1} × {2}', r.name, n, why)));
    if (options.x === 'wall_time') notes.push(...runsWithoutWallTimes([...runs.values()]).map((name) => t('{0} has no wall times: its charts keep the step axis', name)));
    const points = [...runs.values()].reduce((n, r) => n + Object.values(r.scalars).reduce((m, s) => m + s.values.length, 0), 0);
    status.textContent = `${t('{0} run(s), {1} metric(s), {2} points', runs.size, charts.size, points)}${notes.length ? ' · ' + notes.join(' · ') : ''}`;
  });
}

function setOption<K extends keyof CurveOptions>(key: K, value: CurveOptions[K]): void {
  options[key] = value;
  vscode.setState(options);
  redraw();
}

controls.append(
  slider(t('Smoothing'), 0, 0.99, 0.01, options.smoothing, (v) => setOption('smoothing', v)),
  checkbox(t('Log scale'), options.logY, (v) => setOption('logY', v)),
  dropdown(t('X axis'), [{ value: 'step', label: t('Step') }, { value: 'wall_time', label: t('Wall time') }], options.x, (v) => setOption('x', v)),
  button(t('Export HTML report'), () => post({ type: 'exportHtml', smoothing: options.smoothing, logY: options.logY, x: options.x }), 'primary'),
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
  runs.set(m.run, run);
  redraw();
});

// Charts take their colours from the editor theme: redraw when VS Code swaps the body's theme class.
new MutationObserver(() => redraw()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
post({ type: 'ready' });
