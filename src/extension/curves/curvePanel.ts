// A webview panel of training curves (the logView page): keeps the run list and the runs it has shown, sends
// only new points, passes the page's requests for runs on, and answers its export requests (HTML report, CSV,
// JSON, PNG). Used by the log viewer.
import { readFileSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { htmlReport } from '../../charts/report';
import { isGrouped, selectRuns, viewFigures } from '../../charts/curveView';
import { LIGHT_THEME } from '../../charts/theme';
import { DEFAULT_CURVE_OPTIONS } from '../../charts/trainingCurves';
import { scalarsCsv, scalarsJson } from '../../logs/export';
import { appendSeries, emptySeries, packSeries, seriesOf, type Run, type Series } from '../../logs/model';
import { isFromLogView, type ExportSettings, type ListedRun, type ToLogView } from '../../protocol/logView';
import { l10nAttribute, webviewHtml, webviewOptions } from '../webviewHtml';

const CSS = `#charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 10px; }
.chart { display: flex; flex-direction: column; } .chart-head { display: flex; justify-content: flex-end; height: 28px; }
#selection { display: flex; flex-wrap: wrap; gap: 6px 14px; align-items: center; margin: 6px 0; }
#selection input[type=text], #runs-table select { background: var(--vscode-input-background); color: var(--vscode-input-foreground); border: 1px solid var(--vscode-input-border, var(--vscode-widget-border, transparent)); padding: 2px 4px; font: inherit; }
#selection input[type=text] { width: 16em; } #selection input.invalid { outline: 1px solid var(--vscode-inputValidation-errorBorder, red); }
details { width: 100%; } summary { cursor: pointer; margin: 4px 0; }
.run-list { display: grid; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); gap: 2px 12px; max-height: 14em; overflow: auto; }
.run-row { display: flex; align-items: center; gap: 6px; } .run-row input[type=color] { width: 22px; height: 18px; padding: 0; border: none; background: none; }
.run-row .count { opacity: 0.7; margin-left: auto; } .run-row.filtered { opacity: 0.45; }
table.runs { border-collapse: collapse; margin: 6px 0; font-variant-numeric: tabular-nums; }
table.runs th, table.runs td { border-bottom: 1px solid var(--vscode-widget-border, #8884); padding: 2px 8px; text-align: right; white-space: nowrap; }
table.runs th:first-child, table.runs td:first-child { text-align: left; }
table.runs th button { all: unset; cursor: pointer; font-weight: 600; } table.runs th[aria-sort] button::after { content: attr(data-arrow); margin-left: 3px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
`;

/** What the panel's owner does for the page. */
export interface CurveSource {
  /** The page (re)loaded and wants its data from the start. */
  ready(): void;
  /** The page shows these listed runs: read their scalars and keep following them. */
  load(runs: string[]): void;
}

export class CurvePanel implements vscode.Disposable {
  readonly panel: vscode.WebviewPanel;
  /** Everything shown so far, by run name (the page holds the same). */
  private readonly runs = new Map<string, Run>();
  private listed: ListedRun[] = [];
  private listedKey = '';
  private readonly disposables: vscode.Disposable[] = [];
  /** Nothing is posted before the page says it is ready: it gets everything then (no doubled points). */
  private ready = false;

  constructor(private readonly extensionUri: vscode.Uri, title: string, private readonly saveDir: string, private readonly source: CurveSource) {
    this.panel = vscode.window.createWebviewPanel('lossLab.curves', title, vscode.ViewColumn.Active, webviewOptions(extensionUri));
    this.panel.webview.html = webviewHtml(this.panel.webview, extensionUri, {
      title,
      script: 'logView.js',
      // scattergl for long curves (the other pages keep the smaller basic bundle).
      plotly: 'plotly-gl.min.js',
      body: `<div id="controls"${l10nAttribute()}></div><div id="selection"></div><p id="status" role="status"></p><div id="charts"></div><div id="runs-table"></div>`,
      css: CSS,
    });
    this.panel.webview.onDidReceiveMessage((m) => this.onMessage(m), undefined, this.disposables);
  }

  /** Sends the run list when it changed (runs appeared or grew). */
  list(runs: ListedRun[]): void {
    const key = JSON.stringify(runs);
    if (key === this.listedKey) return;
    this.listed = runs;
    this.listedKey = key;
    this.post({ type: 'runs', runs });
  }

  /** Sends, in one message, the points of `runs` not yet shown (all of them again for a run that restarted, e.g. a rewritten CSV). */
  update(runs: readonly Run[]): void {
    if (!runs.length) return;
    const updates = runs.map((run) => this.unshown(run));
    const packed = packSeries(updates.flatMap((u) => u.parts));
    let k = 0;
    const message: ToLogView = {
      type: 'points',
      runs: updates.map(({ run, parts }) => ({ run: run.name, points: Object.fromEntries(parts.map((p) => [p.tag, packed[k++]])), skipped: run.skipped, hparams: run.hparams })),
    };
    this.post(message);
  }

  /** The tags of `run` with points not yet shown, and from where; from now on they count as shown. */
  private unshown(run: Run): { run: Run; parts: { tag: string; series: Series; from: number }[] } {
    const shown = this.runs.get(run.name) ?? { ...run, scalars: {} };
    const parts: { tag: string; series: Series; from: number }[] = [];
    for (const [tag, all] of Object.entries(run.scalars)) {
      const have = seriesOf(shown, tag);
      const from = all.values.length < have.values.length ? 0 : have.values.length;
      if (from === 0 && have.values.length) shown.scalars[tag] = emptySeries();
      if (all.values.length > from) {
        parts.push({ tag, series: all, from });
        appendSeries(shown.scalars[tag], all, from);
      }
    }
    shown.skipped = run.skipped;
    shown.hparams = run.hparams;
    this.runs.set(run.name, shown);
    return { run, parts };
  }

  showError(message: string): void {
    this.post({ type: 'error', message });
  }

  private post(message: ToLogView): void {
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  private async onMessage(message: unknown): Promise<void> {
    if (!isFromLogView(message)) return;
    if (message.type === 'ready') {
      // A (re)loaded page has nothing: replay what was recorded, then let the owner continue.
      this.ready = true;
      this.post({ type: 'runs', runs: this.listed });
      const shown = [...this.runs.values()];
      this.runs.clear();
      this.update(shown);
      this.source.ready();
    } else if (message.type === 'load') {
      this.source.load(message.runs);
    } else if (message.type === 'exportHtml') {
      const uri = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(path.join(this.saveDir, 'training-report.html')), filters: { HTML: ['html'] } });
      if (!uri) return;
      const plotly = readFileSync(vscode.Uri.joinPath(this.extensionUri, 'dist', 'plotly.min.js').fsPath, 'utf8');
      const selected = selectRuns([...this.runs.values()], message.selection);
      const figures = viewFigures(selected, isGrouped(message.selection), message.selection.band, LIGHT_THEME, this.curveOptions(message));
      await fs.writeFile(uri.fsPath, htmlReport(this.panel.title, figures, plotly, selected.errors));
      void vscode.window.showInformationMessage(vscode.l10n.t('Wrote {0}', uri.fsPath));
    } else if (message.type === 'exportScalars') {
      const uri = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(path.join(this.saveDir, `scalars.${message.format}`)), filters: message.format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] } });
      if (!uri) return;
      const { runs } = selectRuns([...this.runs.values()], message.selection);
      await fs.writeFile(uri.fsPath, message.format === 'csv' ? scalarsCsv(runs) : JSON.stringify(scalarsJson(runs)) + '\n');
      void vscode.window.showInformationMessage(vscode.l10n.t('Wrote {0}', uri.fsPath));
    } else {
      const uri = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(path.join(this.saveDir, `${message.metric.replace(/[^\w.-]+/g, '_')}.png`)), filters: { PNG: ['png'] } });
      if (!uri) return;
      await vscode.workspace.fs.writeFile(uri, Buffer.from(message.dataUrl.split(',')[1], 'base64'));
      void vscode.window.showInformationMessage(vscode.l10n.t('Wrote {0}', uri.fsPath));
    }
  }

  private curveOptions(m: ExportSettings) {
    return { ...DEFAULT_CURVE_OPTIONS, smoothing: m.smoothing, smoother: m.smoother, logY: m.logY, x: m.x, colors: m.colors };
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
