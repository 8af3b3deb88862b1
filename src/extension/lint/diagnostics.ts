// Loss-lint diagnostics for Python files and the Python cells of notebooks, re-linted (in the lint worker)
// a moment after the user stops typing. Keeps each document's findings for the hover and the quick fixes.
import * as vscode from 'vscode';
import { joinCells, splitFindings } from '../../lint/cells';
import type { LintClient } from '../../lint/client';
import type { Finding } from '../../lint/lint';
import { lintSettings } from './settings';

const DEBOUNCE_MS = 250;
export const LINT_SOURCE = 'Loss Lab';

export class LintDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('lossLab.lint');
  private readonly findings = new Map<string, Finding[]>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [this.collection];

  constructor(private readonly client: LintClient, private readonly readme: vscode.Uri) {
    const w = vscode.workspace;
    this.disposables.push(
      w.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      w.onDidChangeTextDocument((e) => this.schedule(e.document, DEBOUNCE_MS)),
      w.onDidCloseTextDocument((d) => this.forget(d.uri)),
      w.onDidOpenNotebookDocument((n) => this.scheduleNotebook(n, 0)),
      w.onDidChangeNotebookDocument((e) => this.scheduleNotebook(e.notebook, DEBOUNCE_MS)),
      w.onDidCloseNotebookDocument((n) => n.getCells().forEach((c) => this.forget(c.document.uri))),
      w.onDidChangeConfiguration((e) => e.affectsConfiguration('lossLab.lint') && this.relintAll()),
    );
    this.relintAll();
  }

  /** The findings last shown for a document (a .py file or a notebook cell). */
  findingsOf(uri: vscode.Uri): readonly Finding[] {
    return this.findings.get(uri.toString()) ?? [];
  }

  private relintAll(): void {
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
    for (const n of vscode.workspace.notebookDocuments) this.scheduleNotebook(n, 0);
  }

  private schedule(doc: vscode.TextDocument, delay: number): void {
    if (doc.uri.scheme === 'vscode-notebook-cell') {
      const nb = vscode.workspace.notebookDocuments.find((n) => n.getCells().some((c) => c.document === doc));
      if (nb) this.scheduleNotebook(nb, delay);
      return;
    }
    if (doc.languageId !== 'python') return;
    this.debounce(doc.uri.toString(), delay, () => this.lintDocument(doc));
  }

  private scheduleNotebook(nb: vscode.NotebookDocument, delay: number): void {
    this.debounce(nb.uri.toString(), delay, () => this.lintNotebook(nb));
  }

  private debounce(key: string, delay: number, run: () => Promise<void>): void {
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        run().catch((e: unknown) => console.error(`Loss Lab lint: ${e instanceof Error ? e.message : e}`));
      }, delay),
    );
  }

  private async lintDocument(doc: vscode.TextDocument): Promise<void> {
    const settings = lintSettings(doc.uri);
    if (!settings.enabled || doc.isClosed) return this.show(doc.uri, []);
    const version = doc.version;
    const findings = await this.client.lint(doc.uri.toString(), doc.getText(), settings.selected);
    if (doc.version === version && !doc.isClosed) this.show(doc.uri, findings);
  }

  private async lintNotebook(nb: vscode.NotebookDocument): Promise<void> {
    const cells = nb.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code && c.document.languageId === 'python');
    const settings = lintSettings(nb.uri);
    if (!settings.enabled || nb.isClosed || !cells.length) return nb.getCells().forEach((c) => this.show(c.document.uri, []));
    const versions = cells.map((c) => c.document.version);
    const joined = joinCells(cells.map((c) => c.document.getText()));
    const findings = splitFindings(joined, await this.client.lint(nb.uri.toString(), joined.text, settings.selected));
    if (cells.some((c, i) => c.document.version !== versions[i])) return; // a newer lint is on its way
    cells.forEach((c, i) => this.show(c.document.uri, findings.filter((f) => f.cell === i)));
  }

  private show(uri: vscode.Uri, findings: Finding[]): void {
    const settings = lintSettings(uri);
    this.findings.set(uri.toString(), findings);
    this.collection.set(
      uri,
      findings.map((f) => {
        const d = new vscode.Diagnostic(new vscode.Range(f.line, f.column, f.endLine, f.endColumn), f.message, settings.level(f.code) === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
        d.source = LINT_SOURCE;
        d.code = { value: f.code, target: this.readme.with({ fragment: f.code.toLowerCase() }) };
        return d;
      }),
    );
  }

  private forget(uri: vscode.Uri): void {
    this.client.forget(uri.toString());
    this.findings.delete(uri.toString());
    this.collection.delete(uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
