// LL002 — sigmoid before a with-logits loss: binary_cross_entropy_with_logits applies the sigmoid itself.
import { lossCall } from '../losses';
import { replace, type Rule } from '../rule';

export const LL002: Rule = {
  code: 'LL002',
  title: 'sigmoid output passed to a with-logits loss',
  math: 'BCEWithLogits(σ(z), y) = −[y log σ(σ(z)) + (1−y) log(1−σ(σ(z)))]: σ(z) ∈ (0, 1) gives σ(σ(z)) ∈ (0.5, 0.73), so the loss never falls below ≈ 0.31 and ∂L/∂z ≤ σ′(z)/4',
  scene: 'other',
  sceneSettings: { posWeight: 1 },
  *check({ module, calls }) {
    for (const call of calls) {
      const loss = lossCall(module, call);
      if (!loss || !loss.input || loss.kind !== 'binary_cross_entropy_with_logits') continue;
      const act = module.activationOf(loss.input);
      if (!act || act.kind !== 'sigmoid') continue;
      yield {
        node: call,
        message: `${loss.callee.text} gets probabilities from sigmoid, but it applies the sigmoid itself: the model is trained on σ(σ(z)), which stays between 0.5 and 0.73, so the loss cannot approach 0 and the gradient is squashed. Pass the logits (drop the sigmoid).`,
        fix: act.call.id === loss.input.id ? { title: 'Drop the sigmoid (pass the logits)', edits: [replace(act.call, act.input.text)] } : undefined,
      };
    }
  },
};
