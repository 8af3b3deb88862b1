// Multi-task balancing: K task gradients g_k of the same shared parameters (grads [K, ...], one row per task,
// each flattened) combined into the one update direction g_total = Σ_k c_k·g_k. The strategy sets c_k:
//   'weighted'   c_k = w_k                  the plain weighted sum of losses L = Σ w_k·L_k (its gradient)
//   'normalized' c_k = w_k / ‖g_k‖          every task contributes a vector of length w_k (gradient normalisation)
//   'adaptive'   c_k = w_k / (‖g_k‖ + eps)  the weights w_k(t) = 1/(‖g_k‖ + ε) recomputed at every step when w = 1;
//                                           eps keeps a vanishing gradient from being blown up to length 1.
// Extras: `norms` ‖g_k‖ [K] and `coefficients` c_k [K]. Gradients w.r.t. grads and weights come from autodiff.
import { add, div, mul, sqrt } from '../graph/math';
import { sum } from '../graph/nn';
import { reshape } from '../graph/shape';
import { fail, knownValues, numberOption, oneOf, shapeText, type OpDefinition } from './op';

export const MULTI_TASK_STRATEGIES = ['weighted', 'normalized', 'adaptive'] as const;

export const multiTaskGradient: OpDefinition = {
  name: 'multi_task_gradient',
  inputs: { grads: 'float', weights: 'float' },
  defaults: { strategy: 'weighted', eps: 1e-8 },
  check({ grads, weights }, options) {
    oneOf(options, 'strategy', MULTI_TASK_STRATEGIES);
    if (grads.shape.length < 2 || grads.shape[0] < 1) fail(`multi_task_gradient(): grads must be [K, ...], one gradient per task, got shape ${shapeText(grads.shape)}`);
    const K = grads.shape[0];
    if (weights.shape.join() !== String(K)) fail(`multi_task_gradient(): weights must have one value per task (shape [${K}]), got shape ${shapeText(weights.shape)}`);
    const w = knownValues(weights);
    // A negative weight is allowed: it reverses a task's gradient (gradient reversal, as in domain-adversarial training).
    const bad = w ? Array.from(w).findIndex((v) => !Number.isFinite(v)) : -1;
    if (bad >= 0) fail(`multi_task_gradient(): weights must be finite, got weights[${bad}] = ${w![bad]}`);
    const eps = numberOption(options, 'eps');
    if (!(eps >= 0)) fail(`multi_task_gradient(): eps must be non-negative, got ${eps}`);
    const values = knownValues(grads);
    if (values && options.strategy === 'normalized') {
      const P = values.length / K;
      for (let k = 0; k < K; k++) {
        let zero = true;
        for (let i = k * P; i < (k + 1) * P && zero; i++) zero = values[i] === 0;
        if (zero) fail(`multi_task_gradient(): task ${k} has an all-zero gradient, which strategy='normalized' cannot scale to unit length (use strategy='adaptive' with eps > 0)`);
      }
    }
  },
  build(_g, { grads, weights }, options) {
    const [K] = grads.shape;
    const rows = reshape(grads, [K, grads.size / K]);
    const norms = sqrt(sum(mul(rows, rows), [1])); // [K]
    const strategy = oneOf(options, 'strategy', MULTI_TASK_STRATEGIES);
    const coefficients = strategy === 'weighted' ? weights : div(weights, strategy === 'normalized' ? norms : add(norms, numberOption(options, 'eps')));
    const total = sum(mul(rows, reshape(coefficients, [K, 1])), [0]);
    return { output: reshape(total, grads.shape.slice(1)), extras: { norms, coefficients } };
  },
};
