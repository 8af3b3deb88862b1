// Quick fixes for the loss-lint findings whose fix is certain (LL001, LL002, LL003, LL005).
import * as vscode from 'vscode';
import type { LintDiagnostics } from './diagnostics';

export class LintQuickFixes implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly diagnostics: LintDiagnostics) {}

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range | vscode.Selection): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const f of this.diagnostics.findingsOf(doc.uri)) {
      if (!f.fix) continue;
      const at = new vscode.Range(doc.positionAt(f.start), doc.positionAt(f.end));
      if (!at.intersection(range)) continue;
      const action = new vscode.CodeAction(`${f.code}: ${vscode.l10n.t(f.fix.title)}`, vscode.CodeActionKind.QuickFix);
      action.edit = new vscode.WorkspaceEdit();
      for (const e of f.fix.edits) action.edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.text);
      action.isPreferred = true;
      actions.push(action);
    }
    return actions;
  }
}
