// "Loss Lab: Open Playground": one panel per window (reopening focuses it), restored after a reload.
// Every number it shows comes from the engine: the host validates each request and forwards it.
import * as vscode from 'vscode';
import type { EngineClient } from '../../engine/client';
import { fromJson, toJson } from '../../engine/tensorJson';
import { isFromPanel, type ComputeMessage, type ToPanel } from '../../protocol/panel';
import { webviewHtml, webviewOptions } from '../webviewHtml';

export const PLAYGROUND_VIEW = 'lossLab.playground';

export class PlaygroundPanel implements vscode.Disposable {
  private static current: PlaygroundPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  static show(extensionUri: vscode.Uri, engine: () => EngineClient): PlaygroundPanel {
    if (PlaygroundPanel.current) {
      PlaygroundPanel.current.panel.reveal();
      return PlaygroundPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(PLAYGROUND_VIEW, vscode.l10n.t('Loss Playground'), vscode.ViewColumn.Active, webviewOptions(extensionUri));
    return new PlaygroundPanel(panel, extensionUri, engine);
  }

  /** Restores a panel VS Code kept across a window reload. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, engine: () => EngineClient): void {
    panel.webview.options = webviewOptions(extensionUri);
    new PlaygroundPanel(panel, extensionUri, engine);
  }

  private constructor(readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private readonly engine: () => EngineClient) {
    PlaygroundPanel.current = this;
    panel.webview.html = webviewHtml(panel.webview, extensionUri, {
      title: 'Loss Playground',
      script: 'playground.js',
      body: '<div id="app"></div>',
      css: PLAYGROUND_CSS,
    });
    panel.webview.onDidReceiveMessage((m) => this.onMessage(m), undefined, this.disposables);
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
  }

  private async onMessage(message: unknown): Promise<void> {
    if (!isFromPanel(message) || message.type !== 'compute') return;
    void this.panel.webview.postMessage(await this.compute(message));
  }

  private async compute(m: ComputeMessage): Promise<ToPanel> {
    try {
      const inputs = Object.fromEntries(Object.entries(m.inputs).map(([k, t]) => [k, fromJson(k, t)]));
      const options = Object.fromEntries(Object.entries(m.options).map(([k, v]) => [k, typeof v === 'object' ? fromJson(k, v) : v]));
      const r = await this.engine().evaluate({ op: m.op, inputs, options });
      const map = (ts: Record<string, Parameters<typeof toJson>[0]>) => Object.fromEntries(Object.entries(ts).map(([k, t]) => [k, toJson(t)]));
      return { type: 'result', id: m.id, output: toJson(r.output), grad: map(r.grad), extras: map(r.extras) };
    } catch (error) {
      return { type: 'result', id: m.id, error: error instanceof Error ? error.message : String(error) };
    }
  }

  dispose(): void {
    if (PlaygroundPanel.current === this) PlaygroundPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

const PLAYGROUND_CSS = `
  .scene { display: grid; grid-template-columns: minmax(260px, 340px) 1fr; gap: 16px; padding-top: 8px; }
  .controls { display: flex; flex-direction: column; gap: 8px; }
  .controls .control { display: grid; grid-template-columns: 110px 1fr 56px; align-items: center; }
  .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap: 8px; }
  .numbers { font-family: var(--vscode-editor-font-family); white-space: pre; }
  .message { color: var(--vscode-errorForeground); min-height: 1.2em; }
  nav button { background: none; color: var(--vscode-foreground); border: none; border-bottom: 2px solid transparent; padding: 6px 10px; cursor: pointer; font: inherit; }
  nav button[aria-selected="true"] { border-bottom-color: var(--vscode-focusBorder); }
`;
