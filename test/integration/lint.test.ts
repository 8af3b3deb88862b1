// The loss linter inside a real VS Code: a Python file with LL002 shows the diagnostic, its hover links to
// the playground (and the link opens it), and the quick fix removes the sigmoid.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const SOURCE = `import torch
import torch.nn.functional as F


def step(model, x, y):
    logits = model(x)
    return F.binary_cross_entropy_with_logits(torch.sigmoid(logits), y)
`;

async function until<T>(read: () => T | Promise<T>, ok: (v: T) => boolean, tries = 150): Promise<T> {
  let v = await read();
  for (let i = 0; i < tries && !ok(v); i++) {
    await new Promise((r) => setTimeout(r, 100));
    v = await read();
  }
  return v;
}

const playgroundTabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('lossLab.playground'));
const lintDiagnostics = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Loss Lab');
const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? d.code.value : d.code);

describe('loss linter in the editor', () => {
  let doc: vscode.TextDocument;

  before(async () => {
    await vscode.extensions.getExtension('loss-lab.loss-lab')!.activate();
    doc = await vscode.workspace.openTextDocument({ language: 'python', content: SOURCE });
    await vscode.window.showTextDocument(doc);
  });
  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('shows LL002 as a warning at the loss call, with a code linking to the rule\'s docs', async () => {
    const diags = await until(() => lintDiagnostics(doc.uri), (d) => d.length > 0);
    assert.equal(diags.length, 1, JSON.stringify(diags));
    const [d] = diags;
    assert.equal(codeOf(d), 'LL002');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
    assert.deepEqual([d.range.start.line, d.range.start.character], [6, 11]);
    assert.match(d.message, /applies the sigmoid itself/);
    const target = (d.code as { target: vscode.Uri }).target;
    assert.ok(target.path.endsWith('/README.md') && target.fragment === 'll002', target.toString());
  });

  it('hovers with the math and an Open in Playground link that opens the playground', async () => {
    const position = new vscode.Position(6, 20);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, position);
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
    assert.match(text, /LL002/);
    assert.match(text, /σ\(σ\(z\)\)/);
    const link = /\[Open in Playground\]\((command:([\w.]+)\?([^ )]+))/.exec(text);
    assert.ok(link, text);
    assert.equal(link[2], 'lossLab.openPlaygroundScene');
    const args = JSON.parse(decodeURIComponent(link[3])) as unknown[];
    assert.deepEqual(args, ['other', { posWeight: 1 }], 'the scene and the settings it opens with');
    await vscode.commands.executeCommand(link[2], ...args);
    const tabs = await until(playgroundTabs, (t) => t.length === 1 && t[0].isActive);
    assert.equal(tabs.length, 1);
    assert.ok(tabs[0].isActive, 'the playground is the active tab');
    await vscode.window.showTextDocument(doc);
  });

  it('the quick fix drops the sigmoid, and the diagnostic goes away', async () => {
    const [d] = lintDiagnostics(doc.uri);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, d.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.title.startsWith('LL002'));
    assert.ok(fix?.edit, actions.map((a) => a.title).join(', '));
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(doc.lineAt(6).text, '    return F.binary_cross_entropy_with_logits(logits, y)');
    assert.deepEqual(await until(() => lintDiagnostics(doc.uri), (x) => x.length === 0), []);
  });

  it('lossLab.lint.rules can turn a rule to error or off', async () => {
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, new vscode.Position(7, 0), '    p = torch.log(torch.softmax(logits, -1))\n');
    await vscode.workspace.applyEdit(edit);
    assert.equal(codeOf((await until(() => lintDiagnostics(doc.uri), (x) => x.length === 1))[0]), 'LL003');
    const config = vscode.workspace.getConfiguration('lossLab.lint');
    try {
      await config.update('rules', { LL003: 'error' }, vscode.ConfigurationTarget.Global);
      const errs = await until(() => lintDiagnostics(doc.uri), (x) => x[0]?.severity === vscode.DiagnosticSeverity.Error);
      assert.equal(errs[0]?.severity, vscode.DiagnosticSeverity.Error);
      await config.update('rules', { LL003: 'off' }, vscode.ConfigurationTarget.Global);
      assert.deepEqual(await until(() => lintDiagnostics(doc.uri), (x) => x.length === 0), []);
    } finally {
      await config.update('rules', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
