// The score beam search ranks finished hypotheses by, as Hugging Face's BeamHypotheses: the sum of the token
// log-probabilities over the hypothesis' length, divided by length ** length_penalty (0: raw sum, which favours
// short hypotheses; 1: the mean log-probability; GNMT-style values in between).
import { typedArrayOf, type Value } from '../graph/graph';
import { div, exp, less, log, mul } from '../graph/math';
import { sum } from '../graph/nn';
import { cast, reshape } from '../graph/shape';
import { fail, numberOption, shapeText, type OpDefinition } from './op';

export const beamScore: OpDefinition = {
  name: 'beam_score',
  inputs: { logprobs: 'float', lengths: 'int' },
  defaults: { length_penalty: 1 },
  check({ logprobs, lengths }, options) {
    numberOption(options, 'length_penalty');
    if (logprobs.shape.length !== 2) fail(`beam_score(): logprobs must be [hypotheses, tokens], got shape ${shapeText(logprobs.shape)}`);
    if (lengths.shape.join() !== String(logprobs.shape[0])) fail(`beam_score(): lengths must have shape [${logprobs.shape[0]}], got ${shapeText(lengths.shape)}`);
    const T = logprobs.shape[1];
    (lengths.data as BigInt64Array).forEach((n, i) => {
      if (n < 1n || n > BigInt(T)) fail(`beam_score(): lengths[${i}] is ${n}; a hypothesis has 1 to ${T} tokens`);
    });
  },
  build(g, { logprobs, lengths }, options) {
    const [B, T] = logprobs.shape;
    const n: Value = cast(reshape(lengths, [B, 1]), logprobs.dtype);
    const positions = g.constant(typedArrayOf(logprobs.dtype, Array.from({ length: T }, (_, t) => t)), logprobs.dtype, [1, T]);
    const mask = cast(less(positions, n), logprobs.dtype);
    const total = sum(mul(logprobs, mask), [1]);
    const penalty = exp(mul(log(reshape(n, [B])), numberOption(options, 'length_penalty'))); // |Y| ** α
    return { output: div(total, penalty), extras: { sum_logprobs: total, length_penalty_factor: penalty } };
  },
};
