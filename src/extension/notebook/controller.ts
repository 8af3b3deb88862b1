// The Loss Lab kernel for .lossnb notebooks: cells run in a kernel worker per notebook (never on the
// extension host's thread), in order, with execution order, timing, interrupt and restart as VS Code
// expects. Untrusted workspaces do not execute.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { KernelClient, KernelInterrupted } from '../../kernel/client';
import { toOutput } from './serializer';

export const NOTEBOOK_TYPE = 'losslab-notebook';

export class LossKernelController implements vscode.Disposable {
  private readonly controller: vscode.NotebookController;
  private readonly kernels = new Map<string, KernelClient>();
  private order = 0;

  constructor(private readonly extensionUri: vscode.Uri) {
    this.controller = vscode.notebooks.createNotebookController('losslab-kernel', NOTEBOOK_TYPE, 'Loss Lab');
    this.controller.supportedLanguages = ['javascript', 'typescript'];
    this.controller.supportsExecutionOrder = true;
    this.controller.description = vscode.l10n.t('JavaScript/TypeScript with a PyTorch-like loss API on ONNX Runtime');
    this.controller.executeHandler = (cells, notebook) => this.execute(cells, notebook);
    this.controller.interruptHandler = (notebook) => this.kernel(notebook).interrupt();
  }

  private kernel(notebook: vscode.NotebookDocument): KernelClient {
    const key = notebook.uri.toString();
    let k = this.kernels.get(key);
    if (!k) {
      const folder = notebook.uri.scheme === 'file' ? path.dirname(notebook.uri.fsPath) : vscode.workspace.getWorkspaceFolder(notebook.uri)?.uri.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      k = new KernelClient(path.join(this.extensionUri.fsPath, 'dist', 'kernel-worker.js'), folder);
      this.kernels.set(key, k);
    }
    return k;
  }

  async restart(notebook: vscode.NotebookDocument): Promise<void> {
    await this.kernel(notebook).restart();
    this.order = 0;
  }

  private async execute(cells: vscode.NotebookCell[], notebook: vscode.NotebookDocument): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Loss Lab runs notebook cells only in a trusted workspace.'));
      return;
    }
    const kernel = this.kernel(notebook);
    for (const cell of cells) {
      const execution = this.controller.createNotebookCellExecution(cell);
      execution.executionOrder = ++this.order;
      execution.start(Date.now());
      const cancel = execution.token.onCancellationRequested(() => void kernel.interrupt());
      try {
        const language = cell.document.languageId === 'typescript' ? 'typescript' : 'javascript';
        const { outputs, ok } = await kernel.run(cell.document.getText(), language, `cell ${cell.index + 1}`);
        await execution.replaceOutput(outputs.map(toOutput));
        execution.end(ok, Date.now());
        if (!ok) break; // like Jupyter's "run all": stop at the first failing cell
      } catch (error) {
        // The extension host's own stack means nothing to the notebook's reader: the message alone.
        const message = error instanceof Error ? error.message : String(error);
        const shown = { name: error instanceof KernelInterrupted ? 'Interrupted' : 'Error', message, stack: message };
        await execution.replaceOutput(new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error(shown)]));
        execution.end(false, Date.now());
        if (error instanceof KernelInterrupted) break;
      } finally {
        cancel.dispose();
      }
    }
  }

  dispose(): void {
    for (const k of this.kernels.values()) k.dispose();
    this.controller.dispose();
  }
}
