// Wires the loss linter into VS Code: the worker-backed diagnostics, the hover, the quick fixes, and the
// command that opens the playground at a scene.
import * as vscode from 'vscode';
import { LintClient } from '../../lint/client';
import type { SceneSettings } from '../../protocol/panel';
import { asSceneSettings } from '../../protocol/panelValidation';
import { LintDiagnostics } from './diagnostics';
import { LintHover, OPEN_SCENE_COMMAND } from './hover';
import { LintQuickFixes } from './quickFix';

export function registerLinter(context: vscode.ExtensionContext, openScene: (scene: string, settings?: SceneSettings) => void): LintDiagnostics {
  const client = new LintClient(vscode.Uri.joinPath(context.extensionUri, 'dist', 'lint-worker.js').fsPath);
  const diagnostics = new LintDiagnostics(client, vscode.Uri.joinPath(context.extensionUri, 'README.md'));
  const python: vscode.DocumentSelector = { language: 'python' }; // .py files and Python notebook cells
  context.subscriptions.push(
    client,
    diagnostics,
    vscode.languages.registerHoverProvider(python, new LintHover(diagnostics)),
    vscode.languages.registerCodeActionsProvider(python, new LintQuickFixes(diagnostics), { providedCodeActionKinds: LintQuickFixes.kinds }),
    vscode.commands.registerCommand(OPEN_SCENE_COMMAND, (scene: unknown, settings: unknown) => openScene(typeof scene === 'string' ? scene : 'softmax-ce', asSceneSettings(settings))),
  );
  return diagnostics;
}
