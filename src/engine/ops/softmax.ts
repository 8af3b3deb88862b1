// softmax / log_softmax (torch.nn.functional names; `dim` defaults to the last axis here, as LLM code uses it),
// and their naive forms — exp(x) / Σ exp(x) without subtracting the max — that show why nobody computes them so:
// in float32 exp overflows past x ≈ 88.7 (inf / inf = NaN) and underflows below ≈ −103 (log 0 = −inf).
import { div, exp, log } from '../graph/math';
import { logSoftmax, softmax as softmaxNode, sum } from '../graph/nn';
import type { Value } from '../graph/graph';
import { reshape } from '../graph/shape';
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

/** `f` along `dim`; a 0-d input is taken as one element (PyTorch: softmax 1, log_softmax 0). */
function alongDim(f: (x: Value, axis: number) => Value): OpDefinition['build'] {
  return (_g, { input }, options) => {
    if (input.shape.length > 0) return { output: f(input, numberOption(options, 'dim')) };
    return { output: reshape(f(reshape(input, [1]), 0), []) };
  };
}

export const softmax: OpDefinition = {
  name: 'softmax',
  inputs: { input: 'float' },
  defaults: { dim: -1 },
  check: ({ input }, options) => void dim(input, options),
  build: alongDim(softmaxNode),
};

export const logSoftmaxOp: OpDefinition = {
  name: 'log_softmax',
  inputs: { input: 'float' },
  defaults: { dim: -1 },
  check: ({ input }, options) => void dim(input, options),
  build: alongDim(logSoftmax),
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
  build: alongDim(naiveSoftmax),
};

export const naiveLogSoftmaxOp: OpDefinition = {
  name: 'naive_log_softmax',
  inputs: { input: 'float' },
  defaults: { dim: -1 },
  check: ({ input }, options) => void dim(input, options),
  build: alongDim((x, axis) => log(naiveSoftmax(x, axis))),
};
