// mse_loss, l1_loss, huber_loss(delta), smooth_l1_loss(beta) with PyTorch's defaults.
import type { Value } from '../graph/graph';
import { abs, div, less, mul, sub, where } from '../graph/math';
import { checkSameShape, reduce, reduction } from './common';
import { fail, numberOption, type OpDefinition, type Options } from './op';

function pairwise(name: string, loss: (d: Value, options: Options) => Value, defaults: Options = {}, positive?: string): OpDefinition {
  return {
    name,
    inputs: { input: 'float', target: 'float' },
    defaults: { reduction: 'mean', ...defaults },
    check({ input, target }, options) {
      reduction(options);
      checkSameShape(name, ['input', input], ['target', target]);
      if (positive && numberOption(options, positive) <= 0) fail(`${name}(): ${positive} must be positive, got ${options[positive]}`);
    },
    build: (_g, { input, target }, options) => ({ output: reduce(loss(sub(input, target), options), reduction(options)) }),
  };
}

/** 0.5·d² where |d| < δ, else δ·(|d| − 0.5·δ). */
function huber(d: Value, delta: number): Value {
  const a = abs(d);
  return where(less(a, delta), mul(mul(d, d), 0.5), mul(sub(a, 0.5 * delta), delta));
}

export const mseLoss = pairwise('mse_loss', (d) => mul(d, d));
export const l1Loss = pairwise('l1_loss', (d) => abs(d));
export const huberLoss = pairwise('huber_loss', (d, o) => huber(d, numberOption(o, 'delta')), { delta: 1 }, 'delta');
export const smoothL1Loss = pairwise(
  'smooth_l1_loss',
  (d, o) => div(huber(d, numberOption(o, 'beta')), numberOption(o, 'beta')),
  { beta: 1 },
  'beta',
);
