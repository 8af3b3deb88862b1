// Runs in the VS Code extension host. Wires commands; the engine worker (and ONNX Runtime) starts on
// first use, never at activation.
import * as vscode from 'vscode';
import type { OpRequest, OpResult } from '../protocol/engine';
import { checkEngine } from './checkEngine';
import { EngineHost } from './engineHost';
import { plotTrainingLog } from './logs/logView';
import { pickPreset } from './training/trainModel';
import { answerPanelMessage, PLAYGROUND_VIEW, PlaygroundPanel } from './playground/playgroundPanel';
import { LossKernelController, NOTEBOOK_TYPE } from './notebook/controller';
import { LossNotebookSerializer } from './notebook/serializer';
import { newNotebook } from './notebook/newNotebook';
import { registerLinter } from './lint';
import { registerInspector } from './inspector/inspectorEditor';

/** What activate() returns: used by integration tests and by other extensions. */
export interface LossLabApi {
  evaluate(request: OpRequest): Promise<OpResult>;
  /** True once the engine worker has been started by a request. */
  readonly engineStarted: boolean;
  /** What the host does with a message from the playground panel (validation, engine, reply). */
  answerPlayground(message: unknown): Promise<unknown>;
}

export function activate(context: vscode.ExtensionContext): LossLabApi {
  const host = new EngineHost(context.extensionUri);
  const kernels = new LossKernelController(context.extensionUri);
  context.subscriptions.push(
    kernels,
    vscode.workspace.registerNotebookSerializer(NOTEBOOK_TYPE, new LossNotebookSerializer()),
    vscode.commands.registerCommand('lossLab.newNotebook', () => newNotebook()),
    vscode.commands.registerCommand('lossLab.restartKernel', () => {
      const notebook = vscode.window.activeNotebookEditor?.notebook;
      if (notebook) return kernels.restart(notebook);
    }),
    host,
    vscode.commands.registerCommand('lossLab.checkEngine', () => checkEngine(host.engine)),
    vscode.commands.registerCommand('lossLab.openPlayground', (scene?: unknown) => {
      const panel = PlaygroundPanel.show(context, () => host.engine);
      if (typeof scene === 'string') panel.showScene(scene);
    }),
    ...registerInspector(context),
    vscode.window.registerWebviewPanelSerializer(PLAYGROUND_VIEW, {
      deserializeWebviewPanel: async (panel) => PlaygroundPanel.revive(panel, context, () => host.engine),
    }),
    vscode.commands.registerCommand('lossLab.plotTrainingLog', async (uri?: vscode.Uri) => {
      const view = await plotTrainingLog(context.extensionUri, uri instanceof vscode.Uri ? uri : undefined);
      if (view) context.subscriptions.push(view);
    }),
    // Opens the playground's Training scene and trains the chosen preset; resolves with how the run ended.
    vscode.commands.registerCommand('lossLab.trainModel', async (preset?: number) => {
      const index = typeof preset === 'number' ? preset : await pickPreset();
      if (index !== undefined) return PlaygroundPanel.show(context, () => host.engine).train(index);
    }),
  );
  registerLinter(context, (scene, settings) => PlaygroundPanel.show(context, () => host.engine).showScene(scene, settings));
  return {
    evaluate: (request) => host.engine.evaluate(request),
    answerPlayground: (message) => answerPanelMessage(message, host.engine, context.globalStorageUri),
    get engineStarted() {
      return host.started;
    },
  };
}

export function deactivate(): void {}
