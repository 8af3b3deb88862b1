// softmax / log_softmax (torch.nn.functional names; `dim` defaults to the last axis here, as LLM code uses it),
// and their naive forms — exp(x) / Σ exp(x) without subtracting the max — that show why nobody computes them so:
// in float32 exp overflows past x ≈ 88.7 (inf / inf = NaN) and underflows below ≈ −103 (log 0 = −inf).
import { div, exp, log } from '../graph/math';
import { logSoftmax, softmax as softmaxNode, sum } from '../graph/nn';
import type { Value } from '../graph/graph';
import { fail, numberOption, type OpDefinition, type Options } from './op';
import type { Tensor } from '../../protocol/tensor';

function dim(input: Tensor, options: Options): number {
  const d = numberOption(options, 'dim');
  const rank = Math.max(input.shape.length, 1);
  if (!Number.isInteger(d) || d < -rank || d >= rank) {
    fail(`Dimension out of range (expected to be in range of [${-rank}, ${rank - 1}], but got ${d})`);
  }
  return d < 0 ? d + rank : d;
}

export const softmax: OpDefinition = {
  name: 'softmax',
  inputs: { input: 'float' },
  defaults: { dim: -1 },
  check: ({ input }, options) => void dim(input, options),
  build: (_g, { input }, options) => ({ output: softmaxNode(input, numberOption(options, 'dim')) }),
};

export const logSoftmaxOp: OpDefinition = {
  name: 'log_softmax',
  inputs: { input: 'float' },
  defaults: { dim: -1 },
  check: ({ input }, options) => void dim(input, options),
  build: (_g, { input }, options) => ({ output: logSoftmax(input, numberOption(options, 'dim')) }),
};

function naiveSoftmax(x: Value, axis: number): Value {
  const e = exp(x);
  return div(e, sum(e, [axis], true));
}

export const naiveSoftmaxOp: OpDefinition = {
  name: 'naive_softmax',
  inputs: { input: 'float' },
  defaults: { dim: -1 },
  check: ({ input }, options) => void dim(input, options),
  build: (_g, { input }, options) => ({ output: naiveSoftmax(input, numberOption(options, 'dim')) }),
};

export const naiveLogSoftmaxOp: OpDefinition = {
  name: 'naive_log_softmax',
  inputs: { input: 'float' },
  defaults: { dim: -1 },
  check: ({ input }, options) => void dim(input, options),
  build: (_g, { input }, options) => ({ output: log(naiveSoftmax(input, numberOption(options, 'dim'))) }),
};
