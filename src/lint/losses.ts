// The loss calls the rules look at, in their functional and module spellings:
// `F.cross_entropy(x, y)`, `nn.CrossEntropyLoss()(x, y)`, `criterion(x, y)`, `self.loss_fn(x, y)`.
import { argument, field, keyword } from './ast';
import type { PyModule } from './module';
import type { Node } from './syntax';

export type LossKind = 'cross_entropy' | 'nll_loss' | 'binary_cross_entropy' | 'binary_cross_entropy_with_logits';

const MODULES: Record<string, LossKind> = {
  CrossEntropyLoss: 'cross_entropy',
  NLLLoss: 'nll_loss',
  BCELoss: 'binary_cross_entropy',
  BCEWithLogitsLoss: 'binary_cross_entropy_with_logits',
};

export interface LossCall {
  kind: LossKind;
  call: Node;
  input?: Node;
  target?: Node;
  /** `nn.CrossEntropyLoss(...)` for module spellings: where the options are. */
  built?: Node;
  /** The spelling in the file (`F.cross_entropy`, `self.loss_fn`). */
  callee: Node;
}

export function lossCall(m: PyModule, call: Node): LossCall | undefined {
  return call.type === 'call' ? m.cached('loss', call, () => readLossCall(m, call)) : undefined;
}

function readLossCall(m: PyModule, call: Node): LossCall | undefined {
  const callee = field(call, 'function')!;
  const fname = m.torch(callee);
  const input = argument(call, 0, 'input');
  const target = argument(call, 1, 'target');
  if (fname === 'cross_entropy' || fname === 'nll_loss' || fname === 'binary_cross_entropy' || fname === 'binary_cross_entropy_with_logits') return { kind: fname, call, input, target, callee };
  const built = m.constructed(callee);
  const kind = built && MODULES[built.name];
  return kind ? { kind, call, input, target, built: built.call, callee } : undefined;
}

/** An option of the loss (`ignore_index`, `reduction`), given at the call or to the module's constructor. */
export function lossOption(loss: LossCall, name: string): Node | undefined {
  return keyword(loss.built ?? loss.call, name);
}

export const IGNORE_INDEX_DEFAULT = -100;
