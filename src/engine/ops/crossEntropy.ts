// cross_entropy and nll_loss, as torch.nn.functional defines them (class-index and probability targets).
import type { Value } from '../graph/graph';
import { add, div, greater, mul, neg, where } from '../graph/math';
import { logSoftmax, sum } from '../graph/nn';
import { classIndexRows, weightTotal } from './classIndexLoss';
import { reshape } from '../graph/shape';
import { checkClassTarget, checkLabels, checkSameShape, checkWeight, classRows, probabilityWarnings, reduce, reduction } from './common';
import { fail, numberOption, type OpDefinition, type Options } from './op';

/** The class-index loss of scores [M, C] for `target` (any shape with M elements), reduced as asked. */
function classIndexLoss(scores: { logits: Value } | { logProbs: Value }, target: Value, weight: Value | undefined, options: Options, labelSmoothing: number): Value {
  const x = 'logits' in scores ? scores.logits : scores.logProbs;
  const rows = classIndexRows(scores, reshape(target, [x.shape[0]]), { ignoreIndex: numberOption(options, 'ignore_index'), weight, labelSmoothing });
  const how = reduction(options);
  if (how === 'none') return reshape(rows.loss, target.shape);
  if (how === 'sum') return sum(rows.loss);
  // Over no counted weight the mean is 0/0 = NaN, and PyTorch's gradient is 0 (not NaN) everywhere.
  const total = weightTotal(rows, rows.loss);
  const some = greater(total, 0);
  return where(some, div(sum(rows.loss), where(some, total, 1)), NaN);
}

function smoothing(options: Options): number {
  const eps = numberOption(options, 'label_smoothing');
  if (eps < 0 || eps > 1) fail(`label_smoothing must be between 0.0 and 1.0. Got: ${eps}`);
  return eps;
}

export const crossEntropy: OpDefinition = {
  name: 'cross_entropy',
  inputs: { input: 'float', target: 'float-or-int' },
  tensorOptions: ['weight'],
  defaults: { reduction: 'mean', ignore_index: -100, label_smoothing: 0 },
  check({ input, target, weight }, options) {
    reduction(options);
    smoothing(options);
    const C = input.shape.length === 1 ? input.shape[0] : input.shape[1];
    checkWeight('cross_entropy', weight, C);
    if (target.dtype !== 'int64') {
      checkSameShape('cross_entropy', ['input', input], ['target (probabilities)', target]);
      return;
    }
    checkClassTarget('cross_entropy', input, target);
    checkLabels(target, C, numberOption(options, 'ignore_index'));
  },
  warnings({ input, target }) {
    return target.dtype === 'int64' ? [] : probabilityWarnings('cross_entropy', 'target', target, input.shape.length === 1 ? 0 : 1);
  },
  build(_g, { input, target, weight }, options) {
    const eps = smoothing(options);
    const how = reduction(options);
    const batched = input.shape.length === 1 ? reshape(input, [1, input.shape[0]]) : input;
    if (target.isFloat) {
      const logProbs = classRows(logSoftmax(batched, 1));
      const C = logProbs.shape[1];
      const soft = classRows(input.shape.length === 1 ? reshape(target, [1, C]) : target);
      const smoothed = eps > 0 ? add(mul(soft, 1 - eps), eps / C) : soft;
      const weighted = weight ? mul(smoothed, reshape(weight, [1, C])) : smoothed;
      const rows = neg(sum(mul(weighted, logProbs), [1]));
      const outShape = input.shape.length === 1 ? [] : [input.shape[0], ...input.shape.slice(2)];
      return { output: how === 'none' ? reshape(rows, outShape) : reduce(rows, how) };
    }
    return { output: classIndexLoss({ logits: classRows(batched) }, target, weight, options, eps) };
  },
};

export const nllLoss: OpDefinition = {
  name: 'nll_loss',
  inputs: { input: 'float', target: 'int' },
  tensorOptions: ['weight'],
  defaults: { reduction: 'mean', ignore_index: -100 },
  check({ input, target, weight }, options) {
    reduction(options);
    const C = checkClassTarget('nll_loss', input, target);
    checkWeight('nll_loss', weight, C);
    checkLabels(target, C, numberOption(options, 'ignore_index'));
  },
  build(_g, { input, target, weight }, options) {
    const batched = input.shape.length === 1 ? reshape(input, [1, input.shape[0]]) : input;
    return { output: classIndexLoss({ logProbs: classRows(batched) }, target, weight, options, 0) };
  },
};

