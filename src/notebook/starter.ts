// The cells of a new notebook ("Loss Lab: New Notebook"): a small example that runs as it is and draws a
// chart. Pure: no vscode, no node.
import type { NotebookJson } from '../protocol/notebook';

export const STARTER_CELLS: NotebookJson['cells'] = [
  {
    kind: 'markdown',
    language: 'markdown',
    source: '# Cross-entropy on ONNX Runtime\nCells are JavaScript (or TypeScript) with `torch`, `F`, `nn`, `optim`, `show` and `plot` in scope, written as in PyTorch; every number comes from the engine and matches PyTorch.',
  },
  {
    kind: 'code',
    language: 'javascript',
    source: [
      'const logits = torch.tensor([[2.0, 1.0, 0.1]], { requires_grad: true });',
      'const target = torch.tensor([0]);',
      'const loss = F.cross_entropy(logits, target);',
      'loss.backward();',
      'const probabilities = F.softmax(logits, 1).at(0);',
      'plot.distribution({ probabilities, gradient: logits.grad.at(0) }, { labels: ["a", "b", "c"] });',
      'loss',
    ].join('\n'),
  },
];
