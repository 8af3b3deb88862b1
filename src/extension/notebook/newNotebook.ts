// "Loss Lab: New Notebook": an untitled notebook from the starter cells, which run as they are.
import * as vscode from 'vscode';
import { STARTER_CELLS } from '../../notebook/starter';
import { NOTEBOOK_TYPE } from './controller';

export async function newNotebook(): Promise<void> {
  const kind = (k: string) => (k === 'markdown' ? vscode.NotebookCellKind.Markup : vscode.NotebookCellKind.Code);
  const data = new vscode.NotebookData(STARTER_CELLS.map((c) => new vscode.NotebookCellData(kind(c.kind), c.source, c.language)));
  const doc = await vscode.workspace.openNotebookDocument(NOTEBOOK_TYPE, data);
  await vscode.window.showNotebookDocument(doc);
}
