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

/** An untitled Loss Lab notebook of JavaScript cells, shown, on the Loss Lab kernel. */
async function notebookOf(...cells: string[]): Promise<vscode.NotebookDocument> {
  const data = new vscode.NotebookData(cells.map((c) => new vscode.NotebookCellData(vscode.NotebookCellKind.Code, c, 'javascript')));
  const doc = await vscode.workspace.openNotebookDocument('losslab-notebook', data);
  await vscode.window.showNotebookDocument(doc);
  await vscode.commands.executeCommand('notebook.selectKernel', { id: 'losslab-kernel', extension: 'loss-lab.loss-lab' });
  return doc;
}

function runCell(doc: vscode.NotebookDocument, index: number): Thenable<unknown> {
  return vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: index, end: index + 1 }], document: doc.uri });
}

function textOf(cell: vscode.NotebookCell): string {
  return cell.outputs
    .flatMap((o) => o.items)
    .filter((i) => i.mime.endsWith('stdout'))
    .map((i) => new TextDecoder().decode(i.data))
    .join('');
}

function errorOf(cell: vscode.NotebookCell): { name: string; message: string; stack: string } {
  const item = cell.outputs.flatMap((o) => o.items).find((i) => i.mime === 'application/vnd.code.notebook.error');
  assert.ok(item, `an error output, got ${cell.outputs.flatMap((o) => o.items.map((i) => i.mime)).join(', ')}`);
  return JSON.parse(new TextDecoder().decode(item.data)) as { name: string; message: string; stack: string };
}

/** The numbers of a printed tensor, in order: tensor([[0.1234, -2.0000e-05], …]) → [0.1234, -0.00002, …]. */
function numbersOf(printed: string): number[] {
  const body = printed.slice(printed.indexOf('(') + 1, printed.lastIndexOf(']') + 1);
  return [...body.matchAll(/-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/g)].map((m) => Number(m[0]));
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

  it('a cell with a chain of tensor ops and backward() shows the gradients PyTorch would', async () => {
    const X = [[0.5, -1.25, 2], [1.5, 0.25, -0.75]];
    const W = [0.3, -0.7, 1.1];
    const doc = await notebookOf(
      [
        `const x = torch.tensor(${JSON.stringify(X)}, { requires_grad: true })`,
        `const w = torch.tensor(${JSON.stringify(W)}, { requires_grad: true })`,
        'const loss = x.mul(w).tanh().pow(2).sum().log()',
        'loss.backward()',
        'console.log(x.grad)',
        'console.log(w.grad)',
      ].join('\n'),
    );
    const cell = doc.cellAt(0);
    await runCell(doc, 0);
    await until(() => cell.executionSummary?.success !== undefined && cell.outputs.length > 0);
    assert.equal(cell.executionSummary?.success, true, textOf(cell));
    const [gx, gw] = textOf(cell).trim().split(/\n(?=tensor)/);
    assert.match(gx, /^tensor\(\[\[/, gx);
    // d/dx log Σ tanh(x·w)² in float64, by hand: 2·t·(1 − t²)·w / S, and its sum over rows times x for w.
    const t = X.map((row) => row.map((v, j) => Math.tanh(v * W[j])));
    const S = t.flat().reduce((a, v) => a + v * v, 0);
    const d = t.map((row) => row.map((v) => (2 * v * (1 - v * v)) / S));
    const wantX = d.flatMap((row) => row.map((v, j) => v * W[j]));
    const wantW = W.map((_, j) => X.reduce((a, row, i) => a + d[i][j] * row[j], 0));
    const close = (got: number[], want: number[], what: string) => {
      assert.equal(got.length, want.length, `${what}: ${got.join(', ')}`);
      got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) <= 1e-4, `${what}[${i}]: printed ${g}, float64 ${want[i]}`));
    };
    close(numbersOf(gx), wantX, 'x.grad');
    close(numbersOf(gw), wantW, 'w.grad');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it("a shape error shows PyTorch's message at the line of the cell that made the bad op", async () => {
    const doc = await notebookOf(['const a = torch.ones(2, 3)', 'const b = torch.ones(4, 5)', 'const c = a.matmul(b).relu()', 'console.log(c.sum().item())'].join('\n'));
    const cell = doc.cellAt(0);
    await runCell(doc, 0);
    await until(() => cell.executionSummary?.success !== undefined && cell.outputs.length > 0);
    assert.equal(cell.executionSummary?.success, false);
    const error = errorOf(cell);
    assert.equal(error.message, 'mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)');
    assert.match(error.stack, /\n {2}3 \| const c = a\.matmul\(b\)\.relu\(\)\n/, error.stack);
    assert.doesNotMatch(error.stack, /src\/tensor|dist\/|node:internal/, error.stack);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('Interrupt stops a long loop of tensor code; a later cell still runs, with the variables kept', async () => {
    const doc = await notebookOf(
      ['const w = torch.randn(256, 256, { requires_grad: true })', 'for (let i = 0; ; i++) {', '  const l = w.matmul(w).tanh().sum()', '  l.backward()', '  l.item()', '}'].join('\n'),
      'console.log(w.shape, torch.ones(3).mul(2).sum().item())',
    );
    const [loop, later] = [doc.cellAt(0), doc.cellAt(1)];
    void runCell(doc, 0);
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(loop.executionSummary?.success, undefined, 'the loop is still running before the interrupt');
    await vscode.commands.executeCommand('notebook.cell.cancelExecution', { ranges: [{ start: 0, end: 1 }], document: doc.uri });
    await until(() => loop.executionSummary?.success === false && loop.outputs.length > 0, 30_000);
    assert.equal(errorOf(loop).message, 'Interrupted: the cell was stopped; the kernel keeps its variables.');
    await runCell(doc, 1);
    await until(() => later.executionSummary?.success !== undefined && later.outputs.length > 0);
    assert.equal(later.executionSummary?.success, true);
    assert.equal(textOf(later).trim(), '[256, 256] 6');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
