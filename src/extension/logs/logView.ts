// "Loss Lab: Plot Training Log": a chart view of training logs (a file or a folder of runs) that follows
// the files while a run writes them, reading only what was appended.
import { readFileSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { htmlReport } from '../../charts/report';
import { LIGHT_THEME } from '../../charts/theme';
import { trainingFigures } from '../../charts/trainingCurves';
import { detectFormat, findLogFiles, LogFile } from '../../logs/files';
import { appendSeries, emptySeries, type Run, type Series } from '../../logs/model';
import { isFromLogView, type ToLogView } from '../../protocol/logView';
import { webviewHtml, webviewOptions } from '../webviewHtml';

const LOG_FILTERS = { 'Training logs': ['json', 'jsonl', 'csv', 'log', '*'] };

export async function plotTrainingLog(extensionUri: vscode.Uri, target?: vscode.Uri): Promise<LogView | undefined> {
  target ??= pickFromEditor() ?? (await pick());
  if (!target) return undefined;
  return new LogView(extensionUri, target);
}

function pickFromEditor(): vscode.Uri | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  return doc && doc.uri.scheme === 'file' && detectFormat(doc.uri.fsPath) ? doc.uri : undefined;
}

async function pick(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({ canSelectFiles: true, canSelectFolders: true, canSelectMany: false, filters: LOG_FILTERS, title: vscode.l10n.t('Training log or folder of runs') });
  return picked?.[0];
}

export class LogView implements vscode.Disposable {
  readonly panel: vscode.WebviewPanel;
  private readonly files = new Map<string, LogFile>();
  /** Points of each run/tag already sent to the view. */
  private readonly sent = new Map<string, number>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly root: string;
  private pending: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly extensionUri: vscode.Uri, target: vscode.Uri) {
    this.root = target.fsPath;
    this.panel = vscode.window.createWebviewPanel('lossLab.logView', `${vscode.l10n.t('Training curves')}: ${path.basename(this.root)}`, vscode.ViewColumn.Active, webviewOptions(extensionUri));
    this.panel.webview.html = webviewHtml(this.panel.webview, extensionUri, {
      title: 'Training curves',
      script: 'logView.js',
      body: '<div id="controls"></div><p id="status" role="status"></p><div id="charts"></div>',
      css: '#charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 10px; } .chart vscode-button { float: right; }',
    });
    this.panel.webview.onDidReceiveMessage((m) => this.onMessage(m), undefined, this.disposables);
    this.panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
    const base = vscode.Uri.file(detectFormat(this.root) ? path.dirname(this.root) : this.root);
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(base, detectFormat(this.root) ? path.basename(this.root) : '**/*'));
    const changed = () => this.scheduleRefresh();
    this.disposables.push(watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed));
  }

  private async onMessage(message: unknown): Promise<void> {
    if (!isFromLogView(message)) return;
    if (message.type === 'ready') {
      this.sent.clear();
      for (const f of this.files.values()) f.run.scalars = {};
      this.files.clear();
      await this.refresh();
    } else if (message.type === 'exportHtml') {
      await this.exportHtml(message.smoothing, message.logY, message.x);
    } else {
      const uri = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(path.join(path.dirname(this.root), `${message.metric.replace(/[^\w.-]+/g, '_')}.png`)), filters: { PNG: ['png'] } });
      if (uri) await vscode.workspace.fs.writeFile(uri, Buffer.from(message.dataUrl.split(',')[1], 'base64'));
    }
  }

  private scheduleRefresh(): void {
    clearTimeout(this.pending);
    this.pending = setTimeout(() => void this.refresh(), 200);
  }

  private runName(file: string): string {
    const dir = detectFormat(this.root) ? path.dirname(this.root) : this.root;
    const unit = detectFormat(file) === 'tfevents' ? path.dirname(file) : file;
    return path.relative(dir, unit) || path.basename(unit);
  }

  /** Reads new data of every log under the target and sends the appended points. */
  private async refresh(): Promise<void> {
    try {
      for (const file of findLogFiles(this.root)) {
        if (!this.files.has(file)) this.files.set(file, new LogFile(file, detectFormat(file)!, this.runName(file)));
        const run = await this.files.get(file)!.read();
        this.post(run);
      }
    } catch (error) {
      this.postMessage({ type: 'error', message: vscode.l10n.t('Could not read {0}: {1}', this.root, error instanceof Error ? error.message : String(error)) });
    }
  }

  private post(run: Run): void {
    const points: Record<string, Series> = {};
    for (const [tag, all] of Object.entries(run.scalars)) {
      const key = `${run.name}\u0000${tag}`;
      const already = this.sent.get(key) ?? 0;
      const n = all.values.length;
      // Formats that are re-read whole (CSV, trainer_state) may restart: then send everything again.
      const from = n < already ? 0 : already;
      if (n > from) points[tag] = { steps: all.steps.slice(from), wallTimes: all.wallTimes.slice(from), values: all.values.slice(from) };
      this.sent.set(key, n);
    }
    this.postMessage({ type: 'points', run: run.name, points, skipped: run.skipped });
  }

  private postMessage(message: ToLogView): void {
    void this.panel.webview.postMessage(message);
  }

  private async exportHtml(smoothing: number, logY: boolean, x: 'step' | 'wall_time'): Promise<void> {
    const uri = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(path.join(path.dirname(this.root), 'training-report.html')), filters: { HTML: ['html'] } });
    if (!uri) return;
    const runs = mergeRuns([...this.files.values()].map((f) => f.run));
    const plotly = readFileSync(vscode.Uri.joinPath(this.extensionUri, 'dist', 'plotly.min.js').fsPath, 'utf8');
    await fs.writeFile(uri.fsPath, htmlReport(`Training curves: ${path.basename(this.root)}`, trainingFigures(runs, LIGHT_THEME, { smoothing, logY, x }), plotly));
    void vscode.window.showInformationMessage(vscode.l10n.t('Wrote {0}', uri.fsPath));
  }

  dispose(): void {
    clearTimeout(this.pending);
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

function mergeRuns(runs: Run[]): Run[] {
  const byName = new Map<string, Run>();
  for (const r of runs) {
    const m = byName.get(r.name);
    if (!m) byName.set(r.name, { ...r, scalars: { ...r.scalars } });
    else for (const [t, p] of Object.entries(r.scalars)) appendSeries((m.scalars[t] ??= emptySeries()), p);
  }
  return [...byName.values()];
}
