// The playground's host side inside a real VS Code: one panel per window, and what the host does with the
// panel's messages (validation, the engine's answers, "Open in notebook").
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LossLabApi } from '../../src/extension/main';
import type { OpResultMessage } from '../../src/protocol/panel';
import { MIME } from '../../src/protocol/notebook';

const api = () => vscode.extensions.getExtension<LossLabApi>('loss-lab.loss-lab')!.activate();

function playgroundTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('lossLab.playground'));
}

async function until<T>(read: () => T, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 100 && !ok(read()); i++) await new Promise((r) => setTimeout(r, 100));
  return read();
}

describe('playground panel (host side)', () => {
  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('opens one panel per window: running the command again focuses it', async () => {
    await vscode.commands.executeCommand('lossLab.openPlayground');
    assert.equal((await until(playgroundTabs, (t) => t.length === 1)).length, 1);
    await vscode.commands.executeCommand('workbench.action.files.newUntitledFile');
    await vscode.commands.executeCommand('lossLab.openPlayground');
    const tabs = await until(playgroundTabs, (t) => t.length === 1 && t[0].isActive);
    assert.equal(tabs.length, 1);
    assert.ok(tabs[0].isActive, 'the existing panel is focused');
  });

  it('answers a batch of ops from the engine in one reply', async () => {
    const reply = (await (await api()).answerPlayground({
      type: 'compute',
      id: 41,
      requests: [
        { op: 'softmax', inputs: { input: { dtype: 'float32', shape: [1, 3], data: [2, 1, 0.1] } }, options: {} },
        { op: 'entropy', inputs: { input: { ref: 0 } }, options: {} },
      ],
    })) as OpResultMessage;
    assert.equal(reply.id, 41);
    const [p, h] = reply.results!.map((r) => r.output.data as number[]);
    assert.ok(Math.abs(p[0] - 0.659) < 1e-3);
    assert.ok(Math.abs(h[0] + p.reduce((s, v) => s + v * Math.log(v), 0)) < 1e-5);
  });

  it('refuses malformed messages with a reply naming the field, and answers bad values with an error the panel shows', async () => {
    const host = await api();
    assert.deepEqual(await host.answerPlayground(undefined), { type: 'refused', message: 'a panel message must be an object, got nothing' });
    assert.match(((await host.answerPlayground({ type: 'compute', id: 1, op: 'softmax' })) as OpResultMessage).error ?? '', /compute has an unexpected field "op"/);
    const badData = { type: 'compute', id: 1, requests: [{ op: 'softmax', inputs: { input: { dtype: 'float32', shape: [1], data: ['x'] } }, options: {} }] };
    assert.match(((await host.answerPlayground(badData)) as OpResultMessage).error ?? '', /softmax\(\) input 'input': data\[0\] must be a number/);
    const reply = (await host.answerPlayground({
      type: 'compute',
      id: 2,
      requests: [{ op: 'cross_entropy', inputs: { input: { dtype: 'float32', shape: [1, 2], data: [0, 0] }, target: { dtype: 'int64', shape: [1], data: [7] } }, options: {} }],
    })) as OpResultMessage;
    assert.match(reply.error ?? '', /7/);
    const none = { dtype: 'float32', shape: [1, 0], data: [] };
    const empty = (await host.answerPlayground({ type: 'compute', id: 3, requests: [{ op: 'cross_entropy', inputs: { input: none, target: { dtype: 'int64', shape: [1], data: [0] } }, options: {} }] })) as OpResultMessage;
    assert.match(empty.error ?? '', /0 classes/);
  });

  it('"Open in notebook" writes a notebook holding the scene\'s code and snapshot, and shows it', async () => {
    const snapshot = { version: 1, title: 'Softmax', scene: 'softmax-ce', numbers: 'loss 0.4170', charts: [] };
    await (await api()).answerPlayground({ type: 'openInNotebook', title: 'Softmax', code: 'F.softmax(torch.tensor([1, 2]))', snapshot });
    const editor = await until(() => vscode.window.activeNotebookEditor, (e) => !!e && e.notebook.uri.path.endsWith('.lossnb'));
    assert.ok(editor, 'a notebook editor is active');
    const cell = editor.notebook.getCells().find((c) => c.kind === vscode.NotebookCellKind.Code)!;
    assert.equal(cell.document.getText(), 'F.softmax(torch.tensor([1, 2]))');
    const item = cell.outputs[0].items.find((i) => i.mime === MIME.scene)!;
    assert.equal(JSON.parse(new TextDecoder().decode(item.data)).numbers, 'loss 0.4170');
  });
});
