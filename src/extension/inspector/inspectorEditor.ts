// The Loss Inspector: a read-only custom editor for .safetensors, .npy, .npz, .pt and .pth files. Each run
// happens in its own worker thread (ONNX Runtime never blocks the extension host), with a progress
// notification whose cancel stops the worker after its current block and then tells the view, which offers to
// run it again. Two registrations of one provider: the default editor of
// .safetensors/.npy/.npz, and an "Open With…" option for .pt/.pth (mostly model checkpoints, and .pth is also
// Python's site-packages path-file extension, a text file that must keep opening as text).
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import type { FromInspectorView, FromInspectWorker, InspectSettings, TensorInfo, ToInspectorView, ToInspectWorker } from '../../protocol/inspect';
import { webviewHtml, webviewOptions } from '../webviewHtml';
import { REPORT_CSS } from '../../charts/inspectReport';

export const INSPECTOR_VIEW = 'lossLab.inspector';
export const TORCH_INSPECTOR_VIEW = 'lossLab.inspector.torch';

/** What each open Inspector drew last (its totals as shown) and how many times it drew, by file: read by the integration tests. */
const rendered = new Map<string, Extract<FromInspectorView, { type: 'rendered' }> & { draws: number }>();

export function registerInspector(context: vscode.ExtensionContext): vscode.Disposable[] {
  const provider = new InspectorProvider(context.extensionUri);
  const options = { webviewOptions: { retainContextWhenHidden: true }, supportsMultipleEditorsPerDocument: false };
  return [
    vscode.window.registerCustomEditorProvider(INSPECTOR_VIEW, provider, options),
    vscode.window.registerCustomEditorProvider(TORCH_INSPECTOR_VIEW, provider, options),
    vscode.commands.registerCommand('lossLab.openInInspector', (uri?: vscode.Uri) => {
      const target = uri ?? vscode.window.activeTextEditor?.document.uri;
      if (!target) return;
      return vscode.commands.executeCommand('vscode.openWith', target, /\.(pt|pth)$/i.test(target.fsPath) ? TORCH_INSPECTOR_VIEW : INSPECTOR_VIEW);
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
    let tokenizer: string | undefined;
    const send = (m: ToInspectorView) => void panel.webview.postMessage(m);
    // A worker is asked to stop and terminated once it answers, never in the middle of an ONNX Runtime run.
    const stop = (w: Worker) => w.postMessage({ type: 'cancel' } satisfies ToInspectWorker);
    const run = (settings?: InspectSettings) => {
      if (worker) stop(worker);
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
            current.once('exit', () => resolve());
            token.onCancellationRequested(() => stop(current));
            current.on('message', (m: FromInspectWorker) => {
              const last = m.type !== 'opened' && m.type !== 'progress';
              if (last) finish();
              // A newer run (or closing the view) replaced this one: its notification ends when it stops.
              if (worker !== current) return;
              if (m.type === 'opened') {
                tensors = m.tensors;
                chosen = m.settings;
              } else if (m.type === 'progress') {
                progress.report({ increment: (m.fraction - reported) * 100 });
                reported = m.fraction;
                send({ type: 'progress', fraction: m.fraction, tensors });
              } else if (m.type === 'report') {
                send({ type: 'show', report: m.report, tokenText: m.tokenText, tokenizer: m.tokenizer && path.basename(m.tokenizer), tokenizerError: m.tokenizerError });
              } else if (m.type === 'cancelled') {
                send({ type: 'cancelled', fraction: reported, tensors, settings: chosen });
              } else {
                send({ type: 'failed', message: m.message, tensors, settings: chosen });
              }
            });
            current.on('error', (error) => {
              if (worker === current) send({ type: 'failed', message: error.message, tensors, settings: chosen });
              finish();
            });
            current.postMessage({ type: 'inspect', file: document.uri.fsPath, settings, tokenizer } satisfies ToInspectWorker);
          }),
      );
    };
    panel.webview.onDidReceiveMessage((m: FromInspectorView) => {
      if (m?.type === 'ready') run();
      else if (m?.type === 'settings' && validSettings(m.settings)) run(m.settings);
      else if (m?.type === 'runAgain') run(validSettings(m.settings) ? m.settings : undefined);
      else if (m?.type === 'openScene' && typeof m.scene === 'string') void vscode.commands.executeCommand('lossLab.openPlayground', m.scene);
      else if (m?.type === 'chooseTokenizer') {
        void vscode.window
          .showOpenDialog({ defaultUri: vscode.Uri.file(path.dirname(document.uri.fsPath)), canSelectMany: false, filters: { 'tokenizer.json': ['json'] }, openLabel: vscode.l10n.t('Use this tokenizer') })
          .then((picked) => {
            if (!picked?.[0]) return;
            tokenizer = picked[0].fsPath;
            run(m.settings);
          });
      }
      else if (m?.type === 'rendered') rendered.set(document.uri.fsPath, { ...m, draws: (rendered.get(document.uri.fsPath)?.draws ?? 0) + 1 });
    });
    panel.onDidDispose(() => {
      if (worker) stop(worker);
      worker = undefined;
    });
  }
}

function validSettings(settings: InspectSettings | undefined): settings is InspectSettings {
  return !!settings && typeof settings.ignoreIndex === 'number' && !!settings.roles;
}

const INSPECTOR_CSS = `${REPORT_CSS}
.roles { margin: 8px 0; display: flex; flex-wrap: wrap; gap: 6px 0; align-items: center; }
.roles input[type=number] { width: 6em; }
.roles button { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: none; padding: 4px 12px; cursor: pointer; margin-right: 8px; }
.roles button:hover { background: var(--vscode-button-hoverBackground); }
.roles button.secondary { background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground); }
.tensor-list { max-height: 14em; overflow: auto; display: inline-block; border: 1px solid var(--vscode-widget-border, transparent); }
.tensors th { position: sticky; top: 0; background: var(--vscode-editor-background); font-weight: 600; }
.tensors td { font-family: var(--vscode-editor-font-family); font-size: 12px; }
#status { margin: 6px 0; }
#status button { margin-left: 8px; background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: none; padding: 2px 10px; cursor: pointer; }
#status button:hover { background: var(--vscode-button-hoverBackground); }
a.scene { color: var(--vscode-textLink-foreground); }
.warning b { color: var(--vscode-editorWarning-foreground); }
.seq { color: var(--vscode-descriptionForeground); }
.tok.ignored { color: var(--vscode-disabledForeground); }
.tok[data-i]:hover { outline: 1px solid var(--vscode-focusBorder); }
.token-tip { position: absolute; z-index: 10; max-width: 28em; padding: 6px 10px; pointer-events: none;
  background: var(--vscode-editorHoverWidget-background); color: var(--vscode-editorHoverWidget-foreground);
  border: 1px solid var(--vscode-editorHoverWidget-border); font-family: var(--vscode-editor-font-family); font-size: 12px; }
.token-tip[hidden] { display: none; }
.token-tip .tip-token { font-weight: 600; }
.token-tip .tip-where, .token-tip .tip-top { color: var(--vscode-descriptionForeground); font-weight: normal; }
.token-tip th { padding: 0 8px 0 0; font-weight: normal; color: var(--vscode-descriptionForeground); }
.token-tip td { padding: 0; }
.token-tip ol { margin: 2px 0 0; padding-left: 1.6em; white-space: pre; }
.token-tip li.hit { color: var(--vscode-charts-green); }
.worst th { color: var(--vscode-descriptionForeground); }`;
