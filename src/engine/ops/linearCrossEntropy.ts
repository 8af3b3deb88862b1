// linear_cross_entropy(input [N, D], weight [C, D], bias [C], target [N]) = cross_entropy(F.linear(x, W, b), y)
// (the fused "linear + cross-entropy" of Liger / cut-cross-entropy): gradients for x, W and b from the
// autodiff, and the logits z = x·Wᵀ + b and probabilities softmax(z) as extra outputs.
import { add, div } from '../graph/math';
import { matmul, softmax, sum } from '../graph/nn';
import { reshape, transpose } from '../graph/shape';
import { classIndexRows, countedTotal } from './classIndexLoss';
import { checkLabels, reduction } from './common';
import { fail, numberOption, shapeText, type OpDefinition } from './op';

export const linearCrossEntropy: OpDefinition = {
  name: 'linear_cross_entropy',
  inputs: { input: 'float', weight: 'float', bias: 'float', target: 'int' },
  defaults: { reduction: 'mean', ignore_index: -100 },
  peakElements({ input, weight }) {
    return Math.max(input.shape[0] * weight.shape[0], weight.data.length);
  },
  check({ input, weight, bias, target }, options) {
    reduction(options);
    if (input.shape.length !== 2) fail(`linear_cross_entropy(): expected input of shape [N, D], got ${shapeText(input.shape)}`);
    const [N, D] = input.shape;
    if (weight.shape.length !== 2 || weight.shape[1] !== D) fail(`linear_cross_entropy(): expected weight of shape [C, ${D}], got ${shapeText(weight.shape)}`);
    const C = weight.shape[0];
    if (bias.shape.join() !== String(C)) fail(`linear_cross_entropy(): expected bias of shape [${C}], got ${shapeText(bias.shape)}`);
    if (target.shape.join() !== String(N)) fail(`linear_cross_entropy(): expected target of shape [${N}], got ${shapeText(target.shape)}`);
    checkLabels(target, C, numberOption(options, 'ignore_index'));
    if (C === 0 || N === 0) fail('linear_cross_entropy(): needs at least one sample and one class');
  },
  build(_g, { input, weight, bias, target }, options) {
    const [C] = weight.shape;
    const logits = add(matmul(input, transpose(weight, [1, 0])), reshape(bias, [1, C]));
    const rows = classIndexRows({ logits }, target, { ignoreIndex: numberOption(options, 'ignore_index') });
    const how = reduction(options);
    const output = how === 'none' ? rows.loss : how === 'sum' ? sum(rows.loss) : div(sum(rows.loss), countedTotal(rows, rows.loss));
    return { output, extras: { logits, probabilities: softmax(logits, 1) } };
  },
};
