// The chart views from inside the extension host: a training log opened by URI, and a training run.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';

function webviewTabs(): string[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview).map((t) => t.label);
}

/** The workbench reports a new tab a moment after the panel is created. */
async function waitForTab(match: (label: string) => boolean): Promise<string[]> {
  for (let i = 0; i < 50 && !webviewTabs().some(match); i++) await new Promise((r) => setTimeout(r, 100));
  return webviewTabs();
}

describe('chart views', () => {
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('"Plot Training Log" on a folder of runs opens its curves', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    await vscode.commands.executeCommand('lossLab.plotTrainingLog', vscode.Uri.file(path.join(folder, 'logs')));
    const tabs = await waitForTab((t) => t === 'Training curves: logs');
    assert.ok(tabs.includes('Training curves: logs'), `webview tabs: ${tabs.join(', ')}`);
  });

  it('"Train a Model" runs a preset to completion on the engine in the playground\'s Training scene', async () => {
    const end = await vscode.commands.executeCommand<{ reason: string; run: string; stepsPerSecond: number }>('lossLab.trainModel', 1); // softmax regression on blobs
    assert.equal(end.reason, 'completed', JSON.stringify(end));
    assert.ok(end.run.startsWith('Softmax regression on blobs') && end.stepsPerSecond > 0, JSON.stringify(end));
    const tabs = await waitForTab((t) => t === 'Loss Playground');
    assert.ok(tabs.includes('Loss Playground'), `webview tabs: ${tabs.join(', ')}`);
  });
});
