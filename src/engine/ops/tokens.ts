// Token-level language-model losses with vocab last ([B, T, V]): sequence_cross_entropy, causal_lm_loss,
// perplexity, top_k_accuracy.
import type { Tensor } from '../../protocol/tensor';
import type { Value } from '../graph/graph';
import { cast, reshape, slice } from '../graph/shape';
import { div, equal, exp, greater, maximum, mul, not, where } from '../graph/math';
import { sum } from '../graph/nn';
import { classIndexRows } from './classIndexLoss';
import { checkLabels } from './common';
import { fail, numberOption, oneOf, shapeText, type OpDefinition, type Options } from './op';

/** −log p(target) per token and the float mask of counted tokens, both [B, T]; logits [B, T, V], target [B, T]. */
function tokenNll(logits: Value, target: Value, ignoreIndex: number): { nll: Value; valid: Value } {
  const [B, T, V] = logits.shape;
  const rows = classIndexRows({ logits: reshape(logits, [B * T, V]) }, reshape(target, [B * T]), { ignoreIndex });
  return { nll: reshape(rows.nll, [B, T]), valid: reshape(rows.counted!, [B, T]) };
}

function checkTokens(op: string, logits: [string, Tensor], target: [string, Tensor], options: Options): void {
  const [ln, l] = logits;
  const [tn, t] = target;
  if (l.shape.length !== 3) fail(`${op}(): expected ${ln} of shape [B, T, V], got ${shapeText(l.shape)}`);
  if (t.shape.join() !== l.shape.slice(0, 2).join()) {
    fail(`${op}(): expected ${tn} of shape ${shapeText(l.shape.slice(0, 2))} for ${ln} of shape ${shapeText(l.shape)}, got ${shapeText(t.shape)}`);
  }
  checkLabels(t, l.shape[2], numberOption(options, 'ignore_index'));
}

/** Σ nll / Σ valid — NaN when no token counts, as torch's mean over an empty selection. */
function tokenMean(nll: Value, valid: Value): Value {
  return div(sum(nll), sum(valid));
}

export const sequenceCrossEntropy: OpDefinition = {
  name: 'sequence_cross_entropy',
  inputs: { input: 'float', target: 'int' },
  defaults: { normalize: 'token', ignore_index: -100 },
  check({ input, target }, options) {
    oneOf(options, 'normalize', ['token', 'sequence']);
    checkTokens('sequence_cross_entropy', ['input', input], ['target', target], options);
  },
  build(_g, { input, target }, options) {
    const { nll, valid } = tokenNll(input, target, numberOption(options, 'ignore_index'));
    if (options.normalize === 'token') return { output: tokenMean(nll, valid) };
    // Each sequence's own mean, then the mean over sequences that have at least one counted token.
    const counts = sum(valid, [1]);
    const hasTokens = greater(counts, 0);
    const perRow = where(hasTokens, div(sum(nll, [1]), maximum(counts, 1)), 0);
    return { output: div(sum(perRow), sum(cast(hasTokens, input.dtype))) };
  },
};

export const causalLmLoss: OpDefinition = {
  name: 'causal_lm_loss',
  inputs: { logits: 'float', input_ids: 'int' },
  defaults: { ignore_index: -100 },
  check({ logits, input_ids }, options) {
    checkTokens('causal_lm_loss', ['logits', logits], ['input_ids', input_ids], options);
    if (logits.shape[1] < 2) fail(`causal_lm_loss(): needs at least 2 positions to shift, got T = ${logits.shape[1]}`);
  },
  build(_g, { logits, input_ids }, options) {
    const T = logits.shape[1];
    // Position t predicts token t + 1.
    const { nll, valid } = tokenNll(slice(logits, 1, 0, T - 1), slice(input_ids, 1, 1, T), numberOption(options, 'ignore_index'));
    return { output: tokenMean(nll, valid) };
  },
};

export const perplexity: OpDefinition = {
  name: 'perplexity',
  inputs: { input: 'float', target: 'int' },
  defaults: { ignore_index: -100 },
  differentiable: false,
  check: ({ input, target }, options) => checkTokens('perplexity', ['input', input], ['target', target], options),
  build(_g, { input, target }, options) {
    const { nll, valid } = tokenNll(input, target, numberOption(options, 'ignore_index'));
    return { output: exp(tokenMean(nll, valid)) };
  },
};

export const topKAccuracy: OpDefinition = {
  name: 'top_k_accuracy',
  inputs: { input: 'float', target: 'int' },
  defaults: { k: 1, ignore_index: -100 },
  differentiable: false,
  check({ input, target }, options) {
    const k = numberOption(options, 'k');
    const C = input.shape[input.shape.length - 1];
    if (input.shape.length < 2) fail(`top_k_accuracy(): expected input of shape [N, C] or [B, T, V], got ${shapeText(input.shape)}`);
    if (!Number.isInteger(k) || k < 1 || k > C) fail(`top_k_accuracy(): k must be an integer in [1, ${C}], got ${k}`);
    if (target.shape.join() !== input.shape.slice(0, -1).join()) {
      fail(`top_k_accuracy(): expected target of shape ${shapeText(input.shape.slice(0, -1))}, got ${shapeText(target.shape)}`);
    }
    checkLabels(target, C, numberOption(options, 'ignore_index'));
  },
  build(g, { input, target }, options) {
    const k = numberOption(options, 'k');
    const shape = [...input.shape.slice(0, -1), k];
    const [, indices] = g.nodeWithOutputs('TopK', [input, g.ints([k])], [{ dtype: input.dtype, shape }, { dtype: 'int64', shape }], {
      axis: { kind: 'int', value: -1 },
      sorted: { kind: 'int', value: 0 },
    });
    const hit = cast(equal(indices, reshape(target, [...target.shape, 1])), input.dtype);
    const isValid = cast(not(equal(target, g.scalar(numberOption(options, 'ignore_index'), 'int64'))), input.dtype);
    return { output: div(sum(mul(sum(hit, [-1]), isValid)), sum(isValid)) };
  },
};
