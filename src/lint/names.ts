// Python name resolution for imported names: `import torch.nn.functional as F`, `from torch.nn import
// functional as nnf`, `from torch.nn.functional import cross_entropy as ce`, `import torch as th` — each local
// name maps to the dotted path it stands for, so `F.softmax`, `nnf.softmax` and `th.nn.functional.softmax`
// all qualify as `torch.nn.functional.softmax`.
import { field, named, unparen } from './ast';
import type { Node } from './syntax';

export class Imports {
  private readonly names = new Map<string, string>();

  /** Reads every import statement of the module (also those inside functions: a local import binds the same way). */
  constructor(root: Node) {
    for (const s of root.descendantsOfType(['import_statement', 'import_from_statement'])) if (s) this.read(s);
  }

  private read(statement: Node): void {
    if (statement.type === 'import_statement') {
      for (const item of statement.childrenForFieldName('name')) {
        if (!item) continue;
        if (item.type === 'aliased_import') this.names.set(field(item, 'alias')!.text, dotted(field(item, 'name')!));
        else {
          // `import torch.nn.functional` binds `torch`; the attribute chain does the rest.
          const first = dotted(item).split('.')[0];
          this.names.set(first, first);
        }
      }
      return;
    }
    const from = field(statement, 'module_name');
    if (!from || from.type !== 'dotted_name') return; // relative imports are the project's own modules
    const base = dotted(from);
    for (const item of statement.childrenForFieldName('name')) {
      if (!item) continue;
      if (item.type === 'aliased_import') this.names.set(field(item, 'alias')!.text, `${base}.${dotted(field(item, 'name')!)}`);
      else this.names.set(dotted(item), `${base}.${dotted(item)}`);
    }
  }

  /**
   * The dotted path an expression names (`F.cross_entropy` → `torch.nn.functional.cross_entropy`), or
   * undefined when it does not start at an imported name. `local(name)` says a name is rebound in scope.
   */
  qualify(expression: Node, local: (name: string) => boolean = () => false): string | undefined {
    const n = unparen(expression);
    if (n.type === 'identifier') return local(n.text) ? undefined : this.names.get(n.text);
    if (n.type === 'attribute') {
      const object = this.qualify(field(n, 'object')!, local);
      return object && `${object}.${field(n, 'attribute')!.text}`;
    }
    return undefined;
  }

  /** True when the module imports anything under `prefix` (`torch.distributed`). */
  uses(prefix: string): boolean {
    for (const path of this.names.values()) if (path === prefix || path.startsWith(`${prefix}.`)) return true;
    return false;
  }

  /** A name the module binds to `path` (to spell a fix the way the file does), if any. */
  nameFor(path: string): string | undefined {
    for (const [name, p] of this.names) if (p === path) return name;
    return undefined;
  }
}

function dotted(node: Node): string {
  return named(node).map((c) => c.text).join('.') || node.text;
}

/** Aliases PyTorch documents for the same function: the canonical path of each. */
const CANONICAL: Record<string, string> = {
  'torch.nn.functional.softmax': 'softmax',
  'torch.softmax': 'softmax',
  'torch.special.softmax': 'softmax',
  'torch.nn.Softmax': 'Softmax',
  'torch.nn.modules.activation.Softmax': 'Softmax',
  'torch.nn.functional.sigmoid': 'sigmoid',
  'torch.sigmoid': 'sigmoid',
  'torch.special.expit': 'sigmoid',
  'torch.nn.Sigmoid': 'Sigmoid',
  'torch.nn.modules.activation.Sigmoid': 'Sigmoid',
  'torch.nn.functional.log_softmax': 'log_softmax',
  'torch.log_softmax': 'log_softmax',
  'torch.special.log_softmax': 'log_softmax',
  'torch.log': 'log',
  'torch.nn.functional.cross_entropy': 'cross_entropy',
  'torch.nn.functional.nll_loss': 'nll_loss',
  'torch.nn.functional.binary_cross_entropy': 'binary_cross_entropy',
  'torch.nn.functional.binary_cross_entropy_with_logits': 'binary_cross_entropy_with_logits',
  'torch.binary_cross_entropy_with_logits': 'binary_cross_entropy_with_logits',
  'torch.nn.CrossEntropyLoss': 'CrossEntropyLoss',
  'torch.nn.modules.loss.CrossEntropyLoss': 'CrossEntropyLoss',
  'torch.nn.NLLLoss': 'NLLLoss',
  'torch.nn.modules.loss.NLLLoss': 'NLLLoss',
  'torch.nn.BCELoss': 'BCELoss',
  'torch.nn.BCEWithLogitsLoss': 'BCEWithLogitsLoss',
  'torch.nn.modules.loss.BCEWithLogitsLoss': 'BCEWithLogitsLoss',
  'torch.no_grad': 'no_grad',
  'torch.inference_mode': 'no_grad',
  'torch.nn.functional.pad': 'pad',
  'torch.where': 'where',
  'torch.pow': 'pow',
  'torch.exp': 'exp',
  'torch.sum': 'sum',
  'torch.mean': 'mean',
};

/** The PyTorch function a dotted path names, in one spelling (`softmax`, `CrossEntropyLoss`, …), or undefined. */
export function torchName(path: string | undefined): string | undefined {
  return path === undefined ? undefined : CANONICAL[path];
}
