// The extension's one engine: an EngineClient whose worker starts on the first request, never at
// activation (onnxruntime-node loads only inside that worker).
import * as vscode from 'vscode';
import { EngineClient } from '../engine/client';

export class EngineHost implements vscode.Disposable {
  private client: EngineClient | undefined;

  constructor(private readonly extensionUri: vscode.Uri) {}

  get engine(): EngineClient {
    this.client ??= new EngineClient({ workerPath: vscode.Uri.joinPath(this.extensionUri, 'dist', 'engine-worker.js').fsPath });
    return this.client;
  }

  /** True once a request has started the worker. */
  get started(): boolean {
    return this.client?.running ?? false;
  }

  dispose(): void {
    this.client?.dispose();
  }
}
