// kl_div (torch.nn.functional), kl_divergence (KL(p‖q) per row), entropy (H(p) per row), and the KL between a
// target and a discretized Gaussian (the playground's forward vs reverse KL fit).
import type { Value } from '../graph/graph';
import { div, exp, greater, log, maximum, mul, neg, sub, where } from '../graph/math';
import { logSoftmax, sum } from '../graph/nn';
import { checkSameShape, probabilityWarnings, reduce } from './common';
import { fail, oneOf, type OpDefinition } from './op';

/** p·log p with 0·log 0 = 0 (and no NaN gradient leaking from the masked branch). */
function xlogx(p: Value): Value {
  const positive = greater(p, 0);
  const safe = where(positive, p, p.graph.scalar(1, p.dtype));
  return where(positive, mul(p, log(safe)), p.graph.scalar(0, p.dtype));
}

export const klDiv: OpDefinition = {
  name: 'kl_div',
  inputs: { input: 'float', target: 'float' },
  defaults: { reduction: 'mean', log_target: false },
  check({ input, target }, options) {
    oneOf(options, 'reduction', ['none', 'mean', 'sum', 'batchmean']);
    if (typeof options.log_target !== 'boolean') fail(`log_target must be a boolean, got ${JSON.stringify(options.log_target)}`);
    checkSameShape('kl_div', ['input', input], ['target', target]);
  },
  warnings({ target }, options) {
    return options.log_target ? [] : probabilityWarnings('kl_div', 'target', target, -1);
  },
  build(_g, { input, target }, options) {
    // Pointwise target·(log target − input); input is log q.
    const pointwise = options.log_target
      ? mul(exp(target), sub(target, input))
      : sub(xlogx(target), mul(target, input));
    const how = oneOf(options, 'reduction', ['none', 'mean', 'sum', 'batchmean']);
    if (how === 'batchmean') return { output: div(sum(pointwise), input.shape.length ? input.shape[0] : 1) };
    return { output: reduce(pointwise, how) };
  },
};

export const klDivergence: OpDefinition = {
  name: 'kl_divergence',
  inputs: { p: 'float', q: 'float' },
  defaults: { reduction: 'none' },
  check({ p, q }, options) {
    oneOf(options, 'reduction', ['none', 'mean', 'sum']);
    checkSameShape('kl_divergence', ['p', p], ['q', q]);
    if (p.shape.length < 1) fail('kl_divergence(): p and q need a class axis (the last one)');
  },
  warnings({ p, q }) {
    return [...probabilityWarnings('kl_divergence', 'p', p, -1), ...probabilityWarnings('kl_divergence', 'q', q, -1)];
  },
  build(_g, { p, q }, options) {
    const rows = sum(sub(xlogx(p), mul(p, log(q))), [-1]);
    return { output: reduce(rows, oneOf(options, 'reduction', ['none', 'mean', 'sum'])) };
  },
};

export const entropy: OpDefinition = {
  name: 'entropy',
  inputs: { input: 'float' },
  defaults: { reduction: 'none' },
  check({ input }, options) {
    oneOf(options, 'reduction', ['none', 'mean', 'sum']);
    if (input.shape.length < 1) fail('entropy(): input needs a class axis (the last one)');
  },
  warnings({ input }) {
    return probabilityWarnings('entropy', 'input', input, -1);
  },
  build(_g, { input }, options) {
    const rows = neg(sum(xlogx(input), [-1]));
    return { output: reduce(rows, oneOf(options, 'reduction', ['none', 'mean', 'sum'])) };
  },
};

/**
 * KL between a target P on support points x and a discretized Gaussian Q = softmax(−(x − μ)² / (2σ²)),
 * σ = exp(log_sigma): KL(P‖Q) for direction 'forward' (mode-covering), KL(Q‖P) for 'reverse' (mode-seeking).
 * Gradients w.r.t. mu and log_sigma come from the graph; Q is returned as the extra `q`.
 */
export const discreteGaussianKl: OpDefinition = {
  name: 'discrete_gaussian_kl',
  inputs: { target: 'float', support: 'float', mu: 'float', log_sigma: 'float' },
  defaults: { direction: 'forward' },
  check({ target, support, mu, log_sigma }, options) {
    oneOf(options, 'direction', ['forward', 'reverse']);
    if (target.shape.length !== 1 || target.shape[0] < 1) fail(`discrete_gaussian_kl(): target must be a 1-D distribution, got shape [${target.shape.join(', ')}]`);
    checkSameShape('discrete_gaussian_kl', ['target', target], ['support', support]);
    for (const [name, t] of [['mu', mu], ['log_sigma', log_sigma]] as const) {
      if (t.shape.length !== 1 || t.shape[0] !== 1) fail(`discrete_gaussian_kl(): ${name} must have shape [1], got [${t.shape.join(', ')}]`);
    }
  },
  build(_g, { target, support, mu, log_sigma }, options) {
    const z = neg(div(mul(sub(support, mu), sub(support, mu)), mul(exp(mul(log_sigma, 2)), 2)));
    const logQ = logSoftmax(z, 0);
    const q = exp(logQ);
    const tiny = target.graph.scalar(1e-30, target.dtype);
    const output =
      oneOf(options, 'direction', ['forward', 'reverse']) === 'forward'
        ? sum(sub(xlogx(target), mul(target, logQ)))
        : sum(mul(q, sub(logQ, log(maximum(target, tiny)))));
    return { output, extras: { q } };
  },
};
