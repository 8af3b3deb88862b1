// "Loss Lab: Open Playground": one panel per window (reopening focuses it), restored after a reload.
// Every number it shows comes from the engine: the host validates each request and forwards it.
import * as vscode from 'vscode';
import type { EngineClient } from '../../engine/client';
import { serializeNotebook } from '../../notebook/format';
import { MIME, type NotebookJson } from '../../protocol/notebook';
import { PANEL_SCENES, type FromPanel, type OpenInNotebookMessage, type SceneSettings, type ToPanel, type TrainingEndMessage, type TrainingPreset } from '../../protocol/panel';
import { checkFromPanel, isPanelScene, refusalReply } from '../../protocol/panelValidation';
import { notebookConfig, trainingConfig, TRAINING_PRESETS } from '../training/trainModel';
import { computeForPanel } from './panelCompute';
import { PanelTraining } from './panelTraining';
import { attribute, l10nAttribute, webviewHtml, webviewOptions } from '../webviewHtml';

export const PLAYGROUND_VIEW = 'lossLab.playground';

export class PlaygroundPanel implements vscode.Disposable {
  private static current: PlaygroundPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  static show(context: vscode.ExtensionContext, engine: () => EngineClient): PlaygroundPanel {
    if (PlaygroundPanel.current) {
      PlaygroundPanel.current.panel.reveal();
      return PlaygroundPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(PLAYGROUND_VIEW, vscode.l10n.t('Loss Playground'), vscode.ViewColumn.Active, webviewOptions(context.extensionUri));
    return new PlaygroundPanel(panel, context, engine);
  }

  /** Restores a panel VS Code kept across a window reload. */
  static revive(panel: vscode.WebviewPanel, context: vscode.ExtensionContext, engine: () => EngineClient): void {
    panel.webview.options = webviewOptions(context.extensionUri);
    new PlaygroundPanel(panel, context, engine);
  }

  private readonly storage: vscode.Uri;
  private readonly training: PanelTraining;
  private ready = false;
  private readonly queued: ToPanel[] = [];

  private constructor(readonly panel: vscode.WebviewPanel, context: vscode.ExtensionContext, private readonly engine: () => EngineClient) {
    const extensionUri = context.extensionUri;
    this.storage = context.globalStorageUri;
    this.training = new PanelTraining(extensionUri, engine, (m) => this.post(m));
    PlaygroundPanel.current = this;
    const presets: TrainingPreset[] = TRAINING_PRESETS.map((p, i) => ({ label: p.label, description: p.description, notebook: notebookConfig(trainingConfig(extensionUri, i, {})) }));
    panel.webview.html = webviewHtml(panel.webview, extensionUri, {
      title: 'Loss Playground',
      script: 'playground.js',
      body: `<div id="app"${l10nAttribute()} data-presets="${attribute(JSON.stringify(presets))}"></div>`,
      css: PLAYGROUND_CSS,
      stylesheets: ['katex/katex.min.css'],
    });
    panel.webview.onDidReceiveMessage((m) => this.onMessage(m), undefined, this.disposables);
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
    panel.onDidChangeViewState(() => {
      this.ready &&= panel.visible;
      if (!this.ready) this.training.releaseAll(); // a hidden panel has no page to take the metrics
    }, undefined, this.disposables);
  }

  /** Shows scene `scene` (a playground scene id, e.g. 'softmax-ce'; a command may pass anything: else the first), its controls set to `settings`. */
  showScene(scene: string, settings?: SceneSettings): void {
    this.panel.reveal();
    void this.post({ type: 'showScene', scene: isPanelScene(scene) ? scene : PANEL_SCENES[0], ...(settings && { settings }) });
  }

  /** Shows the Training scene and trains preset `preset` there; resolves when the run ends. */
  train(preset: number): Promise<TrainingEndMessage> {
    this.panel.reveal();
    void this.post({ type: 'showScene', scene: 'training' });
    return this.training.start(preset, {});
  }

  /** Posts to the page, or keeps the message until the page says it is ready (a hidden panel has no page); false when the page does not get it now. */
  private async post(message: ToPanel): Promise<boolean> {
    if (this.ready) return this.panel.webview.postMessage(message);
    if (message.type !== 'trainingMetrics' && message.type !== 'trainingEnd') this.queued.push(message); // runs are replayed whole
    return false;
  }

  /** Acts on a message only once it is checked; a refused one is answered with the reason, shown inline. */
  private async onMessage(raw: unknown): Promise<void> {
    const checked = checkFromPanel(raw, { presets: TRAINING_PRESETS.length });
    if (!checked.ok) return void this.panel.webview.postMessage(refusalReply(raw, checked.error));
    const message = checked.message;
    if (message.type === 'ready') {
      this.ready = true;
      this.training.replay();
      for (const m of this.queued.splice(0)) void this.post(m);
    } else if (message.type === 'train') void this.training.start(message.preset, message.overrides);
    else if (message.type === 'stopTraining') this.training.stop();
    else if (message.type === 'trainingReceived') this.training.received(message.run, message.step);
    else if (message.type === 'clearTrainingRuns') this.training.clear();
    else {
      const reply = await answerChecked(message, this.engine(), this.storage);
      if (reply) void this.panel.webview.postMessage(reply);
    }
  }

  dispose(): void {
    this.training.stop();
    this.training.releaseAll();
    if (PlaygroundPanel.current === this) PlaygroundPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

/** The host's answer to one message from the panel, as the panel would get it: a refused one gets the reason. */
export async function answerPanelMessage(raw: unknown, engine: EngineClient, storage: vscode.Uri): Promise<ToPanel | undefined> {
  const checked = checkFromPanel(raw, { presets: TRAINING_PRESETS.length });
  return checked.ok ? answerChecked(checked.message, engine, storage) : refusalReply(raw, checked.error);
}

/** A checked compute gets the engine's reply; openInNotebook opens one; the rest need no reply. */
async function answerChecked(message: FromPanel, engine: EngineClient, storage: vscode.Uri): Promise<ToPanel | undefined> {
  if (message.type === 'compute') return computeForPanel(engine, message);
  if (message.type === 'openInNotebook') await openInNotebook(message, storage);
  return undefined;
}

/**
 * A notebook that redoes the scene's computation, with the scene's snapshot as the cell's output. It is
 * written as a .lossnb file in the extension's storage and opened from there (outputs given to an untitled
 * notebook through the API do not reach the renderer in code-server).
 */
async function openInNotebook(m: OpenInNotebookMessage, storage: vscode.Uri): Promise<void> {
  const nb: NotebookJson = {
    format: 'losslab-notebook/1',
    cells: [
      { kind: 'markdown', language: 'markdown', source: `# ${m.title}\n${vscode.l10n.t('From the Loss Playground: run the cell to recompute it on the engine.')}` },
      { kind: 'code', language: 'javascript', source: m.code, outputs: [{ items: [{ mime: MIME.scene, data: m.snapshot }] }] },
    ],
  };
  const uri = vscode.Uri.joinPath(storage, 'playground', `${m.snapshot.scene}-${new Date().toISOString().replace(/[:.]/g, '-')}.lossnb`);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(serializeNotebook(nb)));
  const doc = await vscode.workspace.openNotebookDocument(uri);
  await vscode.window.showNotebookDocument(doc, { viewColumn: vscode.ViewColumn.Beside });
}

const PLAYGROUND_CSS = `
  .scene { display: grid; grid-template-columns: minmax(240px, 300px) minmax(0, 1fr); gap: 16px; padding-top: 8px; }
  [hidden] { display: none !important; }
  .controls { display: flex; flex-direction: column; gap: 8px; min-width: 0; }
  .controls .control { display: grid; grid-template-columns: 110px minmax(0, 1fr) 56px; align-items: center; }
  .controls .control > select, .controls .control > vscode-dropdown, .controls .control > input:not([type="range"]) { grid-column: 2 / 4; width: 100%; min-width: 0; box-sizing: border-box; text-overflow: ellipsis; }
  .logits { display: flex; flex-direction: column; gap: 4px; max-height: 32vh; overflow-y: auto; }
  .note { margin: 0; font-size: 0.92em; opacity: 0.85; white-space: pre-line; }
  .note.warning { color: var(--vscode-editorWarning-foreground); opacity: 1; }
  .main { display: flex; flex-direction: column; gap: 8px; min-width: 0; }
  .results { display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: 12px; align-items: start; }
  .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 8px; min-width: 0; }
  .charts.wide { grid-template-columns: minmax(0, 1fr); }
  .numbers { font-family: var(--vscode-editor-font-family); white-space: pre; font-size: 12px; padding-top: 28px; }
  .results > .numbers.empty-state { grid-column: 1 / -1; font-family: inherit; font-size: inherit; white-space: normal; font-style: italic; color: var(--vscode-descriptionForeground); text-align: center; padding: 96px 16px; border: 1px dashed var(--vscode-widget-border, rgba(128, 128, 128, 0.35)); border-radius: 4px; }
  .controls .control > * { min-width: 0; max-width: 100%; }
  .formula { border-left: 3px solid var(--vscode-focusBorder); padding: 2px 12px; overflow: hidden; }
  .formula-tex { display: flex; flex-wrap: wrap; column-gap: 2.5em; align-items: baseline; }
  .formula-tex .katex-display { margin: 0.25em 0; text-align: left; }
  .formula-tex .katex-display > .katex { text-align: left; }
  .formula-tex > span, .formula-live > div { max-width: 100%; overflow-x: auto; overflow-y: hidden; }
  .formula-live { color: var(--vscode-descriptionForeground); font-size: 0.95em; }
  .formula-live > div { margin: 2px 0; }
  .formula [data-term] { cursor: help; border-radius: 3px; }
  .formula [data-term].hovered, .formula [data-term]:hover { background: var(--vscode-editor-selectionBackground); }
  .notice { margin: 6px 0 2px; font-style: italic; }
  @media (max-width: 1250px) { .results { grid-template-columns: minmax(0, 1fr); } .results > .numbers { order: -1; padding-top: 0; } }
  @media (max-width: 720px) { .scene { grid-template-columns: minmax(0, 1fr); } }
  .message { color: var(--vscode-errorForeground); min-height: 1.2em; }
  .tab-strip { display: flex; align-items: stretch; border-bottom: 1px solid var(--vscode-panel-border, transparent); }
  nav { display: flex; flex: 1 1 auto; min-width: 0; flex-wrap: nowrap; align-items: stretch; overflow-x: auto; overflow-y: hidden; scrollbar-width: thin; scroll-padding-inline: 24px; }
  .tab-scroll { display: none; flex: none; width: 24px; padding: 0; background: none; border: none; color: var(--vscode-icon-foreground, var(--vscode-foreground)); font-size: 18px; line-height: 1; cursor: pointer; border-radius: 4px; }
  .tab-scroll:hover { background: var(--vscode-toolbar-hoverBackground, rgba(128, 128, 128, 0.2)); }
  .tab-strip.more-left .tab-scroll.left, .tab-strip.more-right .tab-scroll.right { display: block; }
  .tab-strip.more-left nav { mask-image: linear-gradient(to right, transparent, #000 28px); }
  .tab-strip.more-right nav { mask-image: linear-gradient(to left, transparent, #000 28px); }
  .tab-strip.more-left.more-right nav { mask-image: linear-gradient(to right, transparent, #000 28px, #000 calc(100% - 28px), transparent); }
  nav .tab-group { display: flex; flex: none; }
  nav .tab-group + .tab-group { border-left: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, rgba(128, 128, 128, 0.35))); margin-left: 4px; padding-left: 4px; }
  nav button { flex: none; white-space: nowrap; }
  nav button { background: none; color: var(--vscode-foreground); border: none; border-bottom: 2px solid transparent; padding: 6px 10px; cursor: pointer; font: inherit; }
  nav button[aria-selected="true"] { border-bottom-color: var(--vscode-focusBorder); }
`;
