// Runs in the VS Code extension host. Wires commands; heavy parts (engine worker, ORT) load lazily.
import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push();
}

export function deactivate(): void {}
