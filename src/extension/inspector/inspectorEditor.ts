// The Loss Inspector: a read-only custom editor for .safetensors, .npy, .npz, .pt and .pth files. Each run
// happens in its own worker thread (ONNX Runtime never blocks the extension host), with a progress
// notification whose cancel terminates the worker.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import type { FromInspectorView, FromInspectWorker, InspectSettings, TensorInfo, ToInspectorView } from '../../protocol/inspect';
import { webviewHtml, webviewOptions } from '../webviewHtml';
import { REPORT_CSS } from '../../charts/inspectReport';

export const INSPECTOR_VIEW = 'lossLab.inspector';

/** What each open Inspector drew last (its totals as shown), by file: read by the integration tests. */
const rendered = new Map<string, Extract<FromInspectorView, { type: 'rendered' }>>();

export function registerInspector(context: vscode.ExtensionContext): vscode.Disposable[] {
  return [
    vscode.window.registerCustomEditorProvider(INSPECTOR_VIEW, new InspectorProvider(context.extensionUri), {
      webviewOptions: { retainContextWhenHidden: true },
      supportsMultipleEditorsPerDocument: false,
    }),
    vscode.commands.registerCommand('lossLab.inspectorRendered', (uri: vscode.Uri) => rendered.get(uri.fsPath)),
  ];
}

class InspectorProvider implements vscode.CustomReadonlyEditorProvider {
  constructor(private readonly extensionUri: vscode.Uri) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => rendered.delete(uri.fsPath) };
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    panel.webview.options = webviewOptions(this.extensionUri);
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, {
      title: path.basename(document.uri.fsPath),
      script: 'inspector.js',
      body: '<div id="controls"></div><div id="status" role="status"></div><div id="report"></div>',
      css: INSPECTOR_CSS,
    });
    let worker: Worker | undefined;
    const send = (m: ToInspectorView) => void panel.webview.postMessage(m);
    const run = (settings?: InspectSettings) => {
      void worker?.terminate();
      const current = (worker = new Worker(path.join(this.extensionUri.fsPath, 'dist', 'inspect-worker.js')));
      let tensors: TensorInfo[] = [];
      let chosen = settings;
      void vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Inspecting {0}', path.basename(document.uri.fsPath)), cancellable: true },
        (progress, token) =>
          new Promise<void>((resolve) => {
            let reported = 0;
            const finish = () => {
              void current.terminate();
              resolve();
            };
            token.onCancellationRequested(() => {
              send({ type: 'failed', message: vscode.l10n.t('Cancelled.'), tensors, settings: chosen });
              finish();
            });
            current.on('message', (m: FromInspectWorker) => {
              if (m.type === 'opened') {
                tensors = m.tensors;
                chosen = m.settings;
              } else if (m.type === 'progress') {
                progress.report({ increment: (m.fraction - reported) * 100 });
                reported = m.fraction;
                send({ type: 'progress', fraction: m.fraction, tensors });
              } else if (m.type === 'report') {
                send({ type: 'show', report: m.report, tokenText: m.tokenText });
                finish();
              } else {
                send({ type: 'failed', message: m.message, tensors, settings: chosen });
                finish();
              }
            });
            current.on('error', (error) => {
              send({ type: 'failed', message: error.message, tensors, settings: chosen });
              finish();
            });
            current.postMessage({ type: 'inspect', file: document.uri.fsPath, settings });
          }),
      );
    };
    panel.webview.onDidReceiveMessage((m: FromInspectorView) => {
      if (m?.type === 'ready') run();
      else if (m?.type === 'settings' && m.settings && typeof m.settings.ignoreIndex === 'number' && m.settings.roles) run(m.settings);
      else if (m?.type === 'openScene' && typeof m.scene === 'string') void vscode.commands.executeCommand('lossLab.openPlayground', m.scene);
      else if (m?.type === 'rendered') rendered.set(document.uri.fsPath, m);
    });
    panel.onDidDispose(() => void worker?.terminate());
  }
}

const INSPECTOR_CSS = `${REPORT_CSS}
.roles { margin: 8px 0; display: flex; flex-wrap: wrap; gap: 6px 0; align-items: center; }
.roles select, .roles input[type=number] { background: var(--vscode-input-background); color: var(--vscode-input-foreground); border: 1px solid var(--vscode-input-border, transparent); }
.roles input[type=number] { width: 6em; }
.roles button { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: none; padding: 4px 12px; cursor: pointer; }
.tensors td { font-family: var(--vscode-editor-font-family); font-size: 12px; }
.diagonal { stroke: var(--vscode-descriptionForeground); }
a.scene { color: var(--vscode-textLink-foreground); }
.warning b { color: var(--vscode-editorWarning-foreground); }`;
