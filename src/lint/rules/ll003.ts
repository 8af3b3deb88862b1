// LL003 — log of a softmax or sigmoid computed in two steps: `torch.log(F.softmax(x))`, `p.log()`,
// `torch.log(torch.sigmoid(z))`, and `F.binary_cross_entropy(torch.sigmoid(z), y)`. The probabilities
// underflow to 0 (log → −inf, gradient NaN) where log_softmax / logsigmoid / BCE-with-logits stay finite.
import { field, unparen } from '../ast';
import { lossCall } from '../losses';
import type { ActivationCall, PyModule } from '../module';
import type { Node } from '../syntax';
import { replace, type Fix, type Rule } from '../rule';

export const LL003: Rule = {
  code: 'LL003',
  title: 'log of softmax or sigmoid in two steps',
  math: 'log softmax(z)_i = z_i − logsumexp(z) is finite, but softmax(z)_i underflows to 0 once z_max − z_i > 104 (float32), so log → −inf and the gradient is NaN',
  scene: 'softmax-ce',
  sceneSettings: { gamma: 0, naive: true, logScale: true },
  *check({ module, calls }) {
    for (const call of calls) {
      const outer = module.activation(call);
      if (outer?.kind === 'log') {
        const inner = module.activationOf(outer.input);
        if (!inner || (inner.kind !== 'softmax' && inner.kind !== 'sigmoid')) continue;
        const stable = inner.kind === 'softmax' ? 'log_softmax' : 'F.logsigmoid';
        yield {
          node: call,
          message: `log of ${inner.kind} in two steps: ${inner.kind === 'softmax' ? 'softmax' : 'sigmoid'} underflows to 0 for large logits and the log turns it into −inf (NaN gradients), while the loss's true value is finite. Use ${stable} on the logits.`,
          fix: inner.call.id === unparen(outer.input).id ? logFix(module, outer, inner) : undefined,
        };
        continue;
      }
      const loss = lossCall(module, call);
      if (!loss || loss.kind !== 'binary_cross_entropy' || !loss.input) continue;
      const act = module.activationOf(loss.input);
      if (act?.kind !== 'sigmoid') continue;
      yield {
        node: call,
        message: `${loss.callee.text} on sigmoid output takes log σ(z) and log(1 − σ(z)) in two steps: σ(z) rounds to exactly 1 in float32 for z > 17 and PyTorch clamps the log at −100, so the loss and its gradient are wrong for confident predictions. Use binary_cross_entropy_with_logits on the logits.`,
        fix: act.call.id === loss.input.id && !loss.built ? bceFix(call, act) : undefined,
      };
    }
  },
};

/** `torch.log(F.softmax(x, dim=-1))` → `F.log_softmax(x, dim=-1)`; `p.softmax(-1).log()` → `p.log_softmax(-1)`; sigmoid → logsigmoid. */
function logFix(m: PyModule, log: ActivationCall, inner: ActivationCall): Fix | undefined {
  const fn = field(inner.call, 'function')!;
  if (inner.kind === 'softmax') {
    if (fn.type !== 'attribute') return undefined;
    const text = `${field(fn, 'object')!.text}.log_softmax${field(inner.call, 'arguments')!.text}`;
    return { title: 'Use log_softmax', edits: [replace(log.call, text)] };
  }
  const functional = m.imports.nameFor('torch.nn.functional') ?? (m.imports.nameFor('torch') ? `${m.imports.nameFor('torch')}.nn.functional` : undefined);
  if (!functional) return undefined;
  return { title: 'Use logsigmoid', edits: [replace(log.call, `${functional}.logsigmoid(${inner.input.text})`)] };
}

/** `F.binary_cross_entropy(torch.sigmoid(z), y)` → `F.binary_cross_entropy_with_logits(z, y)`. */
function bceFix(call: Node, sigmoid: ActivationCall): Fix | undefined {
  const fn = field(call, 'function')!;
  const name = fn.type === 'attribute' ? field(fn, 'attribute')! : undefined;
  if (!name || name.text !== 'binary_cross_entropy') return undefined;
  return { title: 'Use binary_cross_entropy_with_logits', edits: [replace(name, 'binary_cross_entropy_with_logits'), replace(sigmoid.call, sigmoid.input.text)] };
}
