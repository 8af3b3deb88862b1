// A Loss Lab notebook in the real VS Code: open an example, run all cells with the Loss Lab kernel.
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';

async function until(done: () => boolean, ms = 60_000): Promise<void> {
  for (const start = Date.now(); !done(); ) {
    if (Date.now() - start > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('notebook', () => {
  it('opens an example and runs all its cells on the Loss Lab kernel', async () => {
    // A copy, so that running and clearing never touches the example itself.
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const copy = path.join(mkdtempSync(path.join(os.tmpdir(), 'losslab-nb-')), 'example.lossnb');
    copyFileSync(path.join(folder, 'notebooks', '01-entropy-cross-entropy-kl.lossnb'), copy);
    const doc = await vscode.workspace.openNotebookDocument(vscode.Uri.file(copy));
    assert.equal(doc.notebookType, 'losslab-notebook');
    await vscode.window.showNotebookDocument(doc);
    await vscode.commands.executeCommand('notebook.selectKernel', { id: 'losslab-kernel', extension: 'loss-lab.loss-lab' });
    await vscode.commands.executeCommand('notebook.clearAllCellsOutputs');
    await vscode.commands.executeCommand('notebook.execute');
    const code = doc.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code);
    await until(() => code.every((c) => c.executionSummary?.success !== undefined && c.outputs.length > 0));
    assert.ok(code.every((c) => c.executionSummary?.success === true));
    const mimes = code.flatMap((c) => c.outputs.flatMap((o) => o.items.map((i) => i.mime)));
    assert.ok(mimes.includes('application/vnd.loss-lab.distribution+json'), mimes.join(', '));
    const text = new TextDecoder().decode(code[0].outputs.flatMap((o) => o.items).find((i) => i.mime.endsWith('stdout'))!.data);
    // Printed as PyTorch prints numbers: { H: 0.8018, CE: 0.8550, KL: 0.0531, "H + KL": 0.8550 }
    const value = (name: string) => Number(new RegExp(`\\b${name}: (-?[\\d.]+(?:e[+-]?\\d+)?)`).exec(text)?.[1]);
    assert.ok(Math.abs(value('CE') - (value('H') + value('KL'))) < 2e-4, text);
    assert.ok(code.every((c, i) => c.executionSummary?.executionOrder === i + 1));
  });

  it('interrupting a running cell shows the interruption message alone, without a stack trace', async () => {
    const data = new vscode.NotebookData([new vscode.NotebookCellData(vscode.NotebookCellKind.Code, 'for (;;) {}', 'javascript')]);
    const doc = await vscode.workspace.openNotebookDocument('losslab-notebook', data);
    await vscode.window.showNotebookDocument(doc);
    await vscode.commands.executeCommand('notebook.selectKernel', { id: 'losslab-kernel', extension: 'loss-lab.loss-lab' });
    const cell = doc.cellAt(0);
    void vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: 0, end: 1 }], document: doc.uri });
    await new Promise((r) => setTimeout(r, 2000));
    await vscode.commands.executeCommand('notebook.cell.cancelExecution', { ranges: [{ start: 0, end: 1 }], document: doc.uri });
    await until(() => cell.executionSummary?.success === false && cell.outputs.length > 0, 30_000);
    const item = cell.outputs[0].items.find((i) => i.mime === 'application/vnd.code.notebook.error')!;
    const error = JSON.parse(new TextDecoder().decode(item.data)) as { name: string; message: string; stack?: string };
    assert.match(error.message, /^Interrupted: the kernel was stopped and will restart with a fresh state\.$/);
    assert.equal(error.stack, error.message);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
