// cross_entropy and nll_loss, as torch.nn.functional defines them (class-index and probability targets).
import type { Value } from '../graph/graph';
import { add, div, equal, mul, neg, not, where } from '../graph/math';
import { gather, logSoftmax, sum } from '../graph/nn';
import { reshape } from '../graph/shape';
import { checkClassTarget, checkLabels, checkSameShape, checkWeight, classRows, reduce, reduction, type Reduction } from './common';
import { fail, numberOption, type OpDefinition, type Options } from './op';

interface ClassIndexLoss {
  logProbs: Value; // [M, C]
  target: Value; // [M] int64
  weight?: Value; // [C]
  ignoreIndex: number;
  labelSmoothing: number;
  reduction: Reduction;
  outShape: readonly number[];
}

/** The class-index loss of log-probabilities [M, C] for `target` (any shape with M elements) and options. */
function classIndexFromOptions(logProbs: Value, target: Value, weight: Value | undefined, options: Options, labelSmoothing: number): Value {
  return classIndexLoss({
    logProbs,
    target: reshape(target, [logProbs.shape[0]]),
    weight,
    ignoreIndex: numberOption(options, 'ignore_index'),
    labelSmoothing,
    reduction: reduction(options),
    outShape: target.shape,
  });
}

/** −w[y]·lp[y] (plus the smoothing term) per row; 'mean' divides by Σ w[y] over non-ignored rows. */
function classIndexLoss(a: ClassIndexLoss): Value {
  const [M, C] = a.logProbs.shape;
  const g = a.logProbs.graph;
  const valid = not(equal(a.target, g.scalar(a.ignoreIndex, 'int64')));
  const safeTarget = where(valid, a.target, g.scalar(0, 'int64'));
  const picked = reshape(gather(a.logProbs, reshape(safeTarget, [M, 1]), 1), [M]);
  const zero = g.scalar(0, a.logProbs.dtype);
  const rowWeight = where(valid, a.weight ? gather(a.weight, safeTarget, 0) : g.scalar(1, a.logProbs.dtype), zero);
  let loss = neg(mul(picked, rowWeight));
  if (a.labelSmoothing > 0) {
    const weighted = a.weight ? mul(a.logProbs, reshape(a.weight, [1, C])) : a.logProbs;
    const smooth = where(valid, neg(sum(weighted, [1])), zero);
    loss = add(mul(loss, 1 - a.labelSmoothing), mul(smooth, a.labelSmoothing / C));
  }
  if (a.reduction === 'none') return reshape(loss, a.outShape);
  if (a.reduction === 'sum') return sum(loss);
  return div(sum(loss), sum(rowWeight));
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
  build(_g, { input, target, weight }, options) {
    const eps = smoothing(options);
    const how = reduction(options);
    const batched = input.shape.length === 1 ? reshape(input, [1, input.shape[0]]) : input;
    const logProbs = classRows(logSoftmax(batched, 1));
    if (target.isFloat) {
      const C = logProbs.shape[1];
      const soft = classRows(input.shape.length === 1 ? reshape(target, [1, C]) : target);
      const smoothed = eps > 0 ? add(mul(soft, 1 - eps), eps / C) : soft;
      const weighted = weight ? mul(smoothed, reshape(weight, [1, C])) : smoothed;
      const rows = neg(sum(mul(weighted, logProbs), [1]));
      const outShape = input.shape.length === 1 ? [] : [input.shape[0], ...input.shape.slice(2)];
      return { output: how === 'none' ? reshape(rows, outShape) : reduce(rows, how) };
    }
    return { output: classIndexFromOptions(logProbs, target, weight, options, eps) };
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
    return { output: classIndexFromOptions(classRows(batched), target, weight, options, 0) };
  },
};

