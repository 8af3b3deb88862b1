// sigmoid_focal_loss (torchvision) and multiclass focal_loss: −α_y·(1 − p_y)^γ·log p_y (p_y not detached).
import type { Value } from '../graph/graph';
import { add, div, mul, pow, sigmoid, softplus, sub } from '../graph/math';
import { sum } from '../graph/nn';
import { classIndexRows, countedTotal } from './classIndexLoss';
import { checkClassTarget, checkLabels, checkSameShape, checkWeight, reduce, reduction } from './common';
import { fail, numberOption, type OpDefinition } from './op';

/** (1 − p)^γ, with γ = 0 giving exactly 1 (and no 0^−1 in the gradient). */
function modulating(oneMinusP: Value, gamma: number): Value | undefined {
  return gamma === 0 ? undefined : pow(oneMinusP, gamma);
}

export const sigmoidFocalLoss: OpDefinition = {
  name: 'sigmoid_focal_loss',
  inputs: { inputs: 'float', targets: 'float' },
  defaults: { alpha: 0.25, gamma: 2, reduction: 'none' },
  check({ inputs, targets }, options) {
    reduction(options);
    checkSameShape('sigmoid_focal_loss', ['inputs', inputs], ['targets', targets]);
    if (numberOption(options, 'gamma') < 0) fail(`sigmoid_focal_loss(): gamma must be ≥ 0, got ${options.gamma}`);
    numberOption(options, 'alpha');
  },
  build(_g, { inputs: x, targets: t }, options) {
    const p = sigmoid(x);
    const ce = sub(softplus(x), mul(x, t));
    const pT = add(mul(p, t), mul(sub(1, p), sub(1, t)));
    const factor = modulating(sub(1, pT), numberOption(options, 'gamma'));
    let loss = factor ? mul(ce, factor) : ce;
    const alpha = numberOption(options, 'alpha');
    if (alpha >= 0) loss = mul(loss, add(mul(t, alpha), mul(sub(1, t), 1 - alpha)));
    return { output: reduce(loss, reduction(options)) };
  },
};

export const focalLoss: OpDefinition = {
  name: 'focal_loss',
  inputs: { input: 'float', target: 'int' },
  tensorOptions: ['alpha'],
  defaults: { gamma: 2, reduction: 'mean', ignore_index: -100 },
  check({ input, target, alpha }, options) {
    reduction(options);
    if (input.shape.length !== 2) fail(`focal_loss(): expected input of shape [N, C], got [${input.shape.join(', ')}]`);
    const C = checkClassTarget('focal_loss', input, target);
    checkWeight('focal_loss', alpha, C);
    checkLabels(target, C, numberOption(options, 'ignore_index'));
    if (numberOption(options, 'gamma') < 0) fail(`focal_loss(): gamma must be ≥ 0, got ${options.gamma}`);
  },
  build(_g, { input, target, alpha }, options) {
    const rows = classIndexRows({ logits: input }, target, {
      ignoreIndex: numberOption(options, 'ignore_index'),
      weight: alpha,
      focalGamma: numberOption(options, 'gamma'),
    });
    const how = reduction(options);
    // 'mean' over counted rows (α does not weigh the denominator): NaN when every row is ignored, as cross_entropy.
    return { output: how === 'mean' ? div(sum(rows.loss), countedTotal(rows, rows.loss)) : how === 'sum' ? sum(rows.loss) : rows.loss };
  },
};
