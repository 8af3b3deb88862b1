// binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction='mean').
import { add, mul, neg, softplus, sub } from '../graph/math';
import { broadcastShapes } from '../graph/shape';
import { checkSameShape, reduce, reduction } from './common';
import { fail, shapeText, type OpDefinition } from './op';

export const binaryCrossEntropyWithLogits: OpDefinition = {
  name: 'binary_cross_entropy_with_logits',
  inputs: { input: 'float', target: 'float' },
  tensorOptions: ['weight', 'pos_weight'],
  defaults: { reduction: 'mean' },
  check({ input, target, weight, pos_weight }, options) {
    reduction(options);
    checkSameShape('binary_cross_entropy_with_logits', ['input', input], ['target', target]);
    for (const [name, t] of [['weight', weight], ['pos_weight', pos_weight]] as const) {
      if (!t) continue;
      try {
        if (broadcastShapes(t.shape, input.shape).join() !== input.shape.join()) throw new Error();
      } catch {
        fail(`binary_cross_entropy_with_logits(): ${name} of shape ${shapeText(t.shape)} does not broadcast to input of shape ${shapeText(input.shape)}`);
      }
    }
  },
  build(_g, { input: x, target: y, weight, pos_weight }, options) {
    // softplus(−x) = −log σ(x), stable for |x| ≫ 1.
    let loss;
    if (pos_weight) {
      const coef = add(mul(sub(pos_weight, 1), y), 1);
      loss = add(mul(sub(1, y), x), mul(coef, softplus(neg(x))));
    } else {
      loss = sub(softplus(x), mul(x, y));
    }
    if (weight) loss = mul(loss, weight);
    return { output: reduce(loss, reduction(options)) };
  },
};
