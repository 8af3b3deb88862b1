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
    const values = JSON.parse(text) as { H: number; CE: number; KL: number };
    assert.ok(Math.abs(values.CE - (values.H + values.KL)) < 1e-5, text);
    assert.ok(code.every((c, i) => c.executionSummary?.executionOrder === i + 1));
  });
});
