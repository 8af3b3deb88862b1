// LL004 — missing causal-LM label shift: the labels are the very input_ids the model read, and neither
// the logits nor the labels are sliced, so position t is scored on the token it was given.
import { lossCall } from '../losses';
import type { Rule } from '../rule';
import { inputKeys, producingCall, sliced, tensorKey } from '../tokens';

export const LL004: Rule = {
  code: 'LL004',
  title: 'causal LM loss without the label shift',
  math: 'a causal LM models p(x_{t+1} | x_≤t): the loss is −Σ_t log p(x_{t+1} | x_≤t), i.e. logits[:, :-1] against input_ids[:, 1:]; −Σ_t log p(x_t | x_≤t) is copying the input',
  scene: 'masks',
  sceneSettings: { maskPrompt: true, maskPadding: true },
  *check({ module, calls }) {
    for (const call of calls) {
      const loss = lossCall(module, call);
      if (!loss || !loss.input || !loss.target || (loss.kind !== 'cross_entropy' && loss.kind !== 'nll_loss')) continue;
      if (sliced(module, loss.input) || sliced(module, loss.target)) continue;
      const target = tensorKey(module, loss.target);
      const model = producingCall(module, loss.input);
      if (!target || !model || !inputKeys(module, model).has(target)) continue;
      yield {
        node: call,
        message: `the labels (${loss.target.text}) are the same token ids the model read, not shifted: the logits at position t are scored against token t, which the model already sees, so it learns to copy its input and the loss falls toward 0 without learning to predict. Score logits[:, :-1] against the labels [:, 1:].`,
      };
    }
  },
};
