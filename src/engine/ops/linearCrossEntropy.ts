// linear_cross_entropy(input [N, D], weight [C, D], bias [C], target [N]) = cross_entropy(F.linear(x, W, b), y)
// (the fused "linear + cross-entropy" of Liger / cut-cross-entropy): gradients for x, W and b from the
// autodiff, and the logits z = x·Wᵀ + b and probabilities softmax(z) as extra outputs.
import { add, neg } from '../graph/math';
import { gather, logSoftmax, matmul, softmax } from '../graph/nn';
import { reshape, transpose } from '../graph/shape';
import { checkLabels, reduce, reduction } from './common';
import { fail, shapeText, type OpDefinition } from './op';

export const linearCrossEntropy: OpDefinition = {
  name: 'linear_cross_entropy',
  inputs: { input: 'float', weight: 'float', bias: 'float', target: 'int' },
  defaults: { reduction: 'mean' },
  check({ input, weight, bias, target }, options) {
    reduction(options);
    if (input.shape.length !== 2) fail(`linear_cross_entropy(): expected input of shape [N, D], got ${shapeText(input.shape)}`);
    const [N, D] = input.shape;
    if (weight.shape.length !== 2 || weight.shape[1] !== D) fail(`linear_cross_entropy(): expected weight of shape [C, ${D}], got ${shapeText(weight.shape)}`);
    const C = weight.shape[0];
    if (bias.shape.join() !== String(C)) fail(`linear_cross_entropy(): expected bias of shape [${C}], got ${shapeText(bias.shape)}`);
    if (target.shape.join() !== String(N)) fail(`linear_cross_entropy(): expected target of shape [${N}], got ${shapeText(target.shape)}`);
    checkLabels(target, C, -100);
    if (C === 0 || N === 0) fail('linear_cross_entropy(): needs at least one sample and one class');
  },
  build(_g, { input, weight, bias, target }, options) {
    const [N] = input.shape;
    const [C] = weight.shape;
    const logits = add(matmul(input, transpose(weight, [1, 0])), reshape(bias, [1, C]));
    const nll = neg(reshape(gather(logSoftmax(logits, 1), reshape(target, [N, 1]), 1), [N]));
    return { output: reduce(nll, reduction(options)), extras: { logits, probabilities: softmax(logits, 1) } };
  },
};
