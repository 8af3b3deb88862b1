// "Loss Lab: New Notebook": an untitled notebook from a small template that runs as it is.
import * as vscode from 'vscode';
import { NOTEBOOK_TYPE } from './controller';

const TEMPLATE: [vscode.NotebookCellKind, string, string][] = [
  [vscode.NotebookCellKind.Markup, 'markdown', '# Cross-entropy on ONNX Runtime\nCells are JavaScript (or TypeScript) with `torch`, `F`, `show` and `plot` in scope; every number comes from the engine and matches PyTorch.'],
  [vscode.NotebookCellKind.Code, 'javascript', 'const logits = torch.tensor([[2.0, 1.0, 0.1]]);\nconst target = torch.tensor([0]);\nconst loss = await F.cross_entropy(logits, target);\nloss.backward();\nplot.distribution({ probabilities: await F.softmax(logits), gradient: logits.grad }, { labels: ["a", "b", "c"] });\nloss.item()'],
];

export async function newNotebook(): Promise<void> {
  const data = new vscode.NotebookData(TEMPLATE.map(([kind, language, source]) => new vscode.NotebookCellData(kind, source, language)));
  const doc = await vscode.workspace.openNotebookDocument(NOTEBOOK_TYPE, data);
  await vscode.window.showNotebookDocument(doc);
}
