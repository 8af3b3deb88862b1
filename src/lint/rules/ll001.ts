// LL001 — probabilities into a logits loss: softmax output reaching cross_entropy (which applies
// log_softmax itself) or nll_loss (which wants log-probabilities).
import { lossCall } from '../losses';
import { renameCallee, replace, type Rule } from '../rule';

export const LL001: Rule = {
  code: 'LL001',
  title: 'softmax output passed to a loss that takes logits or log-probabilities',
  math: 'cross_entropy(softmax(z), y) = −log softmax(softmax(z))_y, so ∂L/∂p = softmax(p) − y, not p − y; nll_loss(p, y) = −p_y, not −log p_y',
  scene: 'softmax-ce',
  sceneSettings: { gamma: 0, naive: false, logScale: false },
  *check({ module, calls }) {
    for (const call of calls) {
      const loss = lossCall(module, call);
      if (!loss || !loss.input || (loss.kind !== 'cross_entropy' && loss.kind !== 'nll_loss')) continue;
      const act = module.activationOf(loss.input);
      if (!act || act.kind !== 'softmax') continue;
      const inline = act.call.id === loss.input.id;
      if (loss.kind === 'cross_entropy') {
        yield {
          node: call,
          message: `${loss.callee.text} gets probabilities from softmax, but it applies log_softmax to its input itself: the loss becomes −log softmax(p)_y, which cannot reach 0 and whose gradient shrinks as p saturates. Pass the logits (drop the softmax).`,
          fix: inline ? { title: 'Drop the softmax (pass the logits)', edits: [replace(act.call, act.input.text)] } : undefined,
        };
      } else {
        yield {
          node: call,
          message: `${loss.callee.text} expects log-probabilities but gets probabilities from softmax: it computes −p_y instead of −log p_y, a different objective that is bounded and barely penalises confident mistakes. Use log_softmax instead of softmax (or cross_entropy on the logits).`,
          fix: inline ? renameCallee(act.call, 'log_softmax', 'Use log_softmax instead of softmax') : undefined,
        };
      }
    }
  },
};
