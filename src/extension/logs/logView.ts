// "Loss Lab: Plot Training Log": a chart view of training logs (a file or a folder of runs) that follows
// the files while a run writes them, reading only what was appended.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { detectFormat, findLogFiles, LogFile, LogFileError, mergeInto } from '../../logs/files';
import { addHparams, foldHparamsSessions } from '../../logs/hparams';
import { sideHparams } from '../../logs/hparamsFiles';
import { emptyRun, type Run } from '../../logs/model';
import { CurvePanel } from '../curves/curvePanel';

/**
 * The open dialog lists folders and the files these extensions match: trainer_state.json, metrics.json,
 * *.jsonl, *.csv, training.log. (TensorBoard event files have no extension: pick their run folder.)
 */
const LOG_FILTERS = { 'Training logs': ['json', 'jsonl', 'csv', 'log'] };

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
  const picked = await vscode.window.showOpenDialog({
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    canSelectFiles: true,
    canSelectFolders: true,
    canSelectMany: false,
    filters: LOG_FILTERS,
    title: vscode.l10n.t('Training log or folder of runs'),
  });
  return picked?.[0];
}

export class LogView implements vscode.Disposable {
  readonly curves: CurvePanel;
  private readonly files = new Map<string, LogFile>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly root: string;
  private pending: ReturnType<typeof setTimeout> | undefined;

  constructor(extensionUri: vscode.Uri, target: vscode.Uri) {
    this.root = target.fsPath;
    const isFile = detectFormat(this.root) !== undefined;
    this.curves = new CurvePanel(extensionUri, `${vscode.l10n.t('Training curves')}: ${path.basename(this.root)}`, path.dirname(this.root), () => {
      // The view (re)loaded: start over from the beginning of every file.
      this.files.clear();
      void this.refresh();
    });
    const base = vscode.Uri.file(isFile ? path.dirname(this.root) : this.root);
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(base, isFile ? path.basename(this.root) : '**/*'));
    const changed = () => this.scheduleRefresh();
    this.disposables.push(watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed));
    this.curves.panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
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

  /** Reads what was appended to every log under the target and sends it on. */
  private async refresh(): Promise<void> {
    try {
      // Event files of one folder are one run: merge them (in file order) before showing.
      const runs = new Map<string, Run>();
      const unreadable: string[] = [];
      for (const file of findLogFiles(this.root)) {
        if (!this.files.has(file)) this.files.set(file, new LogFile(file, detectFormat(file) ?? 'jsonl', this.runName(file)));
        let run: Run;
        try {
          run = await this.files.get(file)!.read();
        } catch (error) {
          // One unreadable file never takes the folder down: it is named in the status line, the rest shown.
          unreadable.push(error instanceof LogFileError ? vscode.l10n.t('Skipped {0}: {1}', path.basename(error.file), error.reason) : String(error));
          this.files.delete(file);
          continue;
        }
        const merged = runs.get(run.name) ?? emptyRun(run.name, run.format);
        mergeInto(merged, run);
        // hparams.yaml, training_args.json, config.json beside the log.
        const side = await sideHparams(file, run.format, (f, reason) => unreadable.push(vscode.l10n.t('Skipped {0}: {1}', path.basename(f), reason)));
        if (side) addHparams(merged, side);
        runs.set(run.name, merged);
      }
      for (const run of foldHparamsSessions([...runs.values()])) this.curves.update(run);
      if (unreadable.length) this.curves.showError(unreadable.join(' · '));
    } catch (error) {
      this.curves.showError(vscode.l10n.t('Could not read {0}: {1}', this.root, error instanceof Error ? error.message : String(error)));
    }
  }

  dispose(): void {
    clearTimeout(this.pending);
    for (const d of this.disposables.splice(0)) d.dispose();
    this.curves.dispose();
  }
}
