// kl_div (torch.nn.functional), kl_divergence (KL(p‖q) per row) and entropy (H(p) per row).
import type { Value } from '../graph/graph';
import { div, exp, greater, log, mul, neg, sub, where } from '../graph/math';
import { sum } from '../graph/nn';
import { checkSameShape, reduce } from './common';
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
  build(_g, { input }, options) {
    const rows = neg(sum(xlogx(input), [-1]));
    return { output: reduce(rows, oneOf(options, 'reduction', ['none', 'mean', 'sum'])) };
  },
};
