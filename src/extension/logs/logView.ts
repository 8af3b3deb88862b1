// "Loss Lab: Plot Training Log": a chart view of training logs (a file or a folder of runs) that follows
// the folder while runs write it. Every run found is listed at once (name and bytes, no reading); scalars
// are read only for the runs the view shows, and then followed, reading only what was appended.
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { detectFormat, findLogFiles, LogFile, LogFileError, mergeInto } from '../../logs/files';
import { addHparams, foldHparamsSessions, sessionParent } from '../../logs/hparams';
import { sideHparams } from '../../logs/hparamsFiles';
import { emptyRun, type Run } from '../../logs/model';
import { FIRST_SHOWN, type ListedRun } from '../../protocol/logView';
import { CurvePanel } from '../curves/curvePanel';

/**
 * The open dialog lists folders and the files these extensions match: trainer_state.json, metrics.json,
 * *.jsonl, *.csv, training.log. (TensorBoard event files have no extension: pick their run folder.)
 */
const LOG_FILTERS = { 'Training logs': ['json', 'jsonl', 'csv', 'log'] };
/** Runs read at once: the disk stays busy while one is decoded. */
const CONCURRENT_RUNS = 8;
/** The runs read so far are sent at least this often while a long list of runs is read. */
const SEND_EVERY_MS = 250;

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
  /** Runs the view shows (it asked for them): only their files are read. */
  private readonly wanted = new Set<string>();
  /** Runs asked for and not read yet. */
  private readonly asked = new Set<string>();
  /** The runs found, each with its own files and those of its add_hparams session folders. */
  private units = new Map<string, { name: string; files: string[] }[]>();
  /** The folder changed (or the view reloaded): list it again and read on in every shown run. */
  private changed = true;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly root: string;
  private pending: ReturnType<typeof setTimeout> | undefined;
  /** One refresh at a time (a LogFile reads on from where it was); a request meanwhile runs another after it. */
  private reading = false;
  private again = false;
  private restart = false;
  /** The page said it was ready; until then the runs it ticks on opening are read ahead. */
  private pageLoaded = false;
  /** The page just loaded: send the runs it ticks on opening (FIRST_SHOWN), read ahead, without waiting for it to ask. */
  private pushFirst = false;

  constructor(extensionUri: vscode.Uri, target: vscode.Uri) {
    this.root = target.fsPath;
    const isFile = detectFormat(this.root) !== undefined;
    this.curves = new CurvePanel(extensionUri, `${vscode.l10n.t('Training curves')}: ${path.basename(this.root)}`, path.dirname(this.root), {
      // The view loaded: it gets the run list read ahead and the points of the runs it ticks on opening, unasked.
      // Reloaded, it starts over from the beginning of every file.
      ready: () => {
        if (this.pageLoaded) this.restart = this.changed = true;
        else this.pushFirst = true;
        this.pageLoaded = true;
        void this.refresh();
      },
      load: (runs) => {
        for (const run of runs) {
          if (!this.wanted.has(run)) this.asked.add(run);
          this.wanted.add(run);
        }
        void this.refresh();
      },
    });
    const base = vscode.Uri.file(isFile ? path.dirname(this.root) : this.root);
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(base, isFile ? path.basename(this.root) : '**/*'));
    const changed = () => this.scheduleRefresh();
    this.disposables.push(watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed));
    this.curves.panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
    void this.refresh();
  }

  private scheduleRefresh(): void {
    this.changed = true;
    clearTimeout(this.pending);
    this.pending = setTimeout(() => void this.refresh(), 200);
  }

  private runName(file: string): string {
    const dir = detectFormat(this.root) ? path.dirname(this.root) : this.root;
    const unit = detectFormat(file) === 'tfevents' ? path.dirname(file) : file;
    return path.relative(dir, unit) || path.basename(unit);
  }

  private async refresh(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = true;
    try {
      do {
        this.again = false;
        await this.readShown();
      } while (this.again);
    } finally {
      this.reading = false;
    }
  }

  /**
   * After a change, lists every run under the target and reads on in the runs shown; otherwise reads the runs
   * just asked for; before the page is ready, reads ahead the runs it ticks on opening (sent once it is). Up
   * to CONCURRENT_RUNS runs are read at once; the runs read are sent together, in path order, at most
   * SEND_EVERY_MS apart (so the view draws a screen of runs at once, not once per run).
   */
  private async readShown(): Promise<void> {
    if (this.restart) {
      this.restart = false;
      this.files.clear();
    }
    try {
      const changed = this.changed;
      this.changed = false;
      if (changed) await this.list();
      const read = changed ? this.wanted : new Set(this.asked);
      this.asked.clear();
      if (this.pushFirst && this.pageLoaded) {
        this.pushFirst = false;
        for (const unit of [...this.units.keys()].slice(0, FIRST_SHOWN)) {
          this.wanted.add(unit);
          read.add(unit);
        }
      }
      const unreadable: string[] = [];
      const ahead = !this.pageLoaded;
      const todo = ahead ? [...this.units].slice(0, FIRST_SHOWN) : [...this.units].filter(([unit]) => read.has(unit));
      const done: (Run[] | undefined)[] = new Array(todo.length);
      let sent = 0;
      let sentAt = Date.now();
      const send = () => {
        const batch: Run[] = [];
        for (; sent < todo.length && done[sent]; sent++) batch.push(...done[sent]!);
        if (!batch.length || ahead) return;
        this.curves.update(batch);
        sentAt = Date.now();
      };
      let next = 0;
      const worker = async () => {
        while (next < todo.length) {
          const k = next++;
          const runs: Run[] = [];
          for (const { name, files } of todo[k][1]) runs.push(await this.readRun(name, files, unreadable));
          done[k] = foldHparamsSessions(runs);
          if (Date.now() - sentAt >= SEND_EVERY_MS) send();
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENT_RUNS, todo.length) }, worker));
      send();
      if (unreadable.length) this.curves.showError(unreadable.join(' · '));
    } catch (error) {
      this.curves.showError(vscode.l10n.t('Could not read {0}: {1}', this.root, error instanceof Error ? error.message : String(error)));
    }
  }

  /** Finds the runs under the target (event files of one folder are one run; an add_hparams session folder belongs to its run) and sends the list. */
  private async list(): Promise<void> {
    const filesOf = new Map<string, string[]>();
    for (const file of findLogFiles(this.root)) {
      const name = this.runName(file);
      filesOf.set(name, [...(filesOf.get(name) ?? []), file]);
    }
    const unitOf = (name: string) => {
      const parent = sessionParent(name);
      return parent !== undefined && filesOf.has(parent) ? parent : name;
    };
    const units = new Map<string, { name: string; files: string[] }[]>();
    for (const [name, files] of filesOf) units.set(unitOf(name), [...(units.get(unitOf(name)) ?? []), { name, files }]);
    const sizes = await Promise.all([...units.values()].map(async (raw) => (await Promise.all(raw.flatMap((r) => r.files).map((f) => stat(f).then((st) => st.size, () => 0)))).reduce((a, b) => a + b, 0)));
    this.units = units;
    this.curves.list([...units.keys()].map((name, i): ListedRun => ({ name, bytes: sizes[i] })));
  }

  /** What was appended to the files of the run `name` (event files merged in file order). */
  private async readRun(name: string, files: string[], unreadable: string[]): Promise<Run> {
    let merged: Run | undefined;
    for (const file of files) {
      if (!this.files.has(file)) this.files.set(file, new LogFile(file, detectFormat(file) ?? 'jsonl', name));
      let run: Run;
      try {
        run = await this.files.get(file)!.read();
      } catch (error) {
        // One unreadable file never takes the folder down: it is named in the status line, the rest shown.
        unreadable.push(error instanceof LogFileError ? vscode.l10n.t('Skipped {0}: {1}', path.basename(error.file), error.reason) : String(error));
        this.files.delete(file);
        continue;
      }
      merged ??= emptyRun(name, run.format);
      mergeInto(merged, run);
      // hparams.yaml, training_args.json, config.json beside the log.
      const side = await sideHparams(file, run.format, (f, reason) => unreadable.push(vscode.l10n.t('Skipped {0}: {1}', path.basename(f), reason)));
      if (side) addHparams(merged, side);
    }
    return merged ?? emptyRun(name, detectFormat(files[0]) ?? 'jsonl');
  }

  dispose(): void {
    clearTimeout(this.pending);
    for (const d of this.disposables.splice(0)) d.dispose();
    this.curves.dispose();
  }
}
